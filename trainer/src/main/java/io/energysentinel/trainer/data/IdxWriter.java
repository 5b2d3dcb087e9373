package io.energysentinel.trainer.data;

import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

/**
 * Writes gzip-compressed IDX files, the format {@link IdxReader} reads (and Fashion-MNIST ships in): unsigned-byte images
 * and labels. Pixels in [0, 1] are stored as {@code round(255 v)}, exact for images that came from bytes.
 */
public final class IdxWriter {
    private IdxWriter() {}

    /** Writes {@code images} ({@code rows x cols} each) as IDX3 to {@code file}. */
    public static void writeImages(float[][] images, int rows, int cols, Path file) {
        try (DataOutputStream out = open(file)) {
            out.writeInt(IdxReader.IMAGES_MAGIC);
            out.writeInt(images.length);
            out.writeInt(rows);
            out.writeInt(cols);
            byte[] row = new byte[rows * cols];
            for (float[] image : images) {
                if (image.length != row.length) {
                    throw new IllegalArgumentException("an image has " + image.length + " pixels, expected " + rows + "x" + cols);
                }
                for (int j = 0; j < row.length; j++) {
                    float v = image[j];
                    // NaN and values outside [0, 1] cannot come from a byte; they are stored at the nearest end.
                    row[j] = (byte) Math.round(255 * (v > 0 ? Math.min(1f, v) : 0f));
                }
                out.write(row);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write IDX images " + file, e);
        }
    }

    /** Writes {@code labels} (0..255) as IDX1 to {@code file}. */
    public static void writeLabels(int[] labels, Path file) {
        try (DataOutputStream out = open(file)) {
            out.writeInt(IdxReader.LABELS_MAGIC);
            out.writeInt(labels.length);
            for (int label : labels) {
                if (label < 0 || label > 255) {
                    throw new IllegalArgumentException("label " + label + " does not fit an unsigned byte");
                }
                out.write(label);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write IDX labels " + file, e);
        }
    }

    private static DataOutputStream open(Path file) throws IOException {
        return new DataOutputStream(new BufferedOutputStream(new GZIPOutputStream(Files.newOutputStream(file), 1 << 16), 1 << 16));
    }
}
