package io.energysentinel.job;

import ai.djl.ndarray.NDManager;
import io.energysentinel.contract.bundle.BundleManifest;
import io.energysentinel.contract.bundle.SourceHistory;
import io.energysentinel.contract.records.Event;
import io.energysentinel.trainer.data.LabelledEvent;
import io.energysentinel.trainer.data.SyntheticEventStream;
import io.energysentinel.trainer.pipeline.EventTraining;
import io.energysentinel.trainer.training.TrainingConfig;
import java.nio.file.Path;
import io.energysentinel.contract.Json;
import io.energysentinel.contract.ScoreName;
import io.energysentinel.contract.bundle.BundleLoader;
import io.energysentinel.contract.bundle.ModelBundle;
import io.energysentinel.contract.scoring.ScorerOptions;
import io.energysentinel.job.functions.EpisodeTracker;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Real event-model bundles for job tests: an MLP energy net trained briefly on synthetic normal metrics. */
final class TestBundles {
    static final long START = 1_767_225_600_000L;

    private TestBundles() {}

    /** The shipped demo JEM bundle (anchored), copied to {@code target} so a test may retrain and replace it. */
    static Path demoImageBundle(Path target) {
        Path demo = Path.of("..", "demo", "fashion-jem-demo");
        try (java.util.stream.Stream<Path> files = java.nio.file.Files.walk(demo)) {
            for (Path f : files.toList()) {
                Path to = target.resolve(demo.relativize(f).toString());
                if (java.nio.file.Files.isDirectory(f)) {
                    java.nio.file.Files.createDirectories(to);
                } else {
                    java.nio.file.Files.copy(f, to);
                }
            }
            return target;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot copy " + demo, e);
        }
    }

    /** Normal events from the synthetic stream (no anomalies), the training distribution. */
    static List<Event> normalEvents(int perSource, int sources, long seed) {
        return new SyntheticEventStream(sources, 0.0, 60_000, START, seed).generate(perSource).stream()
                .map(LabelledEvent::event).toList();
    }

    /** Trains and writes a bundle of version {@code version} into {@code dir}. */
    static BundleManifest eventBundle(Path dir, String version, long seed) {
        List<Event> events = normalEvents(400, 3, seed);
        float[][] rows = events.stream().map(TestBundles::vector).toArray(float[][]::new);
        try (NDManager m = NDManager.newBaseManager()) {
            TrainingConfig config = TrainingConfig.builder().optSteps(150).optBatchSize(64).optBufferSize(1000)
                    .optSgldSteps(10).optSgldStepSize(0.1).optSgldNoise(0.005).optSgldGradClamp(0.0)
                    .optLearningRate(5e-4).optDataRange(-6f, 6f).optSeed(seed).build();
            EventTraining.Result r = EventTraining.train(SyntheticEventStream.FEATURES, rows, 32, config,
                    dir.resolve("run-" + version), m, false);
            return EventTraining.writeBundle(r, "events-mlp", version, 0.01, config, dir.resolve(version), m);
        }
    }

    /**
     * Trains and writes a bundle of an event model fed its sources' history ({@link SourceHistory#fittedTo} its data) into
     * {@code dir/version}: the same net and data as {@link #eventBundle}, each row widened with its source's history.
     */
    static BundleManifest historyEventBundle(Path dir, String version, long seed) {
        List<Event> events = normalEvents(400, 3, seed);
        SourceHistory history = SourceHistory.fittedTo(events.stream().map(TestBundles::vector).toArray(float[][]::new));
        float[][] rows = widened(events, history);
        try (NDManager m = NDManager.newBaseManager()) {
            TrainingConfig config = TrainingConfig.builder().optSteps(150).optBatchSize(64).optBufferSize(1000)
                    .optSgldSteps(10).optSgldStepSize(0.1).optSgldNoise(0.005).optSgldGradClamp(0.0)
                    .optLearningRate(5e-4).optDataRange(-6f, 6f).optSeed(seed).build();
            EventTraining.Result r = EventTraining.train(SourceHistory.widenedNames(SyntheticEventStream.FEATURES), rows, 32, config,
                    EventTraining.contrastive(config), history, dir.resolve("run-" + version), m, false);
            return EventTraining.writeBundle(r, "events-mlp-history", version, 0.01, config, dir.resolve(version), m);
        }
    }

