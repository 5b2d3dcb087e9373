package io.energysentinel.job.retrain;

import static org.assertj.core.api.Assertions.assertThat;

import io.energysentinel.contract.bundle.BundleLoader;
import io.energysentinel.contract.bundle.ModelBundle;
import io.energysentinel.contract.bundle.SourceHistory;
import io.energysentinel.contract.records.Event;
import io.energysentinel.contract.records.ModelUpdate;
import io.energysentinel.contract.records.UpdateStage;
import io.energysentinel.job.model.ModelEvent;
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
    void fineTunesFromTheServingAnchorOnCleanDataAndAnnouncesAVerifiedCandidateForShadowScoring() throws Exception {
        Path serving = servingBundle();
        float[][] rows = rows(TestBundlesAccess.normalEvents(400, 3, 4));
        List<RetrainOutcome> out = run(new RetrainRequest("events-mlp", serving.toUri().toString(), SyntheticEventStream.FEATURES, rows, 42L));

        assertThat(out).singleElement().satisfies(outcome -> {
            assertThat(outcome.verdict().outcome()).as(outcome.verdict().detail()).isEqualTo(ModelEvent.CANDIDATE);
            assertThat(outcome.verdict().detail()).contains("fine-tuned from v1").contains("canary recall").contains("fresh FPR");
            ModelUpdate update = outcome.shadow();
            assertThat(update.stage()).isEqualTo(UpdateStage.SHADOW);
            assertThat(update.modelVersion()).endsWith("-retrained");
            try (ModelBundle bundle = BundleLoader.load(Path.of(URI.create(update.uri())),
                    new ScorerOptions(ExecutionProvider.CPU, 1, 64), update.sha256())) {
                assertThat(bundle.manifest().modelVersion()).isEqualTo(update.modelVersion());
                assertThat(bundle.manifest().input().featureNames()).isEqualTo(SyntheticEventStream.FEATURES);
                // The reference travels on unchanged: the next retraining is anchored to the same data.
                assertThat(bundle.manifest().anchor().files().get("reference.json"))
                        .isEqualTo(BundleLoader.readManifest(serving).anchor().files().get("reference.json"));
            }
        });
        assertThat(MetricsEndpoint.scrape()).isEmpty();
    }

    @Test
    void aCandidateFineTunedOnAnomalousDataIsRejectedWithTheRuleAndItsNumbers() throws Exception {
        Path serving = servingBundle();
        // Every fresh row carries a level shift of the latency: what an unfiltered reservoir would learn as normal.
        float[][] rows = rows(TestBundlesAccess.normalEvents(400, 3, 9));
        for (float[] row : rows) {
            row[2] = row[2] * 3 + 40;
        }
        List<RetrainOutcome> out = run(new RetrainRequest("events-mlp", serving.toUri().toString(), SyntheticEventStream.FEATURES, rows, 43L));

        assertThat(out).singleElement().satisfies(outcome -> {
            assertThat(outcome.shadow()).isNull();
            assertThat(outcome.verdict().outcome()).isEqualTo(ModelEvent.REJECTED);
            // The line's first model keeps the shifted rows out before any training; were some let through, the checks
            // before live traffic would still judge the candidate.
            assertThat(outcome.verdict().reason()).isIn("vetted_out", "fresh_fpr", "canary_recall", "threshold_move");
            assertThat(outcome.verdict().detail()).containsAnyOf("first model", "fresh FPR");
        });
    }

    @Test
    void aServingBundleWithoutAnAnchorIsRejectedWithAClearReason() throws Exception {
        Path plain = servingBundle();
        io.energysentinel.contract.bundle.BundleManifest m = BundleLoader.readManifest(plain);
        io.energysentinel.contract.Json.mapper().writeValue(plain.resolve("manifest.json").toFile(), m.withAnchor(null));
        List<RetrainOutcome> out = run(new RetrainRequest("events-mlp", plain.toString(), SyntheticEventStream.FEATURES,
                rows(TestBundlesAccess.normalEvents(400, 3, 4)), 44L));
        assertThat(out).singleElement().satisfies(outcome -> {
            assertThat(outcome.verdict().reason()).isEqualTo("training_failed");
            assertThat(outcome.verdict().detail()).contains("carries no retraining anchor");
        });
    }

    @Test
    void anAnchorAlteredAfterItsBundleWasWrittenIsRefusedNamingTheFile() throws Exception {
        Path serving = servingBundle();
        // Reference rows edited on disk, as a hostile or broken store might: retraining must not start from them.
        java.nio.file.Files.writeString(serving.resolve("anchor").resolve("reference.json"),
                "{\"featureNames\":[],\"train\":[],\"calibration\":[],\"check\":[]}");
        List<RetrainOutcome> out = run(new RetrainRequest("events-mlp", serving.toUri().toString(), SyntheticEventStream.FEATURES,
                rows(TestBundlesAccess.normalEvents(400, 3, 4)), 45L));
        assertThat(out).singleElement().satisfies(outcome -> {
            assertThat(outcome.shadow()).isNull();
            assertThat(outcome.verdict().reason()).isEqualTo("training_failed");
            assertThat(outcome.verdict().detail()).contains("anchor file reference.json has SHA-256");
        });
    }

    @Test
    void aLineFedHistoryIsFineTunedOnWidenedRowsAndItsCandidateTakesTheSameHistory() throws Exception {
        SourceHistory history = TestBundlesAccess.historyEventBundle(dir, "h1", 3).input().history();
        Path serving = dir.resolve("h1");
        List<String> names = SourceHistory.widenedNames(SyntheticEventStream.FEATURES);
        float[][] rows = TestBundlesAccess.widened(TestBundlesAccess.normalEvents(400, 3, 4), history);
        List<RetrainOutcome> out = run(new RetrainRequest("events-mlp-history", serving.toUri().toString(), names, rows, 46L));
        assertThat(out).singleElement().satisfies(outcome -> {
            assertThat(outcome.verdict().outcome()).as(outcome.verdict().detail()).isEqualTo(ModelEvent.CANDIDATE);
            ModelUpdate update = outcome.shadow();
            try (ModelBundle bundle = BundleLoader.load(Path.of(URI.create(update.uri())),
                    new ScorerOptions(ExecutionProvider.CPU, 1, 64), update.sha256())) {
                assertThat(bundle.manifest().input().history()).as("a swap to it must not be refused as incompatible")
                        .isEqualTo(history).isNotNull();
                assertThat(bundle.manifest().input().featureNames()).isEqualTo(names);
            }
        });
    }

    private Path servingBundle() {
        TestBundlesAccess.eventBundle(dir, "v1", 3);
        return dir.resolve("v1");
    }

    private static float[][] rows(List<Event> events) {
        return events.stream().map(TestBundlesAccess::vector).toArray(float[][]::new);
    }

    @Test
    void aRequestWhileATrainingRunsIsSkippedAtOnceAndATimeoutStopsTheTraining() throws Exception {
        List<Event> events = TestBundlesAccess.normalEvents(400, 3, 5);
        float[][] rows = events.stream().map(TestBundlesAccess::vector).toArray(float[][]::new);
        ScoringJobConfig config = ScoringJobConfig.fromArgs("--bundle", dir.toString(), "--metrics-port", "0",
                "--retrain-interval", "PT1M", "--retrain-dir", dir.resolve("retrained").toString(), "--retrain-steps", "1000000");
        AsyncRetrainer retrainer = new AsyncRetrainer(config);
        retrainer.open(null);
        try {
            RetrainRequest request = new RetrainRequest("events-mlp", servingBundle().toUri().toString(), SyntheticEventStream.FEATURES, rows, 7L);
            Collecting first = new Collecting();
            retrainer.asyncInvoke(request, first);
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (!retrainer.training() && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(retrainer.training()).as("a million PCD steps are under way").isTrue();

            Collecting second = new Collecting();
            long before = System.nanoTime();
            retrainer.asyncInvoke(request, second);
            assertThat(second.done.get(1, TimeUnit.SECONDS)).as("skipped, not queued").isEmpty();
            assertThat((System.nanoTime() - before) / 1e9).isLessThan(1.0);

            retrainer.timeout(request, first);
            assertThat(first.done.get(1, TimeUnit.SECONDS)).isEmpty();
            deadline = System.nanoTime() + 10_000_000_000L;
            while (retrainer.training() && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(retrainer.training()).as("the training thread stopped after the timeout").isFalse();
            assertThat(MetricsEndpoint.scrape()).contains("outcome=\"skipped_busy\"} 1.0").contains("outcome=\"timed_out\"} 1.0");
        } finally {
            retrainer.close();
        }
    }

    /** A result future that records what it was completed with. */
    private static final class Collecting implements ResultFuture<RetrainOutcome> {
        final CompletableFuture<Collection<RetrainOutcome>> done = new CompletableFuture<>();

        @Override
        public void complete(Collection<RetrainOutcome> result) {
            done.complete(result);
        }

        @Override
        public void completeExceptionally(Throwable error) {
            done.completeExceptionally(error);
        }

        @Override
        public void complete(org.apache.flink.streaming.api.functions.async.CollectionSupplier<RetrainOutcome> supplier) {
            try {
                done.complete(supplier.get());
            } catch (Exception e) {
                done.completeExceptionally(e);
            }
        }
    }

    private List<RetrainOutcome> run(RetrainRequest request) throws Exception {
        ScoringJobConfig config = ScoringJobConfig.fromArgs("--bundle", dir.toString(), "--metrics-port", "0",
                "--retrain-interval", "PT1M", "--retrain-dir", dir.resolve("retrained").toString(), "--retrain-steps", "60");
        AsyncRetrainer retrainer = new AsyncRetrainer(config);
        retrainer.open(null);
        try {
            Collecting result = new Collecting();
            retrainer.asyncInvoke(request, result);
            return List.copyOf(result.done.get(2, TimeUnit.MINUTES));
        } finally {
            retrainer.close();
        }
    }
}
