package io.energysentinel.trainer.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Random;

/**
 * The persistent chains of PCD: a fixed-size store of negative samples, each drawn for the next SGLD run
 * and written back after it; a drawn chain restarts from uniform noise with probability {@code reinitProb}.
 *
 * <p>Kept in host memory as float arrays, so checkpoints and resumes are exact.
 */
public final class ReplayBuffer {
    private final float[][] chains;
    private final double reinitProb;
    private final float min;
    private final float max;

    /** A buffer of {@code capacity} chains of {@code itemSize} values, filled with uniform noise in [min, max]. */
    public ReplayBuffer(int capacity, int itemSize, double reinitProb, float min, float max, Random random) {
        if (capacity < 1 || reinitProb < 0 || reinitProb > 1) {
            throw new IllegalArgumentException("capacity >= 1 and reinitProb in [0, 1] required");
        }
        this.chains = new float[capacity][itemSize];
        this.reinitProb = reinitProb;
        this.min = min;
        this.max = max;
        for (float[] chain : chains) {
            fillUniform(chain, random);
        }
    }

    /** Number of chains. */
    public int capacity() {
        return chains.length;
    }

    /** A copy of chain {@code i}. */
    public float[] chain(int i) {
        return chains[i].clone();
    }

    /** Picks {@code batch} chain indices uniformly with replacement. */
    public int[] pick(int batch, Random random) {
        int[] idx = new int[batch];
        for (int i = 0; i < batch; i++) {
            idx[i] = random.nextInt(chains.length);
        }
        return idx;
    }

    /**
     * The starting points for chains {@code idx}: each restarts from fresh noise with probability
     * {@code reinitProb}, else continues where it stopped.
     *
     * @return an array of shape {@code [batch, ...itemShape]}
     */
    public NDArray draw(int[] idx, Shape itemShape, NDManager manager, Random random) {
        int size = chains[0].length;
        float[] flat = new float[idx.length * size];
        float[] fresh = new float[size];
        for (int i = 0; i < idx.length; i++) {
            float[] source = chains[idx[i]];
            if (random.nextDouble() < reinitProb) {
                fillUniform(fresh, random);
                source = fresh;
            }
            System.arraycopy(source, 0, flat, i * size, size);
        }
        long[] dims = new long[itemShape.dimension() + 1];
        dims[0] = idx.length;
        System.arraycopy(itemShape.getShape(), 0, dims, 1, itemShape.dimension());
        return manager.create(flat, new Shape(dims));
    }

    /**
     * Writes SGLD's end points back into chains {@code idx}, except end points with a NaN or infinite value:
     * those chains stay where they were. A diverged SGLD run written back would poison every later batch that
     * draws the chain, and a rollback of the model could never recover from it.
     *
     * @return how many end points were not finite and so not written
     */
    public int update(int[] idx, NDArray samples) {
        float[] flat = samples.toFloatArray();
        int size = chains[0].length;
        int rejected = 0;
        for (int i = 0; i < idx.length; i++) {
            if (allFinite(flat, i * size, size)) {
                System.arraycopy(flat, i * size, chains[idx[i]], 0, size);
            } else {
                rejected++;
            }
        }
        return rejected;
    }

    private static boolean allFinite(float[] values, int from, int length) {
        for (int j = from; j < from + length; j++) {
            if (!Float.isFinite(values[j])) {
                return false;
            }
        }
        return true;
    }

    private void fillUniform(float[] chain, Random random) {
        for (int j = 0; j < chain.length; j++) {
            chain[j] = min + (max - min) * random.nextFloat();
        }
    }

    /** Writes all chains. */
    public void save(DataOutputStream out) throws IOException {
        out.writeInt(chains.length);
        out.writeInt(chains[0].length);
        for (float[] chain : chains) {
            for (float f : chain) {
                out.writeFloat(f);
            }
        }
    }

    /** Restores chains written by {@link #save} into a buffer of the same geometry. */
    public void load(DataInputStream in) throws IOException {
        int n = in.readInt();
        int size = in.readInt();
        if (n != chains.length || size != chains[0].length) {
            throw new IOException("saved buffer is " + n + "x" + size + ", expected " + chains.length + "x" + chains[0].length);
        }
        for (float[] chain : chains) {
            for (int j = 0; j < size; j++) {
                chain[j] = in.readFloat();
            }
        }
    }
}
