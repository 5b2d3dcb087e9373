package io.energysentinel.trainer.baselines;

import java.util.Random;

/**
 * Isolation Forest (Liu, Ting and Zhou, 2008): random axis-parallel splits isolate anomalies in fewer steps.
 *
 * <p>Hand-written: no maintained Java library with a licence compatible with Apache-2.0 ships one (Smile's is GPL
 * from 2.x on, Tribuo has none). {@code trees} trees on subsamples of {@code sampleSize} rows, depth limit
 * {@code ceil(log2 sampleSize)}, score {@code 2^(-E[h(x)] / c(sampleSize))} as in the paper.
 */
public final class IsolationForest implements Detector {
    private final int trees;
    private final int sampleSize;
    private final long seed;

    /** The paper's defaults: 100 trees of 256 rows. */
    public IsolationForest(long seed) {
        this(100, 256, seed);
    }

    public IsolationForest(int trees, int sampleSize, long seed) {
        if (trees < 1 || sampleSize < 2) {
            throw new IllegalArgumentException("trees >= 1 and sampleSize >= 2 required");
        }
        this.trees = trees;
        this.sampleSize = sampleSize;
        this.seed = seed;
    }

    @Override
    public String name() {
        return "isolation_forest";
    }

    @Override
    public Fitted fit(double[][] normal) {
        Random random = new Random(seed);
        int psi = Math.min(sampleSize, normal.length);
        int limit = (int) Math.ceil(Math.log(psi) / Math.log(2));
        Node[] forest = new Node[trees];
        for (int t = 0; t < trees; t++) {
            // A subsample without replacement, as in the paper: a partial Fisher-Yates shuffle of the row indices.
            int[] order = new int[normal.length];
            for (int i = 0; i < order.length; i++) {
                order[i] = i;
            }
            double[][] sample = new double[psi][];
            for (int i = 0; i < psi; i++) {
                int j = i + random.nextInt(order.length - i);
                int tmp = order[i];
                order[i] = order[j];
                order[j] = tmp;
                sample[i] = normal[order[i]];
            }
            forest[t] = grow(sample, 0, psi, 0, limit, random);
        }
        double norm = averagePathLength(psi);
        return rows -> {
            double[] out = new double[rows.length];
            for (int i = 0; i < rows.length; i++) {
                double sum = 0;
                for (Node tree : forest) {
                    sum += pathLength(tree, rows[i], 0);
                }
                out[i] = Math.pow(2, -(sum / trees) / norm);
            }
            return out;
        };
    }

    /** A leaf ({@code size} rows left) or a split on {@code feature} at {@code value}. */
    private record Node(int feature, double value, Node left, Node right, int size) {}

    /** Grows a tree on {@code rows[from, to)}, partitioning them in place. */
    private static Node grow(double[][] rows, int from, int to, int depth, int limit, Random random) {
        int n = to - from;
        if (depth >= limit || n <= 1) {
            return new Node(-1, 0, null, null, n);
        }
        int d = rows[from].length;
        // Pick a feature that varies among these rows; a leaf if none does.
        int start = random.nextInt(d);
        for (int k = 0; k < d; k++) {
            int f = (start + k) % d;
            double min = Double.POSITIVE_INFINITY;
            double max = Double.NEGATIVE_INFINITY;
            for (int i = from; i < to; i++) {
                min = Math.min(min, rows[i][f]);
                max = Math.max(max, rows[i][f]);
            }
            if (max > min) {
                double split = min + random.nextDouble() * (max - min);
                int mid = from;
                for (int i = from; i < to; i++) {
                    if (rows[i][f] < split) {
                        double[] tmp = rows[mid];
                        rows[mid] = rows[i];
                        rows[i] = tmp;
                        mid++;
                    }
                }
                return new Node(f, split, grow(rows, from, mid, depth + 1, limit, random),
                        grow(rows, mid, to, depth + 1, limit, random), n);
            }
        }
        return new Node(-1, 0, null, null, n);
    }

    private static double pathLength(Node node, double[] x, int depth) {
        if (node.left() == null) {
            return depth + averagePathLength(node.size());
        }
        return pathLength(x[node.feature()] < node.value() ? node.left() : node.right(), x, depth + 1);
    }

    /** c(n): the average path length of an unsuccessful binary-search-tree lookup among n rows. */
    static double averagePathLength(int n) {
        if (n <= 1) {
            return 0;
        }
        if (n == 2) {
            return 1;
        }
        double harmonic = Math.log(n - 1) + 0.5772156649;
        return 2 * harmonic - 2.0 * (n - 1) / n;
    }
}
