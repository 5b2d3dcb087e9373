package io.energysentinel.job;

import ai.djl.ndarray.NDManager;
import io.energysentinel.contract.bundle.BundleManifest;
import io.energysentinel.contract.records.Event;
import io.energysentinel.trainer.data.LabelledEvent;
import io.energysentinel.trainer.data.SyntheticEventStream;
import io.energysentinel.trainer.pipeline.EventTraining;
import io.energysentinel.trainer.training.TrainingConfig;
import java.nio.file.Path;
import java.util.List;

/** Real event-model bundles for job tests: an MLP energy net trained briefly on synthetic normal metrics. */
final class TestBundles {
    static final long START = 1_767_225_600_000L;

    private TestBundles() {}

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

    static float[] vector(Event e) {
        float[] v = new float[SyntheticEventStream.FEATURES.size()];
        for (int j = 0; j < v.length; j++) {
            v[j] = e.features().get(SyntheticEventStream.FEATURES.get(j)).floatValue();
        }
        return v;
    }
}
