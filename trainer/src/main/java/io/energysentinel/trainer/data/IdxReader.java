package io.energysentinel.trainer.data;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * Reads IDX files (the MNIST family's format): IDX3 unsigned-byte images and IDX1 labels, gzip or raw.
 *
 * <p>Every read is all-or-nothing: a wrong magic number, implausible dimensions, or a file shorter or longer
 * than its header promises is a {@link DataFormatException} naming the file and byte offset.
 */
public final class IdxReader {
    static final int IMAGES_MAGIC = 0x00000803;
    static final int LABELS_MAGIC = 0x00000801;
    private static final int MAX_ITEMS = 10_000_000;
    private static final int MAX_SIDE = 4096;

    private IdxReader() {}

    /** Reads an IDX3 image file; pixels are scaled from 0..255 to [0, 1]. */
    public static ImageDataset readImages(Path file, String name) {
        try (DataInputStream in = open(file)) {
            int magic = readHeaderInt(in, file, 0, "magic number");
            if (magic != IMAGES_MAGIC) {
                throw new DataFormatException(file, "byte 0", String.format(
                        "wrong magic 0x%08x, expected 0x%08x for IDX3 unsigned-byte images", magic, IMAGES_MAGIC));
            }
            int count = checkedDimension(readHeaderInt(in, file, 4, "image count"), file, 4, MAX_ITEMS);
            int rows = checkedDimension(readHeaderInt(in, file, 8, "rows"), file, 8, MAX_SIDE);
            int cols = checkedDimension(readHeaderInt(in, file, 12, "columns"), file, 12, MAX_SIDE);
            int size = rows * cols;
            float[][] pixels = new float[count][size];
            byte[] row = new byte[size];
            for (int i = 0; i < count; i++) {
                readFully(in, row, file, 16L + (long) i * size, "image " + i + " of " + count);
                float[] p = pixels[i];
                for (int j = 0; j < size; j++) {
                    p[j] = (row[j] & 0xFF) / 255f;
                }
            }
            expectEnd(in, file, 16L + (long) count * size);
            return ImageDataset.unlabelled(name, pixels, rows, cols);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read IDX images " + file, e);
        }
    }

    /** Reads an IDX1 label file. */
    public static int[] readLabels(Path file) {
        try (DataInputStream in = open(file)) {
            int magic = readHeaderInt(in, file, 0, "magic number");
            if (magic != LABELS_MAGIC) {
                throw new DataFormatException(file, "byte 0", String.format(
                        "wrong magic 0x%08x, expected 0x%08x for IDX1 unsigned-byte labels", magic, LABELS_MAGIC));
            }
            int count = checkedDimension(readHeaderInt(in, file, 4, "label count"), file, 4, MAX_ITEMS);
            byte[] raw = new byte[count];
            readFully(in, raw, file, 8, count + " labels");
            expectEnd(in, file, 8L + count);
            int[] labels = new int[count];
            for (int i = 0; i < count; i++) {
                labels[i] = raw[i] & 0xFF;
            }
            return labels;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read IDX labels " + file, e);
        }
    }

    /** Reads images and their labels; the counts must agree. */
    public static ImageDataset readLabelled(Path images, Path labels, String name) {
        ImageDataset unlabelled = readImages(images, name);
        int[] l = readLabels(labels);
        if (l.length != unlabelled.size()) {
            throw new DataFormatException(labels, "byte 4", l.length + " labels for " + unlabelled.size()
                    + " images in " + images);
        }
        return new ImageDataset(name, unlabelled.pixels(), l, unlabelled.rows(), unlabelled.cols());
    }

    private static DataInputStream open(Path file) throws IOException {
        InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        raw.mark(2);
        int b0 = raw.read();
        int b1 = raw.read();
        raw.reset();
        // gzip files start with 0x1f 0x8b; anything else is read as a raw IDX file.
        boolean gzip = b0 == 0x1f && b1 == 0x8b;
        return new DataInputStream(gzip ? new BufferedInputStream(new GZIPInputStream(raw, 1 << 16), 1 << 16) : raw);
    }

    private static int readHeaderInt(DataInputStream in, Path file, long offset, String what) throws IOException {
        try {
            return in.readInt();
        } catch (EOFException e) {
            throw new DataFormatException(file, "byte " + offset, "file ends inside the header (" + what + ")");
        }
    }

    private static int checkedDimension(int value, Path file, long offset, int max) {
        if (value < 0 || value > max) {
            throw new DataFormatException(file, "byte " + offset, "implausible dimension " + value + " (allowed 0.." + max + ")");
        }
        return value;
    }

    private static void readFully(DataInputStream in, byte[] target, Path file, long offset, String what) throws IOException {
        int read = 0;
        while (read < target.length) {
            int n;
            try {
                n = in.read(target, read, target.length - read);
            } catch (EOFException e) {
                n = -1; // a truncated gzip stream ends with EOFException instead of -1
            }
            if (n < 0) {
                throw new DataFormatException(file, "byte " + (offset + read),
                        "truncated: file ends inside " + what + " (" + read + " of " + target.length + " bytes)");
            }
            read += n;
        }
    }

    private static void expectEnd(DataInputStream in, Path file, long offset) throws IOException {
        int next;
        try {
            next = in.read();
        } catch (EOFException e) {
            next = -1;
        }
        if (next >= 0) {
            throw new DataFormatException(file, "byte " + offset, "trailing data after the last item the header declares");
        }
    }
}
