package io.energysentinel.trainer.data;

import java.nio.file.Path;

/** A data file is malformed; the message names the file and the position (byte, line, item). */
public class DataFormatException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public DataFormatException(Path file, String position, String problem) {
        super(file + " (" + position + "): " + problem);
    }

    public DataFormatException(Path file, String position, String problem, Throwable cause) {
        super(file + " (" + position + "): " + problem, cause);
    }
}
