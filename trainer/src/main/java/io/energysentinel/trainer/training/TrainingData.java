package io.energysentinel.trainer.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * Training inputs, flattened, with labels (-1 when unlabelled) and the shape of one input.
 *
 * @param name human description, for provenance
 * @param inputs one flattened input per row
 * @param labels class labels, or -1
 * @param itemShape shape of one input, e.g. {@code [1, 28, 28]}
 */
public record TrainingData(String name, float[][] inputs, int[] labels, List<Integer> itemShape) {
    public TrainingData {
        itemShape = List.copyOf(itemShape);
        if (inputs.length == 0 || inputs.length != labels.length) {
            throw new IllegalArgumentException("need a label per input and at least one input");
        }
    }

    /** Number of inputs. */
    public int size() {
        return inputs.length;
    }

    /** The DJL shape of one input. */
    public Shape shape() {
        return new Shape(itemShape.stream().mapToLong(Integer::longValue).toArray());
    }

    /** A batch of rows {@code idx} as an array of shape {@code [batch, ...itemShape]}. */
    public NDArray batch(int[] idx, NDManager manager) {
        return batch(inputs, idx, shape(), manager);
    }

    /** A batch of {@code rows} at {@code idx} as an array of shape {@code [batch, ...item]}. */
    public static NDArray batch(float[][] rows, int[] idx, Shape item, NDManager manager) {
        int size = (int) item.size();
        float[] flat = new float[idx.length * size];
        for (int i = 0; i < idx.length; i++) {
            System.arraycopy(rows[idx[i]], 0, flat, i * size, size);
        }
        return manager.create(flat, new Shape(idx.length).addAll(item));
    }

    /** SHA-256 over every input value and label, in order: the bundle's training-data fingerprint. */
    public String fingerprint() {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate(4 * inputs[0].length + 4);
            for (int i = 0; i < inputs.length; i++) {
                buf.clear();
                for (float f : inputs[i]) {
                    buf.putFloat(f);
                }
                buf.putInt(labels[i]);
                sha.update(buf.array(), 0, buf.position());
            }
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
