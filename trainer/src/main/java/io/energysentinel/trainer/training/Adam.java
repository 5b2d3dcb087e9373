package io.energysentinel.trainer.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import ai.djl.util.PairList;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Adam over a block's parameters, with moments we own so a checkpoint can save and restore them exactly.
 *
 * <p>DJL's optimisers keep their state internally with no public way to save it; resuming a PCD run
 * with fresh moments is not the same run.
 */
public final class Adam {
    private static final NDIndex ALL = new NDIndex("...");
    private final List<NDArray> params = new ArrayList<>();
    private final List<NDArray> m = new ArrayList<>();
    private final List<NDArray> v = new ArrayList<>();
    private final double beta1;
    private final double beta2;
    private final double eps;
    private long t;

    /** Adam on {@code parameters}; state lives in {@code manager}. */
    public Adam(PairList<String, Parameter> parameters, NDManager manager, double beta1, double beta2, double eps) {
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        for (Pair<String, Parameter> p : parameters) {
            NDArray array = p.getValue().getArray();
            params.add(array);
            m.add(manager.zeros(array.getShape(), array.getDataType()));
            v.add(manager.zeros(array.getShape(), array.getDataType()));
        }
    }

    /** One update with learning rate {@code lr} from the current gradients, then zeroes the gradients. */
    public void step(double lr) {
        t++;
        double c1 = 1 - Math.pow(beta1, t);
        double c2 = 1 - Math.pow(beta2, t);
        for (int i = 0; i < params.size(); i++) {
            NDArray p = params.get(i);
            // Every temporary is closed here: they would otherwise live as long as the model's manager.
            try (NDArray g = p.getGradient();
                 NDArray gScaled = g.mul((float) (1 - beta1));
                 NDArray gSquared = g.square();
                 NDArray gSquaredScaled = gSquared.mul((float) (1 - beta2))) {
                m.get(i).muli((float) beta1).addi(gScaled);
                v.get(i).muli((float) beta2).addi(gSquaredScaled);
                try (NDArray mHat = m.get(i).div((float) c1);
                     NDArray vHat = v.get(i).div((float) c2);
                     NDArray root = vHat.sqrt();
                     NDArray denominator = root.add((float) eps);
                     NDArray ratio = mHat.div(denominator);
                     NDArray update = ratio.mul((float) lr)) {
                    p.subi(update);
                }
                clear(g);
            }
        }
    }

    /** Sets every parameter gradient to zero (PyTorch accumulates them across backward calls). */
    public void zeroGradients() {
        zeroGradients(params);
    }

    /** Sets the gradients of {@code arrays} to zero. */
    public static void zeroGradients(List<NDArray> arrays) {
        for (NDArray p : arrays) {
            try (NDArray g = p.getGradient()) {
                clear(g);
            }
        }
    }

    /**
     * Fills {@code gradient} with zeros in place. Not {@code g - g} or {@code g * 0}: after a step that
     * overflowed they give NaN, and every later step would accumulate onto it and be judged diverged. The zero is an
     * array closed here: {@code set(index, 0f)} makes one in the gradient's manager (the model's, which lives as long
     * as training) and never frees it, two per parameter and step, so a 30-minute run kept millions of them.
     */
    private static void clear(NDArray gradient) {
        try (NDArray zero = gradient.getManager().create(0f)) {
            gradient.set(ALL, zero);
        }
    }

    /** The parameter arrays, in block order. */
    public List<NDArray> parameters() {
        return List.copyOf(params);
    }

    /** Steps taken. */
    public long steps() {
        return t;
    }

    /** Writes step count and moments. */
    public void save(DataOutputStream out) throws IOException {
        out.writeLong(t);
        out.writeInt(params.size());
        for (int i = 0; i < params.size(); i++) {
            writeArray(out, m.get(i));
            writeArray(out, v.get(i));
        }
    }

    /** Restores what {@link #save} wrote, for the same parameter layout. */
    public void load(DataInputStream in) throws IOException {
        t = in.readLong();
        int n = in.readInt();
        if (n != params.size()) {
            throw new IOException("optimiser state has " + n + " parameters, model has " + params.size());
        }
        for (int i = 0; i < n; i++) {
            readArray(in, m.get(i));
            readArray(in, v.get(i));
        }
    }

    static void writeArray(DataOutputStream out, NDArray array) throws IOException {
        float[] values = array.toFloatArray();
        out.writeInt(values.length);
        for (float f : values) {
            out.writeFloat(f);
        }
    }

    static void readArray(DataInputStream in, NDArray target) throws IOException {
        int n = in.readInt();
        if (n != target.size()) {
            throw new IOException("saved array has " + n + " values, expected " + target.size());
        }
        float[] values = new float[n];
        for (int i = 0; i < n; i++) {
            values[i] = in.readFloat();
        }
        target.set(values);
    }
}
