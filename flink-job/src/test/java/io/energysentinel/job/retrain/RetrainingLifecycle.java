package io.energysentinel.job.retrain;

import ai.djl.ndarray.NDManager;
import io.energysentinel.contract.bundle.BundleLoader;
import io.energysentinel.contract.bundle.ModelBundle;
import io.energysentinel.contract.records.Event;
import io.energysentinel.contract.records.ModelUpdate;
import io.energysentinel.contract.scoring.ExecutionProvider;
import io.energysentinel.contract.scoring.ScorerOptions;
import io.energysentinel.job.config.ScoringJobConfig;
import io.energysentinel.job.model.ModelEvent;
import io.energysentinel.trainer.data.LabelledEvent;
import io.energysentinel.trainer.data.SyntheticEventStream;
import io.energysentinel.trainer.pipeline.EventTraining;
import io.energysentinel.trainer.training.TrainingConfig;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Runs the retraining lifecycle over several intervals of a synthetic metric stream, outside Flink but with the job's
 * own parts: every event scored by the serving bundle in ONNX Runtime, samples kept by {@link SampleQuarantine}, a
 * candidate fine-tuned and judged by {@link AsyncRetrainer#retrain}, shadow-scored on the next interval's first records
 * and decided by {@link GateState}. {@link Strategy#LEGACY} is the retraining this replaced, kept to show what it did:
 * every event at or under the threshold kept, a model fitted from scratch on them, its 1% threshold calibrated on them,
 * served at once.
 */
final class RetrainingLifecycle {
    static final int SOURCES = 8;
    static final int PER_INTERVAL = 250;
    static final String DRIFTING = "host-3";
    /** The metric that drifts: latency. */
    static final int DRIFT_METRIC = 2;
    private static final long START = 1_767_225_600_000L;
    private static final long STEP_MS = 300_000;

    /** How intervals end: the job's retraining, the one it replaced, or none (the first model serves throughout). */
    enum Strategy { ANCHORED, LEGACY, NONE }

    /** What one interval ended with. */
    record IntervalResult(int interval, String servingVersion, double driftAlertRate, double firstModelDriftAlertRate, double freshFpr,
                          String verdict) {
        @Override
        public String toString() {
            return String.format(Locale.ROOT, "interval %d: serving %s, drifting source's last 50 alerted %.0f%% (first model: %.0f%%),"
                    + " FPR on fresh normal %.2f%% | %s", interval, servingVersion, 100 * driftAlertRate, 100 * firstModelDriftAlertRate,
                    100 * freshFpr, verdict);
        }
    }

    private final Path dir;
    private final Strategy strategy;
    private final double driftPerEvent;
    private final long seed;
    private final ScoringJobConfig config;
    private final ScorerOptions options = new ScorerOptions(ExecutionProvider.CPU, 1, 512);

    /**
     * @param driftPerEvent relative growth of the drifting source's latency per event from the first interval on (0: none)
     */
    RetrainingLifecycle(Path dir, Strategy strategy, double driftPerEvent, long seed) {
        this.dir = dir;
        this.strategy = strategy;
        this.driftPerEvent = driftPerEvent;
        this.seed = seed;
        this.config = ScoringJobConfig.fromArgs("--bundle", dir.resolve("v0").toString(), "--metrics-port", "0",
                "--retrain-interval", "PT1M", "--retrain-dir", dir.resolve("retrained").toString(), "--retrain-steps", "200",
                "--shadow-records", "1000");
    }

    /** Trains v0 on the first interval's worth of normal traffic, then runs {@code intervals} retraining intervals. */
    List<IntervalResult> run(int intervals) {
        // v0 is trained on four intervals' worth of traffic (8,000 rows: 800 calibrate its threshold, 800 check it).
        List<List<Event>> stream = stream(intervals + 5);
        // Fresh normal data: the same hosts after the last interval, no drift (the FPR a user of this line would see).
        float[][] fresh = rows(stream(intervals + 5, false).get(intervals + 4));
        List<Event> base = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            base.addAll(stream.remove(0));
        }
        base.addAll(stream.get(0));
        Path serving = baseModel(rows(base));
        Path first = serving;
        List<IntervalResult> results = new ArrayList<>();
        Path candidate = null;
        GateState gate = GateState.EMPTY;
        // Per-source quarantine state lives across intervals, as the job's keyed state does.
        Map<String, SampleQuarantine> quarantine = new HashMap<>();
        for (int k = 1; k <= intervals; k++) {
            List<Event> traffic = stream.get(k);
            List<float[]> kept = new ArrayList<>();
            List<Boolean> driftAlerts = new ArrayList<>();
            String verdict = "";
            try (ModelBundle model = BundleLoader.load(serving, options)) {
                double threshold = threshold(model);
                double ceiling = model.manifest().anchor() == null ? threshold : model.manifest().anchor().admitCeiling();
                float[][] x = rows(traffic);
                float[] scores = model.score(x).column(model.manifest().defaultScore().id());
                for (int i = 0; i < traffic.size(); i++) {
                    Event e = traffic.get(i);
                    NormalSample sample = new NormalSample("events-mlp", serving.toUri().toString(), e.source(), SyntheticEventStream.FEATURES,
                            x[i], scores[i], threshold, Math.min(ceiling, threshold),
                            model.manifest().anchor() == null ? Double.NaN : model.manifest().anchor().referenceMedian(), false);
                    if (e.source().equals(DRIFTING)) {
                        driftAlerts.add(sample.anomalous());
                    }
                    if (strategy == Strategy.LEGACY) {
                        if (!sample.anomalous()) {
                            kept.add(x[i]);
                        }
                    } else {
                        SampleQuarantine.Step step = quarantine.getOrDefault(e.source(), SampleQuarantine.EMPTY)
                                .offer(sample, config.retrainPolicy().quarantineRecords(), config.retrainPolicy().driftTolerance());
                        quarantine.put(e.source(), step.next());
                        kept.addAll(step.released());
                    }
                }
                if (candidate != null) {
                    // The candidate announced last interval was shadow-scored on this one's traffic, 100 records a flush.
                    try (ModelBundle shadow = BundleLoader.load(candidate, options)) {
                        float[] shadowScores = shadow.score(x).column(shadow.manifest().defaultScore().id());
                        double shadowThreshold = threshold(shadow);
                        ModelUpdate servingUpdate = new ModelUpdate("events-mlp", model.manifest().modelVersion(), serving.toUri().toString(),
                                model.manifest().onnx().sha256());
                        ModelUpdate shadowUpdate = new ModelUpdate("events-mlp", shadow.manifest().modelVersion(), candidate.toUri().toString(),
                                shadow.manifest().onnx().sha256(), false, io.energysentinel.contract.records.UpdateStage.SHADOW);
                        ShadowReplay.Result replay = ShadowReplay.replay(gate, "events-mlp",
                                new ShadowReplay.Scored(servingUpdate, scores, threshold, 0.01),
                                new ShadowReplay.Scored(shadowUpdate, shadowScores, shadowThreshold, 0.01), config.retrainPolicy());
                        gate = replay.gate();
                        if (replay.verdict() != null) {
                            verdict = replay.verdict().outcome() + (replay.verdict().reason() == null ? "" : " " + replay.verdict().reason());
                            if (ModelEvent.PROMOTED.equals(replay.verdict().outcome())) {
                                // Served from the next interval on (a flush's granularity would not change the measures).
                                serving = candidate;
                            }
                            candidate = null;
                        }
                    }
                }
                int n = driftAlerts.size();
                double driftRate = driftAlerts.subList(n - 50, n).stream().filter(b -> b).count() / 50.0;
                results.add(new IntervalResult(k, model.manifest().modelVersion(), driftRate, lastDriftAlerted(first, traffic), fpr(model, fresh),
                        verdict));
            }
            // The interval ends: retrain on what was kept.
            float[][] sample = kept.toArray(new float[0][]);
            if (strategy == Strategy.NONE) {
                continue;
            }
            if (strategy == Strategy.LEGACY) {
                serving = legacyRetrain(sample, k);
                results.set(results.size() - 1, withVerdict(results.get(results.size() - 1), "retrained from scratch on " + sample.length
                        + " rows, served at once"));
            } else {
                RetrainOutcome outcome;
                try {
                    outcome = new AsyncRetrainer(config).retrain(new RetrainRequest("events-mlp", serving.toUri().toString(),
                            SyntheticEventStream.FEATURES, sample, seed * 100 + k));
                } catch (io.energysentinel.trainer.pipeline.CandidateRefused e) {
                    outcome = new RetrainOutcome(new ModelEvent("events-mlp", "", "", ModelEvent.REJECTED, e.rule(), e.getMessage(), 0), null);
                }
                String v = outcome.verdict().outcome() + (outcome.verdict().reason() == null ? "" : " " + outcome.verdict().reason());
                results.set(results.size() - 1, withVerdict(results.get(results.size() - 1), (results.get(results.size() - 1).verdict()
                        + " | " + sample.length + " clean rows -> " + v).replaceFirst("^ \\| ", "")));
                candidate = outcome.shadow() == null ? null : Path.of(URI.create(outcome.shadow().uri()));
            }
        }
        try (ModelBundle last = BundleLoader.load(serving, options)) {
            results.add(new IntervalResult(intervals + 1, last.manifest().modelVersion(), Double.NaN, Double.NaN, fpr(last, fresh), "final"));
        }
        return results;
    }

    private static IntervalResult withVerdict(IntervalResult r, String verdict) {
        return new IntervalResult(r.interval(), r.servingVersion(), r.driftAlertRate(), r.firstModelDriftAlertRate(), r.freshFpr(), verdict);
    }

    /** Share of the drifting source's last 50 events of {@code traffic} that the model in {@code bundle} alerts on. */
    private double lastDriftAlerted(Path bundle, List<Event> traffic) {
        List<Event> drifting = traffic.stream().filter(e -> e.source().equals(DRIFTING)).toList();
        try (ModelBundle b = BundleLoader.load(bundle, options)) {
            float[] s = b.score(rows(drifting.subList(drifting.size() - 50, drifting.size()))).column(b.manifest().defaultScore().id());
            double t = threshold(b);
            int n = 0;
            for (float v : s) {
                n += v > t ? 1 : 0;
            }
            return n / 50.0;
        }
    }

    /** The stream cut into intervals; from interval 1 on the drifting source's latency grows steadily. */
    private List<List<Event>> stream(int intervals) {
        return stream(intervals, true);
    }

    private List<List<Event>> stream(int intervals, boolean withDrift) {
        List<LabelledEvent> all = new SyntheticEventStream(SOURCES, 0, STEP_MS, START, seed).generate(PER_INTERVAL * intervals);
        List<List<Event>> out = new ArrayList<>();
        int drifted = 0;
        for (int k = 0; k < intervals; k++) {
            List<Event> slice = new ArrayList<>();
            for (LabelledEvent le : all.subList(k * PER_INTERVAL * SOURCES, (k + 1) * PER_INTERVAL * SOURCES)) {
                Event e = le.event();
                if (withDrift && k > 3 && driftPerEvent > 0 && e.source().equals(DRIFTING)) {
                    drifted++;
                    Map<String, Double> f = new java.util.LinkedHashMap<>(e.features());
                    String metric = SyntheticEventStream.FEATURES.get(DRIFT_METRIC);
                    f.put(metric, f.get(metric) * (1 + driftPerEvent * drifted));
                    e = new Event(e.id(), e.source(), e.eventTime(), f);
                }
                slice.add(e);
            }
            out.add(slice);
        }
        return out;
    }

    private Path baseModel(float[][] rows) {
        try (NDManager m = NDManager.newBaseManager()) {
            TrainingConfig training = EventTraining.defaults().optSteps(400).optBatchSize(64).optBufferSize(1000).optSgldNoise(0.005)
                    .optLearningRate(1e-3).optSeed(seed).build();
            EventTraining.Result r = EventTraining.train(SyntheticEventStream.FEATURES, rows, 64, training, dir.resolve("run-v0"), m, false);
            EventTraining.writeBundle(r, "events-mlp", "v0", 0.01, training, dir.resolve("v0"), m);
            return dir.resolve("v0");
        }
    }

    /** What retraining did before: from scratch, on the interval's events at or under the threshold, calibrated on them. */
    private Path legacyRetrain(float[][] rows, int k) {
        try (NDManager m = NDManager.newBaseManager()) {
            TrainingConfig training = EventTraining.defaults().optSteps(200).optSeed(seed * 100 + k).build();
            EventTraining.Result r = EventTraining.train(SyntheticEventStream.FEATURES, rows, 64, training, dir.resolve("run-legacy-" + k), m,
                    false);
            EventTraining.writeBundle(r, "events-mlp", "legacy-" + k, 0.01, training, dir.resolve("legacy-" + k), m);
            return dir.resolve("legacy-" + k);
        }
    }

    private static double threshold(ModelBundle b) {
        return b.threshold(b.manifest().defaultScore()).threshold();
    }

    private static double fpr(ModelBundle b, float[][] fresh) {
        float[] s = b.score(fresh).column(b.manifest().defaultScore().id());
        double t = threshold(b);
        int n = 0;
        for (float v : s) {
            n += v > t ? 1 : 0;
        }
        return n / (double) s.length;
    }

    static float[][] rows(List<Event> events) {
        float[][] out = new float[events.size()][];
        for (int i = 0; i < out.length; i++) {
            float[] v = new float[SyntheticEventStream.FEATURES.size()];
            for (int j = 0; j < v.length; j++) {
                v[j] = events.get(i).features().get(SyntheticEventStream.FEATURES.get(j)).floatValue();
            }
            out[i] = v;
        }
        return out;
    }
}
