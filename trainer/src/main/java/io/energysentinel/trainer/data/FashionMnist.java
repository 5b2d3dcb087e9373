package io.energysentinel.trainer.data;

import java.nio.file.Files;
import java.nio.file.Path;

/** Loads Fashion-MNIST (or any MNIST-layout IDX set) from a directory of the four standard files. */
public final class FashionMnist {
    /** Which half of the set. */
    public enum Split {
        /** 60,000 training images. */
        TRAIN("train"),
        /** 10,000 test images. */
        TEST("t10k");

        private final String prefix;

        Split(String prefix) {
            this.prefix = prefix;
        }
    }

    /** Class names, by label. */
    public static final String[] CLASSES = {
        "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"
    };

    private FashionMnist() {}

    /** Loads one split; accepts {@code .gz} or uncompressed files. */
    public static ImageDataset load(Path dir, Split split) {
        Path images = find(dir, split.prefix + "-images-idx3-ubyte");
        Path labels = find(dir, split.prefix + "-labels-idx1-ubyte");
        return IdxReader.readLabelled(images, labels, dir.getFileName() + "/" + split.name().toLowerCase());
    }

    private static Path find(Path dir, String base) {
        for (String name : new String[] {base + ".gz", base}) {
            Path p = dir.resolve(name);
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        throw new DataFormatException(dir, "directory", "neither " + base + ".gz nor " + base + " is here");
    }
}
