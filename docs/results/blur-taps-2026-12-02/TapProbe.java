import ai.djl.ndarray.*;
import ai.djl.training.ParameterStore;
import io.energysentinel.trainer.data.*;
import io.energysentinel.trainer.evaluation.*;
import io.energysentinel.trainer.model.*;
import io.energysentinel.trainer.scores.*;
import java.nio.file.Path;
import java.util.*;

public class TapProbe {
    public static void main(String[] a) throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            TrainedModel model = TrainedModels.load(Path.of(a[0]), m);
            DataLocator loc = DataLocator.fromEnvironment();
            ImageDataset train = FashionMnist.load(loc.requireFashionMnist(), FashionMnist.Split.TRAIN);
            ImageDataset test = FashionMnist.load(loc.requireFashionMnist(), FashionMnist.Split.TEST);
            ImageDataset digits = MnistDigitsJson.load(loc.requireMnistDigits());
            int nFit = 10000;
            float[][] fit = Arrays.copyOf(train.pixels(), nFit);
            int[] lab = Arrays.copyOf(train.labels(), nFit);
            float[][] held = Arrays.copyOfRange(train.pixels(), 55000, 60000);
            int side = 28;
            Map<String, float[][]> sets = new LinkedHashMap<>();
            sets.put("mnist", digits.pixels());
            sets.put("glyphs", RenderedImages.glyphs(2000, side, 97).pixels());
            sets.put("shapes", RenderedImages.shapes(2000, side, 96).pixels());
            sets.put("scribbles", RenderedImages.scribbles(2000, side, 95).pixels());
            sets.put("gnoise", Corruptions.gaussianNoise(test.pixels(), 0.3, 98));
            sets.put("blur", Corruptions.blur(test.pixels(), side, 2));
            sets.put("blur1", Corruptions.blur(test.pixels(), side, 1));
            sets.put("inverted", Corruptions.invert(test.pixels()));
            OodScorer scorer = new OodScorer(model);
            int[] taps = {2, 4, 6, -1};
            Map<Integer, double[]> center = new HashMap<>(); Map<Integer, double[]> heldD = new HashMap<>();
            Map<String, Map<Integer, double[]>> dist = new LinkedHashMap<>();
            for (int tap : taps) {
                FeatureGaussians g;
                if (tap >= 0) {
                    float[][] pooled = scorer.pooledActivations(fit, tap, m);
                    g = FeatureGaussianFit.fit(pooled, lab, 10, 1e-3 * meanVar(pooled), m);
                } else {
                    g = model.featureGaussians().get();
                }
                double[] h = distances(model, scorer, held, tap, g, m);
                center.put(tap, new double[] {mean(h), std(h)}); double[] hsorted = h.clone(); Arrays.sort(hsorted); heldD.put(tap, hsorted);
                dist.computeIfAbsent("test", k -> new HashMap<>()).put(tap, distances(model, scorer, test.pixels(), tap, g, m));
                for (var s : sets.entrySet()) {
                    dist.computeIfAbsent(s.getKey(), k -> new HashMap<>()).put(tap, distances(model, scorer, s.getValue(), tap, g, m));
                }
            }
            String[][] combos = {{"2"}, {"4"}, {"6"}, {"-1"}, {"6", "-1"}, {"2", "6", "-1"}, {"2", "4", "6", "-1"}, {"4", "6", "-1"}, {"2", "-1"}, {"max","2","6","-1"}, {"max","2","4","6","-1"}, {"fisher","2","6","-1"}, {"fisher","2","4","6","-1"}, {"fisher","6","-1"}};
            System.out.printf("%-16s", "combo");
            for (String s : sets.keySet()) System.out.printf(" %9s", s);
            System.out.printf("  | det@1%%: mnist blur  fpr%n");
            for (String[] c : combos) {
                Map<String, double[]> z = new LinkedHashMap<>();
                for (String s : dist.keySet()) {
                    double[] acc = new double[dist.get(s).get(taps[0]).length];
                    boolean max = c[0].equals("max"), fisher = c[0].equals("fisher");
                    if (max || fisher) java.util.Arrays.fill(acc, max ? -1e30 : 0);
                    for (String t : c) {
                        if (t.equals("max") || t.equals("fisher")) continue;
                        int tap = Integer.parseInt(t);
                        double[] d = dist.get(s).get(tap);
                        double[] cs = center.get(tap);
                        double[] hs = heldD.get(tap);
                        for (int i = 0; i < acc.length; i++) {
                            if (max) acc[i] = Math.max(acc[i], (d[i] - cs[0]) / cs[1]);
                            else if (fisher) acc[i] += -Math.log(tail(hs, d[i]));
                            else acc[i] += (d[i] - cs[0]) / cs[1];
                        }
                    }
                    z.put(s, acc);
                }
                // threshold at 99th percentile of held-out
                double[] hz = new double[held.length];
                System.out.printf("%-16s", String.join("+", c));
                for (String s : sets.keySet()) System.out.printf(" %9.4f", OodMetrics.auroc(z.get("test"), z.get(s)));
                double thr = quantile(z.get("test"), 0.99);
                System.out.printf("  | %.3f %.3f%n", above(z.get("mnist"), thr), above(z.get("blur"), thr));
            }
        }
    }
    static double tail(double[] sorted, double d) { int lo = 0, hi = sorted.length; while (lo < hi) { int mid = (lo + hi) >>> 1; if (sorted[mid] < d) lo = mid + 1; else hi = mid; } return (1.0 + sorted.length - lo) / (sorted.length + 1); }
    static double above(double[] v, double t) { int n = 0; for (double x : v) if (x > t) n++; return n / (double) v.length; }
    static double quantile(double[] v, double q) { double[] s = v.clone(); Arrays.sort(s); return s[(int) Math.floor(q * (s.length - 1))]; }
    static double[] distances(TrainedModel model, OodScorer scorer, float[][] x, int tap, FeatureGaussians g, NDManager m) {
        ParameterStore ps = new ParameterStore(m, false);
        double[] out = new double[x.length];
        for (int s = 0; s < x.length; s += 256) {
            int n = Math.min(256, x.length - s);
            try (NDManager sc = m.newSubManager()) {
                float[] flat = new float[n * 784];
                for (int i = 0; i < n; i++) System.arraycopy(x[s + i], 0, flat, i * 784, 784);
                NDArray b = sc.create(flat, new ai.djl.ndarray.types.Shape(n, 1, 28, 28));
                NDArray f = tap >= 0 ? OodScorer.pooledActivations(model, ps, b, tap) : OodScorer.features(model, ps, b);
                float[] d = OodScorer.mahalanobis(f, g).toFloatArray();
                for (int i = 0; i < n; i++) out[s + i] = d[i];
            }
        }
        return out;
    }
    static double meanVar(float[][] rows) { int d = rows[0].length; double t = 0; for (int j = 0; j < d; j++) { double s = 0, q = 0; for (float[] r : rows) { s += r[j]; q += r[j] * r[j]; } double mm = s / rows.length; t += q / rows.length - mm * mm; } return Math.max(t / d, 1e-12); }
    static double mean(double[] v) { double s = 0; for (double x : v) s += x; return s / v.length; }
    static double std(double[] v) { double mm = mean(v), s = 0; for (double x : v) s += (x - mm) * (x - mm); return Math.sqrt(s / (v.length - 1)); }
}
