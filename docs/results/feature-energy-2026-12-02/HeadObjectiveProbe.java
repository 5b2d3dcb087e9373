import ai.djl.ndarray.*;
import ai.djl.training.ParameterStore;
import io.energysentinel.trainer.data.*;
import io.energysentinel.trainer.evaluation.*;
import io.energysentinel.trainer.model.*;
import io.energysentinel.trainer.pipeline.EventTraining;
import io.energysentinel.trainer.pipeline.FeatureEnergyFit;
import io.energysentinel.trainer.scores.*;
import io.energysentinel.trainer.training.*;
import java.nio.file.*;
import java.util.*;

/** The feature-space energy of a trained JEM fitted by PCD, DSM and NCE, side by side (issue 15, item 6). */
public class HeadObjectiveProbe {
    public static void main(String[] a) throws Exception {
        Path modelDir = Path.of(a[0]);
        long steps = Long.parseLong(a[1]);
        Path out = Path.of(a[2]);
        try (NDManager m = NDManager.newBaseManager()) {
            TrainedModel jem = TrainedModels.load(modelDir, m);
            DataLocator loc = DataLocator.fromEnvironment();
            ImageDataset train = FashionMnist.load(loc.requireFashionMnist(), FashionMnist.Split.TRAIN);
            ImageDataset test = FashionMnist.load(loc.requireFashionMnist(), FashionMnist.Split.TEST);
            Map<String, float[][]> sets = new LinkedHashMap<>();
            sets.put("mnist", MnistDigitsJson.load(loc.requireMnistDigits()).pixels());
            sets.put("glyphs", RenderedImages.glyphs(2000, 28, 97).pixels());
            sets.put("shapes", RenderedImages.shapes(2000, 28, 96).pixels());
            sets.put("scribbles", RenderedImages.scribbles(2000, 28, 95).pixels());
            sets.put("blur", Corruptions.blur(test.pixels(), 28, 2));
            OodScorer scorer = new OodScorer(jem);
            float[][] fit = scorer.features(Arrays.copyOf(train.pixels(), 20000), m);
            float[][] fTest = scorer.features(test.pixels(), m);
            Map<String, float[][]> fSets = new LinkedHashMap<>();
            for (var e : sets.entrySet()) fSets.put(e.getKey(), scorer.features(e.getValue(), m));
            List<String> names = new ArrayList<>();
            for (int j = 0; j < fit[0].length; j++) names.add("feature_" + j);
            System.out.printf("%-5s %8s %8s %8s | %s%n", "obj", "seconds", "steps", "testFPR", "AUROC / detected per set");
            for (Objective objective : List.of(Objective.PCD, Objective.DSM, Objective.NCE)) {
                TrainingConfig config = EventTraining.defaults().optSteps(steps).optSeed(1).build();
                EventTraining.Result r = EventTraining.train(names, fit, FeatureEnergyFit.HIDDEN, config, objective, null,
                        out.resolve(objective.name()), m, false);
                double[] cal = energy(r.model(), r.calibration(), m);
                double threshold = ThresholdQuantile.q99(cal);
                double[] normal = energy(r.model(), fTest, m);
                StringBuilder sb = new StringBuilder();
                for (var e : fSets.entrySet()) {
                    double[] s = energy(r.model(), e.getValue(), m);
                    sb.append(String.format("%s %.4f / %.1f%%  ", e.getKey(), OodMetrics.auroc(normal, s), 100 * share(s, threshold)));
                }
                System.out.printf("%-5s %8.1f %8d %7.2f%% | %s%n", objective, r.seconds(), r.stepsTaken(), 100 * share(normal, threshold), sb);
            }
        }
    }

    static final class ThresholdQuantile {
        static double q99(double[] v) { double[] c = v.clone(); Arrays.sort(c); return c[(int) Math.ceil(0.99 * c.length) - 1]; }
    }

    static double share(double[] v, double t) { return Arrays.stream(v).filter(x -> x > t).count() / (double) v.length; }

    static double[] energy(TrainedModel head, float[][] rows, NDManager m) {
        double[] out = new double[rows.length];
        ParameterStore ps = new ParameterStore(m, false);
        for (int i = 0; i < rows.length; i += 1000) {
            int n = Math.min(1000, rows.length - i);
            try (NDManager scope = m.newSubManager()) {
                float[] flat = new float[n * rows[0].length];
                for (int k = 0; k < n; k++) System.arraycopy(rows[i + k], 0, flat, k * rows[0].length, rows[0].length);
                float[] e = Energies.energy(head, ps, scope.create(flat, new ai.djl.ndarray.types.Shape(n, rows[0].length)), false).toFloatArray();
                for (int k = 0; k < n; k++) out[i + k] = e[k];
            }
        }
        return out;
    }
}
