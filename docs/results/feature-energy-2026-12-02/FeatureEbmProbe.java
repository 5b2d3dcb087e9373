import ai.djl.ndarray.*;
import io.energysentinel.contract.bundle.*;
import io.energysentinel.contract.ScoreName;
import io.energysentinel.contract.scoring.*;
import io.energysentinel.trainer.data.*;
import io.energysentinel.trainer.evaluation.*;
import io.energysentinel.trainer.model.*;
import io.energysentinel.trainer.pipeline.EventTraining;
import io.energysentinel.trainer.scores.*;
import io.energysentinel.trainer.training.*;
import java.nio.file.*;
import java.util.*;

/** A feature-space EBM: an MLP energy trained by PCD on a JEM's penultimate features, against the JEM's own scores. */
public class FeatureEbmProbe {
    public static void main(String[] a) throws Exception {
        Path jemDir = Path.of(a[0]);           // bundle dir with anchor/model
        int hidden = Integer.parseInt(a[1]);
        long steps = Long.parseLong(a[2]);
        Path out = Path.of(a[3]);
        try (NDManager m = NDManager.newBaseManager()) {
            TrainedModel model = TrainedModels.load(jemDir.resolve("anchor/model"), m);
            DataLocator loc = DataLocator.fromEnvironment();
            ImageDataset train = FashionMnist.load(loc.requireFashionMnist(), FashionMnist.Split.TRAIN);
            ImageDataset test = FashionMnist.load(loc.requireFashionMnist(), FashionMnist.Split.TEST);
            ImageDataset digits = MnistDigitsJson.load(loc.requireMnistDigits());
            int side = 28;
            Map<String, float[][]> sets = new LinkedHashMap<>();
            sets.put("mnist", digits.pixels());
            sets.put("glyphs", RenderedImages.glyphs(2000, side, 97).pixels());
            sets.put("scribbles", RenderedImages.scribbles(2000, side, 95).pixels());
            sets.put("gnoise", Corruptions.gaussianNoise(test.pixels(), 0.3, 98));
            sets.put("blur", Corruptions.blur(test.pixels(), side, 2));
            sets.put("inverted", Corruptions.invert(test.pixels()));
            OodScorer scorer = new OodScorer(model);
            long t0 = System.nanoTime();
            float[][] fit = scorer.features(Arrays.copyOf(train.pixels(), 20000), m);
            float[][] fTest = scorer.features(test.pixels(), m);
            Map<String, float[][]> fSets = new LinkedHashMap<>();
            for (var e : sets.entrySet()) fSets.put(e.getKey(), scorer.features(e.getValue(), m));
            System.out.printf("features: %d dims, %.1f s%n", fit[0].length, (System.nanoTime() - t0) / 1e9);
            List<String> names = new ArrayList<>();
            for (int j = 0; j < fit[0].length; j++) names.add("f" + j);
            TrainingConfig config = EventTraining.defaults().optSteps(steps).optSeed(5).build();
            if (a.length > 4 && !a[4].equals("-")) {
                try (var w = Files.newBufferedWriter(Path.of(a[4]))) {
                    w.write(String.join(",", names)); w.newLine();
                    for (float[] row : fit) { StringBuilder sb = new StringBuilder(); for (int j = 0; j < row.length; j++) { if (j > 0) sb.append(','); sb.append(row[j]); } w.write(sb.toString()); w.newLine(); }
                }
                return;
            }
            Path fbDir = Path.of(a[5]);
            BundleManifest manifest = BundleLoader.readManifest(fbDir);
            try (ModelBundle fb = BundleLoader.load(fbDir, ScorerOptions.cpu());
                 ModelBundle jb = BundleLoader.load(jemDir, ScorerOptions.cpu())) {
                double fThr = manifest.scores().get(ScoreName.ENERGY).threshold();
                double[] nF = col(fb, fTest, "energy");
                double[] nE = col(jb, test.pixels(), "energy");
                double[] nM = col(jb, test.pixels(), "mahalanobis");
                double[] nD = col(jb, test.pixels(), "deep_mahalanobis");
                System.out.printf("FPR on test at the feature EBM's threshold: %.4f%n", share(nF, fThr));
                System.out.printf("%-10s %12s %12s %12s %12s %10s%n", "set", "feature_ebm", "jem_energy", "mahalanobis", "deep_maha", "det@thr");
                for (var e : sets.entrySet()) {
                    double[] aF = col(fb, fSets.get(e.getKey()), "energy");
                    System.out.printf("%-10s %12.4f %12.4f %12.4f %12.4f %10.3f%n", e.getKey(), OodMetrics.auroc(nF, aF),
                            OodMetrics.auroc(nE, col(jb, e.getValue(), "energy")), OodMetrics.auroc(nM, col(jb, e.getValue(), "mahalanobis")),
                            OodMetrics.auroc(nD, col(jb, e.getValue(), "deep_mahalanobis")), share(aF, fThr));
                }
            }
        }
    }

    static double share(double[] v, double thr) { return Arrays.stream(v).filter(x -> x > thr).count() / (double) v.length; }

    static double[] col(ModelBundle b, float[][] rows, String out) {
        double[] res = new double[rows.length];
        int k = 0;
        for (int i = 0; i < rows.length; i += 512) {
            float[] c = b.score(Arrays.copyOfRange(rows, i, Math.min(rows.length, i + 512))).column(out);
            for (float f : c) res[k++] = f;
        }
        return res;
    }
}
