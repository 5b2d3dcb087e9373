import io.energysentinel.contract.bundle.*;
import io.energysentinel.contract.scoring.*;
import io.energysentinel.contract.*;
import io.energysentinel.trainer.data.*;
import java.nio.file.Path;
import java.util.*;

public class FprProbe {
    public static void main(String[] a) throws Exception {
        Path dir = Path.of(a[0]);
        int hosts = Integer.parseInt(a[1]); double rate = Double.parseDouble(a[2]); long seed = Long.parseLong(a[3]); int per = Integer.parseInt(a[4]);
        try (ModelBundle b = BundleLoader.load(dir, ScorerOptions.cpu())) {
            BundleManifest m = b.manifest();
            SourceHistory h = m.input().history();
            List<String> names = m.input().recordFeatureNames();
            List<LabelledEvent> stream = new SyntheticEventStream(hosts, rate, 60_000, 1_767_225_600_000L, seed).generate(per);
            Map<String, double[]> states = new HashMap<>();
            float[][] rows = new float[stream.size()][];
            for (int i = 0; i < rows.length; i++) {
                var e = stream.get(i).event();
                float[] x = new float[names.size()];
                for (int j = 0; j < x.length; j++) x[j] = e.features().get(names.get(j)).floatValue();
                rows[i] = h == null ? x : h.widen(x, states.computeIfAbsent(e.source(), s -> SourceHistory.start(x)));
            }
            float[] energy = b.score(rows).column(m.defaultScore().id().equals("energy") ? TensorNames.ENERGY : m.defaultScore().id());
            double thr = b.threshold(m.defaultScore()).threshold();
            Map<String, Integer> lastAnom = new HashMap<>(); Map<String, Integer> count = new HashMap<>();
            TreeMap<String, int[]> byBucket = new TreeMap<>(); TreeMap<String, int[]> byHost = new TreeMap<>();
            int n = 0, over = 0;
            for (int i = 0; i < rows.length; i++) {
                var le = stream.get(i); String s = le.event().source();
                int k = count.merge(s, 1, Integer::sum);
                if (le.anomalous()) { lastAnom.put(s, k); continue; }
                boolean o = energy[i] > thr; n++; if (o) over++;
                Integer la = lastAnom.get(s);
                String bucket = la == null ? "never" : (k - la <= 5 ? "a:1-5" : k - la <= 20 ? "b:6-20" : k - la <= 60 ? "c:21-60" : "d:>60");
                int[] c = byBucket.computeIfAbsent(bucket, x -> new int[2]); c[0]++; if (o) c[1]++;
                int[] ch = byHost.computeIfAbsent(s, x -> new int[2]); ch[0]++; if (o) ch[1]++;
                if (k <= 50) { int[] c2 = byBucket.computeIfAbsent("first50", x -> new int[2]); c2[0]++; if (o) c2[1]++; }
            }
            System.out.printf("threshold %.4f  normal %d  over %d  (%.2f%%)%n", thr, n, over, 100.0 * over / n);
            byBucket.forEach((k, c) -> System.out.printf("  since anomaly %-8s %5d %5.2f%%%n", k, c[0], 100.0 * c[1] / c[0]));
            byHost.forEach((k, c) -> System.out.printf("  %-8s %5d %5.2f%%%n", k, c[0], 100.0 * c[1] / c[0]));
        }
    }
}
