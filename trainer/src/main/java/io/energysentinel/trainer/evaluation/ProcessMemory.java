package io.energysentinel.trainer.evaluation;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Memory of this process as the kernel counts it: native (PyTorch, ONNX Runtime) and Java heap together. */
public final class ProcessMemory {
    private ProcessMemory() {}

    /** Peak resident set size in MB ({@code VmHWM} in /proc/self/status), or -1 where /proc has none. */
    public static double peakRssMb() {
        return statusMb("VmHWM:");
    }

    /** Current resident set size in MB ({@code VmRSS} in /proc/self/status), or -1 where /proc has none. */
    public static double rssMb() {
        return statusMb("VmRSS:");
    }

    private static double statusMb(String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith(field)) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }
}
