package io.energysentinel.trainer.rbm;

/** The exact log partition function of a small RBM by enumerating every visible vector. */
public final class ExactPartition {
    /** Largest visible layer enumerated: 2^24 free energies. */
    public static final int MAX_VISIBLE = 24;

    private ExactPartition() {}

    /** {@code log Z = log sum_v exp(-F(v))} over all {@code 2^visible} binary vectors. */
    public static double logZ(Rbm rbm) {
        if (rbm.visible > MAX_VISIBLE) {
            throw new IllegalArgumentException("cannot enumerate 2^" + rbm.visible + " visible vectors; at most " + MAX_VISIBLE + " visible units");
        }
        long count = 1L << rbm.visible;
        double[] v = new double[rbm.visible];
        double max = Double.NEGATIVE_INFINITY;
        double[] logs = new double[(int) count];
        for (long code = 0; code < count; code++) {
            for (int i = 0; i < rbm.visible; i++) {
                v[i] = (code >>> i) & 1L;
            }
            logs[(int) code] = -rbm.freeEnergy(v);
            max = Math.max(max, logs[(int) code]);
        }
        double s = 0;
        for (double l : logs) {
            s += Math.exp(l - max);
        }
        return max + Math.log(s);
    }
}
