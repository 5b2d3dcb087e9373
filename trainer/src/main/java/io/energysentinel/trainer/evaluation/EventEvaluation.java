package io.energysentinel.trainer.evaluation;

import ai.djl.ndarray.NDManager;
import io.energysentinel.contract.bundle.BundleLoader;
import io.energysentinel.contract.bundle.ModelBundle;
import io.energysentinel.contract.bundle.ScoreThreshold;
import io.energysentinel.contract.scoring.ScorerOptions;
import io.energysentinel.trainer.baselines.Detector;
import io.energysentinel.trainer.data.EventTable;
import io.energysentinel.contract.bundle.SourceHistory;
import io.energysentinel.trainer.export.ThresholdCalibrator;
import io.energysentinel.contract.ScoreName;
import io.energysentinel.contract.TensorNames;
import io.energysentinel.trainer.model.EnergyNets;
import io.energysentinel.trainer.model.FeatureGaussians;
import io.energysentinel.trainer.model.TrainedModel;
import io.energysentinel.trainer.scores.FeatureGaussianFit;
import io.energysentinel.trainer.scores.OodScorer;
import io.energysentinel.trainer.pipeline.EventTraining;
import io.energysentinel.trainer.pipeline.ImageTraining;
import io.energysentinel.trainer.training.Objective;
import io.energysentinel.trainer.training.TrainingConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Measures the event MLP's energy against baseline detectors on labelled event streams, all on the same splits.
 *
 * <p>Per stream: the first {@code trainShare} of events (by time) is the train split, the rest the test split. The
 * energy model trains on the train split's normal rows ({@link EventTraining}, which holds out calibration and check
 * rows); every baseline fits on exactly the rows the MLP trained on, in z-scores of their mean and standard deviation.
 * Each detector's threshold is the (1 - targetFpr) quantile of its scores on the same calibration rows, as bundles
 * calibrate theirs. The energy is scored by the exported ONNX bundle, as the job scores it. On the test split:
 * AUROC and AUPR of each anomaly kind (and all together) against the normal test events, the share of anomalous events
 * above the threshold, the FPR reached on normal test events, and per episode (a source's run of events with one label)
 * whether any of its events crossed the threshold and after how many events.
 */
public final class EventEvaluation {
    /** The key of all anomaly kinds together in per-kind maps. */
    public static final String OVERALL = "overall";
    /** The energy model's name among the detectors. */
    public static final String ENERGY = "energy_mlp";
    /**
     * The same MLP's feature-space score: Mahalanobis distance of its last hidden layer to one Gaussian fitted on the
     * training rows (the image JEM's best score, applied to events).
     */
    public static final String FEATURE_MAHALANOBIS = "mlp_feature_mahalanobis";
    /** Ridge added to the hidden features' covariance before inverting it. */
    static final double FEATURE_RIDGE = 1e-3;

    private EventEvaluation() {}

    /**
     * What to run.
     *
     * @param hidden MLP hidden width
     * @param config training settings of the MLP
     * @param trainShare share of each stream (by time) in the train split
     * @param targetFpr FPR thresholds are calibrated for
     * @param temporal whether vectors carry {@link SourceHistory} (history per source) besides the raw metrics
     * @param baselines detectors fitted beside the MLP
     */
    public record Settings(int hidden, TrainingConfig config, Objective objective, double trainShare, double targetFpr, boolean temporal,
                           List<Detector> baselines) {
        public Settings {
            if (!(trainShare > 0 && trainShare < 1) || !(targetFpr > 0 && targetFpr < 1)) {
                throw new IllegalArgumentException("train share and target FPR must lie in (0, 1)");
            }
            baselines = List.copyOf(baselines);
        }
    }

    /**
     * One detector's numbers on one kind (or {@link #OVERALL}).
     *
     * @param auroc AUROC against normal test events
     * @param aupr average precision, anomalies positive
     * @param events anomalous test events of this kind
     * @param detected of them, how many scored above the threshold
     * @param episodes episodes of this kind in the test split
     * @param episodesDetected episodes with at least one event above the threshold
     * @param delays for each detected episode, events from its start to its first event above the threshold
     */
    public record KindResult(double auroc, double aupr, int events, int detected, int episodes, int episodesDetected,
                             List<Integer> delays) {
        public double detectionRate() {
            return events == 0 ? Double.NaN : detected / (double) events;
        }

        public double episodeRate() {
            return episodes == 0 ? Double.NaN : episodesDetected / (double) episodes;
        }

        public double medianDelay() {
            return median(delays);
        }
    }

    /**
     * One detector on one stream.
     *
     * @param threshold calibrated threshold (alert strictly above)
     * @param checkFpr FPR on the held-out check rows
     * @param testFpr FPR on the normal test events
     * @param normalTest normal test events
     * @param byKind numbers per anomaly kind and {@link #OVERALL}
     */
    public record DetectorResult(double threshold, double checkFpr, double testFpr, int normalTest,
                                 Map<String, KindResult> byKind) {}

    /** One stream's results, detectors in run order (the energy model first). */
    public record StreamResult(String name, int trainRows, int testEvents, double trainingSeconds,
                               Map<String, DetectorResult> detectors) {}

    /**
     * Everything measured, with the mean over streams.
     *
     * @param summary per detector and kind: AUROC and AUPR averaged over streams; detection, FPR and episode shares
     *     pooled over streams (counts added); median delay over all detected episodes
     */
    public record Report(List<StreamResult> streams, Map<String, Map<String, Map<String, Double>>> summary) {}

    /** A detector's scores on the three row sets it is judged on. */
    private record Scores(double[] calibration, double[] check, double[] test) {}

    /**
     * Evaluates each labelled stream; writes {@code evaluation.json} and pictures under {@code out}.
     *
     * @param streams labelled event tables, rows in event-time order
     */
    public static Report run(List<EventTable> streams, Settings settings, Path out, NDManager manager) {
        List<StreamResult> results = new ArrayList<>();
        for (int s = 0; s < streams.size(); s++) {
            results.add(runOne(streams.get(s), settings, out.resolve("stream-" + (s + 1)), manager, s == 0 ? out : null));
        }
        Report report = new Report(results, summarise(results));
        Map<String, Object> json = new LinkedHashMap<>();
        Map<String, Object> set = new LinkedHashMap<>();
        set.put("hidden", settings.hidden());
        set.put("objective", settings.objective().name().toLowerCase(java.util.Locale.ROOT));
        set.put("trainShare", settings.trainShare());
        set.put("targetFpr", settings.targetFpr());
        set.put("features", settings.temporal() ? "temporal" : "raw");
        set.put("training", settings.config().asMap());
        json.put("settings", set);
        json.put("summary", report.summary());
        json.put("streams", results);
        ImageTraining.writeJson(out.resolve("evaluation.json"), json);
        return report;
    }

    private static StreamResult runOne(EventTable table, Settings settings, Path dir, NDManager manager, Path plotDir) {
        List<String> names = settings.temporal() ? SourceHistory.widenedNames(table.featureNames()) : table.featureNames();
        int trainEnd = (int) Math.round(table.size() * settings.trainShare());
        float[][] raw = table.features();
        // The history's scales come from the train split's normal rows, as everything else the model learns.
        SourceHistory history = settings.temporal() ? SourceHistory.fittedTo(EventTraining.normalRows(table, raw, trainEnd)) : null;
        float[][] rows = history == null ? raw : history.widenInOrder(table.sources(), raw);
        float[][] normalTrain = EventTraining.normalRows(table, rows, trainEnd);
        float[][] test = Arrays.copyOfRange(rows, trainEnd, rows.length);
        List<String> testLabels = table.labels().subList(trainEnd, table.size());
        List<String> testSources = table.sources().subList(trainEnd, table.size());

        EventTraining.Result trained = EventTraining.train(names, normalTrain, settings.hidden(), settings.config(),
                settings.objective(), history, dir, manager, false);
        Map<String, Scores> scores = new LinkedHashMap<>();
        Path bundleDir = dir.resolve("bundle");
        TrainedModel model = trained.model();
        float[][] hidden = new OodScorer(model).features(trained.trainRows(), manager);
        FeatureGaussians gaussian = FeatureGaussianFit.fit(hidden, new int[hidden.length], 1, FEATURE_RIDGE, manager);
        TrainedModel withGaussian = new TrainedModel(model.kind(), model.spec(), model.block(), Optional.empty(), Optional.of(gaussian));
        EventTraining.Result toExport = trained.withModel(withGaussian);
        EventTraining.writeBundle(toExport, "events-mlp-eval", "eval", settings.targetFpr(), settings.config(), bundleDir, manager);
        try (ModelBundle bundle = BundleLoader.load(bundleDir, ScorerOptions.cpu())) {
            for (String output : List.of(TensorNames.ENERGY, ScoreName.MAHALANOBIS.id())) {
                scores.put(output.equals(TensorNames.ENERGY) ? ENERGY : FEATURE_MAHALANOBIS, new Scores(
                        column(bundle, trained.calibration(), output), column(bundle, trained.check(), output),
                        column(bundle, test, output)));
            }
        }
        List<List<Double>> stats = EnergyNets.standardization(trained.trainRows());
        double[][] zTrain = standardise(trained.trainRows(), stats);
        double[][] zCal = standardise(trained.calibration(), stats);
        double[][] zCheck = standardise(trained.check(), stats);
        double[][] zTest = standardise(test, stats);
        for (Detector detector : settings.baselines()) {
            Detector.Fitted fitted = detector.fit(zTrain);
            scores.put(detector.name(), new Scores(fitted.score(zCal), fitted.score(zCheck), fitted.score(zTest)));
        }

        Map<String, DetectorResult> detectors = new LinkedHashMap<>();
        Map<String, Map<String, double[][]>> rocByKind = new LinkedHashMap<>();
        for (Map.Entry<String, Scores> e : scores.entrySet()) {
            Scores sc = e.getValue();
            ScoreThreshold t = ThresholdCalibrator.calibrate(sc.calibration(), sc.check(), settings.targetFpr());
            detectors.put(e.getKey(), judge(sc.test(), testLabels, testSources, t, rocByKind, e.getKey()));
        }
        if (plotDir != null) {
            rocByKind.forEach((kind, curves) -> Plots.rocCurves("ROC, " + kind + " vs normal test events (stream 1)", curves,
                    plotDir.resolve("roc-" + kind.toLowerCase() + ".png")));
            Scores energy = scores.get(ENERGY);
            EventPlots.timeline(testSources, testLabels, energy.test(), detectors.get(ENERGY).threshold(),
                    plotDir.resolve("energy-over-time.png"));
        }
        return new StreamResult(table.name(), trained.trainingRows(), test.length, trained.seconds(), detectors);
    }

    private static double[] column(ModelBundle bundle, float[][] rows, String output) {
        float[] e = bundle.score(rows).column(output);
        double[] out = new double[e.length];
        for (int i = 0; i < e.length; i++) {
            out[i] = e[i];
        }
        return out;
    }

    private static double[][] standardise(float[][] rows, List<List<Double>> stats) {
        double[][] out = new double[rows.length][];
        for (int i = 0; i < rows.length; i++) {
            out[i] = new double[rows[i].length];
            for (int j = 0; j < rows[i].length; j++) {
                out[i][j] = (rows[i][j] - stats.get(0).get(j)) / stats.get(1).get(j);
            }
        }
        return out;
    }

    /** Metrics of one detector's test scores; adds its ROC curves to {@code rocByKind}. */
    static DetectorResult judge(double[] scores, List<String> labels, List<String> sources, ScoreThreshold t,
                                Map<String, Map<String, double[][]>> rocByKind, String detector) {
        double threshold = t.threshold();
        List<Double> normal = new ArrayList<>();
        Map<String, List<Double>> anomalous = new LinkedHashMap<>();
        for (String kind : new TreeSet<>(labels)) {
            if (!kind.isEmpty()) {
                anomalous.put(kind, new ArrayList<>());
            }
        }
        anomalous.put(OVERALL, new ArrayList<>());
        for (int i = 0; i < scores.length; i++) {
            if (labels.get(i).isEmpty()) {
                normal.add(scores[i]);
            } else {
                anomalous.get(labels.get(i)).add(scores[i]);
                anomalous.get(OVERALL).add(scores[i]);
            }
        }
        Map<String, int[]> episodeCounts = new LinkedHashMap<>();
        Map<String, List<Integer>> delays = new LinkedHashMap<>();
        for (Episode ep : episodes(labels, sources)) {
            for (String key : List.of(ep.kind(), OVERALL)) {
                int[] c = episodeCounts.computeIfAbsent(key, k -> new int[2]);
                List<Integer> d = delays.computeIfAbsent(key, k -> new ArrayList<>());
                c[0]++;
                for (int k = 0; k < ep.indices().size(); k++) {
                    if (scores[ep.indices().get(k)] > threshold) {
                        c[1]++;
                        d.add(k);
                        break;
                    }
                }
            }
        }
        double[] n = normal.stream().mapToDouble(Double::doubleValue).toArray();
        Map<String, KindResult> byKind = new LinkedHashMap<>();
        for (Map.Entry<String, List<Double>> e : anomalous.entrySet()) {
            double[] a = e.getValue().stream().mapToDouble(Double::doubleValue).toArray();
            if (a.length == 0 || n.length == 0) {
                continue;
            }
            int detected = (int) Arrays.stream(a).filter(v -> v > threshold).count();
            int[] c = episodeCounts.getOrDefault(e.getKey(), new int[2]);
            byKind.put(e.getKey(), new KindResult(OodMetrics.auroc(n, a), OodMetrics.averagePrecision(n, a), a.length, detected,
                    c[0], c[1], delays.getOrDefault(e.getKey(), List.of())));
            if (rocByKind != null) {
                rocByKind.computeIfAbsent(e.getKey(), k -> new LinkedHashMap<>()).put(detector, OodMetrics.rocCurve(n, a));
            }
        }
        double testFpr = n.length == 0 ? Double.NaN : Arrays.stream(n).filter(v -> v > threshold).count() / (double) n.length;
        return new DetectorResult(threshold, t.achievedFpr(), testFpr, n.length, byKind);
    }

    /** A source's maximal run of consecutive events with one anomaly label; indices into the test split. */
    record Episode(String kind, List<Integer> indices) {}

    static List<Episode> episodes(List<String> labels, List<String> sources) {
        Map<String, Episode> open = new LinkedHashMap<>();
        List<Episode> out = new ArrayList<>();
        for (int i = 0; i < labels.size(); i++) {
            String source = sources.get(i);
            String label = labels.get(i);
            Episode current = open.get(source);
            if (current != null && !current.kind().equals(label)) {
                out.add(current);
                open.remove(source);
                current = null;
            }
            if (!label.isEmpty()) {
                if (current == null) {
                    current = new Episode(label, new ArrayList<>());
                    open.put(source, current);
                }
                current.indices().add(i);
            }
        }
        out.addAll(open.values());
        return out;
    }

    private static Map<String, Map<String, Map<String, Double>>> summarise(List<StreamResult> streams) {
        Map<String, Map<String, Map<String, Double>>> out = new LinkedHashMap<>();
        for (String detector : streams.get(0).detectors().keySet()) {
            Map<String, Map<String, Double>> byKind = new LinkedHashMap<>();
            TreeSet<String> kinds = new TreeSet<>();
            streams.forEach(s -> kinds.addAll(s.detectors().get(detector).byKind().keySet()));
            kinds.remove(OVERALL);
            List<String> ordered = new ArrayList<>(kinds);
            ordered.add(OVERALL);
            for (String kind : ordered) {
                double auroc = 0;
                double aupr = 0;
                int counted = 0;
                int events = 0;
                int detected = 0;
                int episodes = 0;
                int episodesDetected = 0;
                List<Integer> delays = new ArrayList<>();
                for (StreamResult s : streams) {
                    KindResult k = s.detectors().get(detector).byKind().get(kind);
                    if (k == null) {
                        continue;
                    }
                    auroc += k.auroc();
                    aupr += k.aupr();
                    counted++;
                    events += k.events();
                    detected += k.detected();
                    episodes += k.episodes();
                    episodesDetected += k.episodesDetected();
                    delays.addAll(k.delays());
                }
                Map<String, Double> m = new LinkedHashMap<>();
                m.put("auroc", auroc / counted);
                m.put("aupr", aupr / counted);
                m.put("detectionRate", detected / (double) events);
                m.put("events", (double) events);
                m.put("episodes", (double) episodes);
                m.put("episodesDetected", episodes == 0 ? Double.NaN : episodesDetected / (double) episodes);
                m.put("medianDelay", median(delays));
                byKind.put(kind, m);
            }
            int normal = 0;
            double falsePositives = 0;
            for (StreamResult s : streams) {
                DetectorResult r = s.detectors().get(detector);
                normal += r.normalTest();
                falsePositives += r.testFpr() * r.normalTest();
            }
            byKind.get(OVERALL).put("testFpr", falsePositives / normal);
            out.put(detector, byKind);
        }
        return out;
    }

    static double median(List<Integer> values) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        int[] sorted = values.stream().mapToInt(Integer::intValue).sorted().toArray();
        int m = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[m] : (sorted[m - 1] + sorted[m]) / 2.0;
    }
}
