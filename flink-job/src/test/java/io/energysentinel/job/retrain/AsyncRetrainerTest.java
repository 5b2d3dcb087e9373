package io.energysentinel.job.retrain;

import static org.assertj.core.api.Assertions.assertThat;

import io.energysentinel.contract.bundle.BundleLoader;
import io.energysentinel.contract.bundle.ModelBundle;
import io.energysentinel.contract.records.Event;
import io.energysentinel.contract.records.ModelUpdate;
import io.energysentinel.contract.scoring.ExecutionProvider;
import io.energysentinel.contract.scoring.ScorerOptions;
import io.energysentinel.job.TestBundlesAccess;
import io.energysentinel.job.config.ScoringJobConfig;
import io.energysentinel.job.metrics.MetricsEndpoint;
import io.energysentinel.trainer.data.SyntheticEventStream;
import java.net.URI;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.flink.streaming.api.functions.async.ResultFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Retraining on sampled normal events: a verified bundle and its announcement, or nothing on failure. */
class AsyncRetrainerTest {
    @TempDir
    Path dir;

    @Test
    void fitsWritesAndVerifiesABundleThenAnnouncesItWithItsHash() throws Exception {
        List<Event> events = TestBundlesAccess.normalEvents(400, 3, 4);
        float[][] rows = events.stream().map(TestBundlesAccess::vector).toArray(float[][]::new);
        List<ModelUpdate> out = run(new RetrainRequest("events-mlp", SyntheticEventStream.FEATURES, rows, 42L));

        assertThat(out).singleElement().satisfies(update -> {
            assertThat(update.modelId()).isEqualTo("events-mlp");
            assertThat(update.modelVersion()).endsWith("-retrained");
            try (ModelBundle bundle = BundleLoader.load(Path.of(URI.create(update.uri())),
                    new ScorerOptions(ExecutionProvider.CPU, 1, 64), update.sha256())) {
                assertThat(bundle.manifest().modelVersion()).isEqualTo(update.modelVersion());
                assertThat(bundle.manifest().input().featureNames()).isEqualTo(SyntheticEventStream.FEATURES);
            }
        });
        assertThat(MetricsEndpoint.scrape()).isEmpty();
    }

    @Test
    void tooFewRowsToTrainEmitNothingAndTheServingModelStays() throws Exception {
        float[][] rows = new float[10][SyntheticEventStream.FEATURES.size()];
        assertThat(run(new RetrainRequest("events-mlp", SyntheticEventStream.FEATURES, rows, 1L))).isEmpty();
    }

    private List<ModelUpdate> run(RetrainRequest request) throws Exception {
        ScoringJobConfig config = ScoringJobConfig.fromArgs("--bundle", dir.toString(), "--metrics-port", "0",
                "--retrain-interval", "PT1M", "--retrain-dir", dir.resolve("retrained").toString(), "--retrain-steps", "60");
        AsyncRetrainer retrainer = new AsyncRetrainer(config);
        retrainer.open(null);
        try {
            CompletableFuture<Collection<ModelUpdate>> done = new CompletableFuture<>();
            retrainer.asyncInvoke(request, new ResultFuture<>() {
                @Override
                public void complete(Collection<ModelUpdate> result) {
                    done.complete(result);
                }

                @Override
                public void completeExceptionally(Throwable error) {
                    done.completeExceptionally(error);
                }

                @Override
                public void complete(org.apache.flink.streaming.api.functions.async.CollectionSupplier<ModelUpdate> supplier) {
                    try {
                        done.complete(supplier.get());
                    } catch (Exception e) {
                        done.completeExceptionally(e);
                    }
                }
            });
            return List.copyOf(done.get(2, TimeUnit.MINUTES));
        } finally {
            retrainer.close();
        }
    }
}