    /** {@code events} (in each source's order) widened with their source's {@code history}, as the trainer widens a table. */
    static float[][] widened(List<Event> events, SourceHistory history) {
        return history.widenInOrder(events.stream().map(Event::source).toList(),
                events.stream().map(TestBundles::vector).toArray(float[][]::new));
    }

    /** Alert ids the job must raise for {@code sent} (per source, in order) with the bundle in {@code bundleDir}. */
    static List<String> expectedAlerts(Path bundleDir, Map<String, List<Event>> sent, int quietRecords) {
        try (ModelBundle bundle = BundleLoader.load(bundleDir, ScorerOptions.cpu())) {
            ScoreName score = bundle.manifest().defaultScore();
            double threshold = bundle.threshold(score).threshold();
            EpisodeTracker tracker = new EpisodeTracker(quietRecords);
            List<String> ids = new ArrayList<>();
            for (List<Event> stream : sent.values()) {
                float[] scores = bundle.score(inputs(bundle, stream)).column(score.id());
                EpisodeTracker.Episode state = null;
                for (int i = 0; i < scores.length; i++) {
                    EpisodeTracker.Step step = tracker.observe(state, scores[i], threshold, stream.get(i).eventTime());
                    state = step.next();
                    if (step.alert()) {
                        ids.add(stream.get(i).id());
                    }
                }
            }
            return ids;
        }
    }

    /** The scores an uninterrupted job gives {@code sent} (per source, in order) with the bundle in {@code bundleDir}, by record id. */
    static Map<String, Float> expectedScores(Path bundleDir, Map<String, List<Event>> sent) {
        try (ModelBundle bundle = BundleLoader.load(bundleDir, ScorerOptions.cpu())) {
            Map<String, Float> out = new LinkedHashMap<>();
            for (List<Event> stream : sent.values()) {
                float[] scores = bundle.score(inputs(bundle, stream)).column(bundle.manifest().defaultScore().id());
                for (int i = 0; i < scores.length; i++) {
                    out.put(stream.get(i).id(), scores[i]);
                }
            }
            return out;
        }
    }

    /** One source's events as the model takes them: their metrics, widened with the source's history if it takes one. */
    private static float[][] inputs(ModelBundle bundle, List<Event> oneSource) {
        SourceHistory history = bundle.manifest().input().history();
        return history == null ? oneSource.stream().map(TestBundles::vector).toArray(float[][]::new) : widened(oneSource, history);
    }

    /**
     * Normal events of {@code sources} sources, {@code perSource} each, by source in order, with the events at
     * {@code spikedAt} (indices within each source's stream) {@link #spiked}.
     */
    static Map<String, List<Event>> streams(int perSource, int sources, long seed, int... spikedAt) {
        Map<String, List<Event>> bySource = new LinkedHashMap<>();
        for (Event e : normalEvents(perSource, sources, seed)) {
            bySource.computeIfAbsent(e.source(), s -> new ArrayList<>()).add(e);
        }
        for (List<Event> stream : bySource.values()) {
            for (int i : spikedAt) {
                stream.set(i, spiked(stream.get(i)));
            }
        }
        return bySource;
    }

    /** Events {@code from} (inclusive) to {@code to} of every stream as Kafka records keyed by source. */
    static List<Map.Entry<String, String>> records(Map<String, List<Event>> streams, int from, int to) {
        List<Map.Entry<String, String>> out = new ArrayList<>();
        for (List<Event> stream : streams.values()) {
            for (Event e : stream.subList(from, to)) {
                try {
                    out.add(Map.entry(e.source(), Json.compact().writeValueAsString(e)));
                } catch (java.io.IOException ex) {
                    throw new java.io.UncheckedIOException(ex);
                }
            }
        }
        return out;
    }

    /** {@code e} with every metric six times over (plus one): far outside what the model saw. */
    static Event spiked(Event e) {
        Map<String, Double> f = new LinkedHashMap<>();
        e.features().forEach((k, v) -> f.put(k, v * 6 + 1));
        return new Event(e.id() + "-spike", e.source(), e.eventTime(), f);
    }

    static float[] vector(Event e) {
        float[] v = new float[SyntheticEventStream.FEATURES.size()];
        for (int j = 0; j < v.length; j++) {
            v[j] = e.features().get(SyntheticEventStream.FEATURES.get(j)).floatValue();
        }
        return v;
    }
}
