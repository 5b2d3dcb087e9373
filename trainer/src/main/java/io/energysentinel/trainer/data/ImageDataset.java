package io.energysentinel.trainer.data;

import java.util.Arrays;
import java.util.Objects;

/**
 * Grey images with optional labels, pixels in [0, 1], row-major.
 *
 * <p>Arrays are shared, not copied, for speed: treat them as read-only.
 *
 * @param name human description, e.g. {@code fashion-mnist/test}
 * @param pixels one {@code rows * cols} array per image
 * @param labels one label per image; -1 where unlabelled
 * @param rows image height
 * @param cols image width
 */
public record ImageDataset(String name, float[][] pixels, int[] labels, int rows, int cols) {
    public ImageDataset {
        Objects.requireNonNull(name, "name");
        if (pixels.length != labels.length) {
            throw new IllegalArgumentException(name + ": " + pixels.length + " images but " + labels.length + " labels");
        }
        for (int i = 0; i < pixels.length; i++) {
            if (pixels[i].length != rows * cols) {
                throw new IllegalArgumentException(name + ": image " + i + " has " + pixels[i].length
                        + " pixels, expected " + rows + "x" + cols);
            }
        }
    }

    /** Number of images. */
    public int size() {
        return pixels.length;
    }

    /** Pixels per image. */
    public int imageSize() {
        return rows * cols;
    }

    /** The images at {@code indices}, in that order. */
    public ImageDataset subset(int[] indices, String subsetName) {
        float[][] p = new float[indices.length][];
        int[] l = new int[indices.length];
        for (int i = 0; i < indices.length; i++) {
            p[i] = pixels[indices[i]];
            l[i] = labels[indices[i]];
        }
        return new ImageDataset(subsetName, p, l, rows, cols);
    }

    /** The first {@code n} images (all when fewer). */
    public ImageDataset take(int n) {
        int k = Math.min(n, size());
        return new ImageDataset(name + "[:" + k + "]", Arrays.copyOf(pixels, k), Arrays.copyOf(labels, k), rows, cols);
    }

    /** Unlabelled images with the same geometry. */
    public static ImageDataset unlabelled(String name, float[][] pixels, int rows, int cols) {
        int[] labels = new int[pixels.length];
        Arrays.fill(labels, -1);
        return new ImageDataset(name, pixels, labels, rows, cols);
    }
}
