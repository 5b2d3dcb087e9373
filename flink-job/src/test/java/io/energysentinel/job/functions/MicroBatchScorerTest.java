package io.energysentinel.job.functions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.energysentinel.contract.Json;
import io.energysentinel.contract.MetricNames;
import io.energysentinel.contract.bundle.BundleLoader;
import io.energysentinel.contract.bundle.BundleManifest;
import io.energysentinel.contract.bundle.ModelBundle;
import io.energysentinel.contract.records.DeadLetter;
import io.energysentinel.contract.records.DeadLetterReason;
import io.energysentinel.contract.records.Event;
import io.energysentinel.contract.records.ModelUpdate;
import io.energysentinel.contract.records.ScoredRecord;
import io.energysentinel.contract.scoring.ScorerOptions;
import io.energysentinel.job.TestBundlesAccess;
import io.energysentinel.job.config.ScoringJobConfig;
import io.energysentinel.job.metrics.MetricsEndpoint;
import io.energysentinel.job.model.ModelEvent;
import io.energysentinel.job.model.ScoringInput;
import io.energysentinel.job.model.SharedBundles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.co.CoBroadcastWithKeyedOperator;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MicroBatchScorerTest {
    private static final int SHARD = 0;
    private static final long BEGINNING = 0L;
    private static final long AFTER_MAX_WAIT = 60L;

    @TempDir
    static Path dir;
    static Path outside;
    static BundleManifest v1;
    static BundleManifest v2;
    static BundleManifest h1;
    static List<Event> events;

    @BeforeAll
    static void trainBundles() {
        v1 = TestBundlesAccess.eventBundle(dir, "v1", 1);
        v2 = TestBundlesAccess.eventBundle(dir, "v2", 2);
        h1 = TestBundlesAccess.historyEventBundle(dir, "h1", 3);
        try {
            outside = Files.createTempDirectory("outside-model-roots");
            copy(dir.resolve("v2"), outside.resolve("v2"));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        events = TestBundlesAccess.normalEvents(5, 2, 9);
    }

    @Test
    void scoresFullBatchesAtOnceAndTheRestWhenTheWaitEnds() throws Exception {
        try (var harness = harness(4)) {
            harness.setProcessingTime(BEGINNING);
            for (int i = 0; i < 6; i++) {
                harness.processElement(input(events.get(i)), BEGINNING);
            }
            assertThat(harness.extractOutputValues()).hasSize(4);
            harness.setProcessingTime(AFTER_MAX_WAIT);
            List<ScoredRecord> out = harness.extractOutputValues();
            assertThat(out).extracting(ScoredRecord::recordId)
                    .containsExactly(events.subList(0, 6).stream().map(Event::id).toArray(String[]::new));
            try (ModelBundle direct = BundleLoader.load(dir.resolve("v1"), ScorerOptions.cpu())) {
                float[] expected = direct.score(events.subList(0, 6).stream().map(TestBundlesAccess::vector).toArray(float[][]::new))
                        .column("energy");
                for (int i = 0; i < 6; i++) {
                    assertThat(out.get(i).value()).isEqualTo(expected[i], org.assertj.core.api.Assertions.within(1e-5));
                    assertThat(out.get(i).threshold()).isEqualTo(v1.scores().get(v1.defaultScore()).threshold());
                    assertThat(out.get(i).modelVersion()).isEqualTo("v1");
                }
            }
            assertThat(harness.numProcessingTimeTimers()).as("flush timer cleared").isZero();
            harness.setProcessingTime(AFTER_MAX_WAIT * 10);
            assertThat(harness.extractOutputValues()).as("buffer cleared: nothing is emitted twice").hasSize(6);
        }
    }

    @Test
    void recordsThatDoNotFitTheModelBecomeDeadLettersAndTheBatchGoesOn() throws Exception {
        // The parser shapes records for the model; the scorer checks them again, whatever reached it.
        try (var harness = harness(3)) {
            float[] tooShort = java.util.Arrays.copyOf(TestBundlesAccess.vector(events.get(0)), 3);
            float[] infinite = TestBundlesAccess.vector(events.get(1));
            infinite[2] = Float.POSITIVE_INFINITY;
            harness.processElement(new ScoringInput("bad-1", "host-0", 1, ScoringInput.EVENT, tooShort, "t/0@1", "bad-1".getBytes()), 1);
            harness.processElement(new ScoringInput("bad-2", "host-0", 2, ScoringInput.EVENT, infinite, "t/0@2", "bad-2".getBytes()), 2);
            harness.processElement(input(events.get(2)), 3);
            assertThat(harness.extractOutputValues()).extracting(ScoredRecord::recordId).containsExactly(events.get(2).id());
            List<DeadLetter> dead = sideOutput(harness.getSideOutput(DeadLetters.TAG));
            assertThat(dead).extracting(DeadLetter::reason).containsExactly(DeadLetterReason.WRONG_SHAPE, DeadLetterReason.NON_FINITE);
            assertThat(dead.get(0).detail()).contains("3 values, the model takes");
            assertThat(dead.get(1).detail()).contains("is Infinity");
            assertThat(dead.get(0).origin()).isEqualTo("t/0@1");
            assertThat(dead.get(0).payload()).as("the record itself, not a description").isEqualTo("bad-1");
        }
    }

    @Test
    void swapsToAVerifiedUpdateMidStreamAndRefusesATamperedOne() throws Exception {
        Path tampered = dir.resolve("v3-tampered");
        copy(dir.resolve("v2"), tampered);
        Files.write(tampered.resolve("model.onnx"), new byte[] {1, 2, 3}, java.nio.file.StandardOpenOption.APPEND);
        try (var harness = harness(1)) {
            harness.processElement(input(events.get(0)), 1);
            harness.processBroadcastElement(update(v2, dir.resolve("v2")), 2);
            harness.processElement(input(events.get(1)), 3);
            harness.processBroadcastElement(new ModelUpdate("events-mlp", "v3", tampered.toUri().toString(), v2.onnx().sha256()), 4);
            harness.processElement(input(events.get(2)), 5);
            assertThat(harness.extractOutputValues()).extracting(ScoredRecord::modelVersion).containsExactly("v1", "v2", "v2");
            List<ModelEvent> modelEvents = sideOutput(harness.getSideOutput(MicroBatchScorer.MODEL_EVENTS));
            assertThat(modelEvents).extracting(ModelEvent::outcome).containsExactly(ModelEvent.ACCEPTED, ModelEvent.REFUSED);
            assertThat(modelEvents.get(1).detail()).contains("HASH_MISMATCH");
        }
        assertThat(SharedBundles.openCount()).as("sessions closed with the operator").isZero();
    }

    @Test
    void aBundleWithoutTheConfiguredScoreIsRefusedWholeAndTheServingModelStays() throws Exception {
        Path noEnergy = dir.resolve("v2-no-energy-score");
        copy(dir.resolve("v2"), noEnergy);
        editManifest(noEnergy, m -> {
            ((ObjectNode) m).putObject("scores");
            ((ObjectNode) m).putNull("defaultScore");
        });
        try (var harness = harness(1, "--score", "energy")) {
            harness.processBroadcastElement(update(v2, noEnergy), 1);
            harness.processElement(input(events.get(0)), 2);
            assertThat(harness.extractOutputValues()).extracting(ScoredRecord::modelVersion).containsExactly("v1");
            assertThat(modelEvents(harness)).singleElement().satisfies(e -> {
                assertThat(e.outcome()).isEqualTo(ModelEvent.REFUSED);
                assertThat(e.reason()).isEqualTo("NO_SCORE");
            });
        }
        try (var harness = harness(1)) {
            harness.processBroadcastElement(update(v2, noEnergy), 1);
            harness.processElement(input(events.get(1)), 2);
            assertThat(harness.extractOutputValues()).as("no default score and no --score: refused, not a crash")
                    .extracting(ScoredRecord::modelVersion).containsExactly("v1");
            assertThat(modelEvents(harness)).extracting(ModelEvent::reason).containsExactly("NO_SCORE");
        }
        assertThat(SharedBundles.openCount()).isZero();
    }

    @Test
    void hostileModelUpdatesAreRefusedWithAReasonAndTheServingModelStays() throws Exception {
        Path emptyGolden = dir.resolve("v2-empty-golden");
        copy(dir.resolve("v2"), emptyGolden);
        ObjectNode golden = (ObjectNode) Json.mapper().readTree(emptyGolden.resolve("golden.json").toFile());
        golden.putObject("outputs");
        Json.mapper().writeValue(emptyGolden.resolve("golden.json").toFile(), golden);
        Path escaping = dir.resolve("v2-escaping");
        copy(dir.resolve("v2"), escaping);
        editManifest(escaping, m -> ((ObjectNode) m.get("onnx")).put("file", "../v1/model.onnx"));
        Path linked = dir.resolve("v2-linked");
        copy(dir.resolve("v2"), linked);
        Files.delete(linked.resolve("model.onnx"));
        Files.createSymbolicLink(linked.resolve("model.onnx"), outside.resolve("v2").resolve("model.onnx").toAbsolutePath());
        Path otherShape = dir.resolve("v2-other-shape");
        copy(dir.resolve("v2"), otherShape);
        editManifest(otherShape, m -> {
            ((ObjectNode) m.get("input")).putArray("shape").add(7);
            var names = ((ObjectNode) m.get("input")).putArray("featureNames");
            for (int i = 0; i < 7; i++) {
                names.add("f" + i);
            }
        });
        Path reordered = dir.resolve("v2-reordered-features");
        copy(dir.resolve("v2"), reordered);
        editManifest(reordered, m -> {
            var names = (com.fasterxml.jackson.databind.node.ArrayNode) m.get("input").get("featureNames");
            var first = names.get(0);
            names.set(0, names.get(1));
            names.set(1, first);
        });
        String sha = v2.onnx().sha256();
        String v2Dir = dir.resolve("v2").toAbsolutePath().toString();
        Map<String, ModelUpdate> corpus = new LinkedHashMap<>();
        corpus.put("UNSUPPORTED_URI", new ModelUpdate(v2.modelId(), "v2", "http://models.example/v2", sha));
        corpus.put("UNSUPPORTED_URI s3", new ModelUpdate(v2.modelId(), "v2", "s3://bucket/v2", sha));
        corpus.put("UNSUPPORTED_URI jar", new ModelUpdate(v2.modelId(), "v2", "jar:file:/tmp/x.jar!/v2", sha));
        corpus.put("UNSUPPORTED_URI relative", new ModelUpdate(v2.modelId(), "v2", "models/v2", sha));
        corpus.put("OUTSIDE_MODEL_ROOTS traversal", new ModelUpdate(v2.modelId(), "v2", "file://" + v2Dir + "/../../../etc", sha));
        corpus.put("OUTSIDE_MODEL_ROOTS", new ModelUpdate(v2.modelId(), "v2", outside.resolve("v2").toUri().toString(), sha));
        corpus.put("HASH_REQUIRED", new ModelUpdate(v2.modelId(), "v2", v2Dir, null));
        corpus.put("HASH_REQUIRED malformed", new ModelUpdate(v2.modelId(), "v2", v2Dir, "abc"));
        corpus.put("HASH_MISMATCH", new ModelUpdate(v2.modelId(), "v2", v2Dir, "0".repeat(64)));
        corpus.put("OTHER_MODEL_LINE", new ModelUpdate("someone-elses-model", "v2", v2Dir, sha));
        corpus.put("MALFORMED_UPDATE", new ModelUpdate(v2.modelId(), null, v2Dir, sha));
        corpus.put("GOLDEN_MISMATCH", new ModelUpdate(v2.modelId(), "v2", emptyGolden.toString(), sha));
        corpus.put("UNSAFE_PATH", new ModelUpdate(v2.modelId(), "v2", escaping.toString(), v1.onnx().sha256()));
        corpus.put("UNSAFE_PATH link", new ModelUpdate(v2.modelId(), "v2", linked.toString(), sha));
        corpus.put("SHAPE_MISMATCH", new ModelUpdate(v2.modelId(), "v2", otherShape.toString(), sha));
        corpus.put("INCOMPATIBLE_MODEL", new ModelUpdate(v2.modelId(), "v2", reordered.toString(), sha));
        corpus.put("MISSING_FILE", new ModelUpdate(v2.modelId(), "v9", dir.resolve("never-written").toString(), sha));
        try (var harness = harness(1, "--model-load-retry", "PT0S")) {
            long t = 1;
            for (ModelUpdate hostile : corpus.values()) {
                harness.processBroadcastElement(hostile, t++);
            }
            harness.processElement(input(events.get(0)), t++);
            // A real update still works afterwards; then an older one is refused unless announced as a rollback.
            harness.processBroadcastElement(update(v2, dir.resolve("v2")), t++);
            harness.processBroadcastElement(update(v1, dir.resolve("v1")), t++);
            harness.processElement(input(events.get(1)), t++);
            harness.processBroadcastElement(new ModelUpdate(v1.modelId(), "v1", dir.resolve("v1").toString(), v1.onnx().sha256(), true), t++);
            harness.processElement(input(events.get(2)), t++);

            assertThat(harness.extractOutputValues()).extracting(ScoredRecord::modelVersion).containsExactly("v1", "v2", "v1");
            List<ModelEvent> outcomes = modelEvents(harness);
            List<String> expected = new ArrayList<>();
            corpus.keySet().forEach(k -> expected.add(ModelEvent.REFUSED + " " + k.split(" ")[0]));
            expected.addAll(List.of("accepted null", "refused OLDER_VERSION", "accepted null"));
            assertThat(outcomes).extracting(e -> e.outcome() + " " + e.reason()).containsExactlyElementsOf(expected);
            assertThat(outcomes).filteredOn(e -> "HASH_MISMATCH".equals(e.reason())).singleElement()
                    .satisfies(e -> assertThat(e.detail()).as("the real hash is not told").doesNotContain(sha));
        }
        assertThat(SharedBundles.openCount()).isZero();
    }

    @Test
    void extremeMetricsScoreFiniteAndAlertNeverPassAsNormal() throws Exception {
        // The bundle clamps z-scores as training did, so 1e36 is an extreme but finite input, not a NaN energy.
        try (var harness = harness(4)) {
            long t = 1;
            for (double extreme : new double[] {1e6, 1e36, -1e36, 3e38}) {
                Map<String, Double> features = new HashMap<>();
                events.get(0).features().keySet().forEach(k -> features.put(k, extreme));
                harness.processElement(new ScoringInput("x" + t, "host-0", t, ScoringInput.EVENT, vector(features), "t/0@" + t,
                        new byte[] {1}), t);
                t++;
            }
            assertThat(harness.extractOutputValues()).hasSize(4).allSatisfy(r -> {
                assertThat(r.value()).isFinite();
                assertThat(r.anomalous()).as("an extreme value in every metric is not normal").isTrue();
            });
            assertThat(sideOutput(harness.getSideOutput(DeadLetters.TAG))).isEmpty();
        }
    }

    @Test
    void anAnomalousEventNamesTheMetricThatMovedAndANormalOneNamesNone() throws Exception {
        try (var harness = harness(2)) {
            Map<String, Double> spiked = new HashMap<>(events.get(0).features());
            spiked.put("latency_ms", spiked.get("latency_ms") * 20);
            harness.processElement(new ScoringInput("spike", "host-0", 1, ScoringInput.EVENT, vector(spiked), "t/0@1", new byte[] {1}), 1);
            harness.processElement(new ScoringInput("calm", "host-0", 2, ScoringInput.EVENT, vector(events.get(0).features()),
                    "t/0@2", new byte[] {1}), 2);
            assertThat(harness.extractOutputValues()).satisfiesExactly(
                    spike -> {
                        assertThat(spike.anomalous()).isTrue();
                        assertThat(spike.topMetrics()).first().isEqualTo("latency_ms");
                    },
                    calm -> assertThat(calm.topMetrics()).isEmpty());
        }
    }

    @Test
    void aRestoredScorerScoresItsBufferedRecordsWithTheModelItServedBeforeTheFailure() throws Exception {
        org.apache.flink.runtime.checkpoint.OperatorSubtaskState snapshot;
        try (var harness = harness(4)) {
            harness.setProcessingTime(BEGINNING);
            harness.processBroadcastElement(update(v2, dir.resolve("v2")), 1);
            harness.processElement(input(events.get(0)), 2);
            harness.processElement(input(events.get(1)), 3);
            assertThat(harness.extractOutputValues()).as("still buffered").isEmpty();
            snapshot = harness.snapshot(1, 4);
        }
        try (var restored = new KeyedBroadcastOperatorTestHarness<>(new CoBroadcastWithKeyedOperator<>(
                new MicroBatchScorer(config(4)), List.of(MicroBatchScorer.MODEL_STATE)), in -> SHARD, Types.INT, 1, 1, 0)) {
            restored.initializeState(snapshot);
            restored.open();
            restored.setProcessingTime(AFTER_MAX_WAIT);
            assertThat(restored.extractOutputValues()).as("the buffered records, flushed by the restored timer")
                    .extracting(ScoredRecord::recordId, ScoredRecord::modelVersion)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple(events.get(0).id(), "v2"),
                            org.assertj.core.groups.Tuple.tuple(events.get(1).id(), "v2"));
            assertThat(modelEvents(restored)).extracting(ModelEvent::outcome).containsExactly(ModelEvent.RESTORED);
        }
        assertThat(SharedBundles.openCount()).isZero();
    }

    @Test
    void anUpdateThisSubtaskCannotSeeYetIsRetriedUntilItAppears() throws Exception {
        Path late = dir.resolve("v2-late");
        try (var harness = harness(1, "--model-load-retry", "PT1M")) {
            harness.setProcessingTime(BEGINNING);
            harness.processBroadcastElement(update(v2, late), 1);
            harness.processElement(input(events.get(0)), 2);
            copy(dir.resolve("v2"), late);
            harness.setProcessingTime(BEGINNING + 5_000);
            harness.processElement(input(events.get(1)), 3);
            assertThat(harness.extractOutputValues()).extracting(ScoredRecord::modelVersion).containsExactly("v1", "v2");
            assertThat(modelEvents(harness)).extracting(ModelEvent::outcome).containsExactly(ModelEvent.ACCEPTED);
        }
        assertThat(SharedBundles.openCount()).isZero();
    }

    @Test
    void eventsAreWidenedWithTheirSourcesHistoryAsTheTrainerWidensThemAndARestoredScorerCarriesItOn() throws Exception {
        List<Event> stream = TestBundlesAccess.normalEvents(30, 2, 21);
        float[] expected = bundleScoresInOrder(stream);
        List<ScoredRecord> out = new ArrayList<>();
        org.apache.flink.runtime.checkpoint.OperatorSubtaskState snapshot;
        try (var harness = harness(historyConfig())) {
            for (Event e : stream.subList(0, 20)) {
                harness.processElement(input(e), e.eventTime());
            }
            out.addAll(harness.extractOutputValues());
            snapshot = harness.snapshot(1, 1);
        }
        try (var restored = new KeyedBroadcastOperatorTestHarness<>(new CoBroadcastWithKeyedOperator<>(
                new MicroBatchScorer(historyConfig()), List.of(MicroBatchScorer.MODEL_STATE)), in -> SHARD, Types.INT, 1, 1, 0)) {
            restored.initializeState(snapshot);
            restored.open();
            for (Event e : stream.subList(20, stream.size())) {
                restored.processElement(input(e), e.eventTime());
            }
            out.addAll(restored.extractOutputValues());
        }
        assertThat(out).extracting(ScoredRecord::recordId).containsExactlyElementsOf(stream.stream().map(Event::id).toList());
        for (int i = 0; i < expected.length; i++) {
            assertThat(out.get(i).value()).as("event %d", i).isEqualTo(expected[i], org.assertj.core.api.Assertions.within(1e-4));
        }
    }

    /**
     * A producer that does not key its records by source spreads a source's events over partitions, and they can reach
     * the scorer out of order. An event older than its source's last is scored against the history as it stands, moves
     * none of it, and is counted; the events after it are widened as if it had never come. (Before, it moved the
     * baseline back in time and reset the unchanged runs.)
     */
    @Test
    void anEventOlderThanItsSourcesLastIsScoredButDoesNotMoveItsHistoryAndIsCounted() throws Exception {
        List<Event> stream = TestBundlesAccess.normalEvents(30, 1, 25);
        float[] expected = bundleScoresInOrder(stream);
        try (var harness = harness(historyConfig())) {
            for (Event e : stream.subList(0, 20)) {
                harness.processElement(input(e), e.eventTime());
            }
            Event old = stream.get(5);
            Map<String, Double> moved = new HashMap<>();
            old.features().forEach((k, v) -> moved.put(k, v * 3));
            Event late = new Event("late", old.source(), old.eventTime(), moved);
            harness.processElement(input(late), late.eventTime());
            for (Event e : stream.subList(20, stream.size())) {
                harness.processElement(input(e), e.eventTime());
            }
            List<ScoredRecord> out = harness.extractOutputValues();
            assertThat(out.get(20).recordId()).isEqualTo("late");
            assertThat(out.get(20).value()).isFinite();
            for (int i = 20; i < stream.size(); i++) {
                assertThat(out.get(i + 1).value()).as("event %d, after the late one", i).isEqualTo(expected[i], within(1e-4));
            }
            assertThat(historyOutOfOrder()).as("the late event is counted for ops to see").isEqualTo(1);
        }
    }

    @Test
    void aSourceWhoseMetricsStopMovingAlertsWithItsHistoryThoughEachValueIsNormal() throws Exception {
        List<Event> normal = TestBundlesAccess.normalEvents(60, 1, 22);
        Event last = normal.get(normal.size() - 1);
        List<Event> stuck = new ArrayList<>();
        for (int i = 1; i <= 12; i++) {
            stuck.add(new Event(last.id() + "-stuck-" + i, last.source(), last.eventTime() + i * 60_000L, last.features()));
        }
        try (var singleRecords = harness(1); var withHistory = harness(historyConfig())) {
            for (Event e : normal) {
                singleRecords.processElement(input(e), e.eventTime());
                withHistory.processElement(input(e), e.eventTime());
            }
            int seen = withHistory.extractOutputValues().size();
            for (Event e : stuck) {
                singleRecords.processElement(input(e), e.eventTime());
                withHistory.processElement(input(e), e.eventTime());
            }
            List<ScoredRecord> single = singleRecords.extractOutputValues();
            assertThat(single.subList(single.size() - stuck.size(), single.size())).as("each value alone is normal")
                    .noneMatch(ScoredRecord::anomalous);
            List<ScoredRecord> history = withHistory.extractOutputValues().subList(seen, seen + stuck.size());
            assertThat(history.get(history.size() - 1).anomalous()).as("ten unchanged events in a row are not").isTrue();
            assertThat(history.get(history.size() - 1).topMetrics()).as("record metrics, each with its history")
                    .isNotEmpty().allMatch(h1.input().recordFeatureNames()::contains);
        }
    }

    @Test
    void oneHostileValueAlertsButDoesNotBlindItsSourceForTheEventsAfterIt() throws Exception {
        List<Event> normal = TestBundlesAccess.normalEvents(80, 1, 23);
        try (var harness = harness(historyConfig())) {
            for (Event e : normal.subList(0, 60)) {
                harness.processElement(input(e), e.eventTime());
            }
            Event before = normal.get(59);
            Map<String, Double> extreme = new HashMap<>();
            before.features().keySet().forEach(k -> extreme.put(k, 1e36));
            harness.processElement(new ScoringInput("hostile", before.source(), before.eventTime() + 1, ScoringInput.EVENT,
                    vector(extreme), "t/0@hostile", new byte[] {1}), before.eventTime() + 1);
            for (Event e : normal.subList(60, 80)) {
                harness.processElement(input(e), e.eventTime());
            }
            List<ScoredRecord> out = harness.extractOutputValues();
            assertThat(out.get(60).recordId()).isEqualTo("hostile");
            assertThat(out.get(60).anomalous()).isTrue();
            assertThat(out.get(60).value()).isFinite();
            // Its own deviation still shows at the next event (its values changed), not for thousands of events after.
            assertThat(out.subList(66, 81)).as("normal events after it are judged as before it").noneMatch(ScoredRecord::anomalous);
        }
    }

    @Test
    void aSourceSilentLongerThanTheHistoryTtlStartsANewBaseline() throws Exception {
        List<Event> normal = TestBundlesAccess.normalEvents(40, 1, 24);
        Event next = normal.get(39);
        double firstEventScore;
        try (var fresh = harness(historyConfig())) {
            fresh.processElement(input(next), next.eventTime());
            firstEventScore = fresh.extractOutputValues().get(0).value();
        }
        for (long silence : new long[] {59_000, 61_000}) {
            ScoringJobConfig config = ScoringJobConfig.fromArgs("--bundle", dir.resolve("h1").toString(), "--max-batch-size", "1",
                    "--metrics-port", "0", "--source-history-ttl", "PT1M");
            try (var harness = harness(config)) {
                harness.setStateTtlProcessingTime(0);
                for (Event e : normal.subList(0, 39)) {
                    harness.processElement(input(e), e.eventTime());
                }
                harness.setStateTtlProcessingTime(silence);
                harness.processElement(input(next), next.eventTime());
                double score = harness.extractOutputValues().get(39).value();
                if (silence < 60_000) {
                    assertThat(score).as("within the TTL the history goes on").isNotCloseTo(firstEventScore, within(1e-6));
                    assertThat(historyStarts()).as("one start: the source's first event").isEqualTo(1);
                } else {
                    assertThat(score).as("after it, the source starts afresh").isCloseTo(firstEventScore, within(1e-6));
                    assertThat(historyStarts()).as("the fresh start is counted for ops to see").isEqualTo(2);
                }
            }
        }
    }

    @Test
    void aLineFedHistoryRefusesAnUpdateThatTakesNone() throws Exception {
        Path noHistory = dir.resolve("h2-no-history");
        copy(dir.resolve("h1"), noHistory);
        editManifest(noHistory, tree -> {
            ((ObjectNode) tree).put("modelVersion", "h2");
            ((ObjectNode) tree.get("input")).putNull("history");
        });
        try (var harness = harness(historyConfig())) {
            harness.processBroadcastElement(new ModelUpdate(h1.modelId(), "h2", noHistory.toUri().toString(), h1.onnx().sha256()), 1);
            assertThat(modelEvents(harness)).singleElement().satisfies(e -> {
                assertThat(e.outcome()).isEqualTo(ModelEvent.REFUSED);
                assertThat(e.reason()).isEqualTo("INCOMPATIBLE_MODEL");
                assertThat(e.detail()).contains("with source history");
            });
        }
        assertThat(SharedBundles.openCount()).isZero();
    }

    /** The history bundle's energies on {@code stream} as the trainer widens it, each source's events in order. */
    private static float[] bundleScoresInOrder(List<Event> stream) {
        try (ModelBundle direct = BundleLoader.load(dir.resolve("h1"), ScorerOptions.cpu())) {
            return direct.score(TestBundlesAccess.widened(stream, h1.input().history())).column("energy");
        }
    }

    private static ScoringJobConfig historyConfig() {
        return ScoringJobConfig.fromArgs("--bundle", dir.resolve("h1").toString(), "--max-batch-size", "1",
                "--max-batch-wait", "PT0.05S", "--metrics-port", "0");
    }

    private static List<ModelEvent> modelEvents(KeyedBroadcastOperatorTestHarness<Integer, ScoringInput, ModelUpdate, ScoredRecord> h) {
        return sideOutput(h.getSideOutput(MicroBatchScorer.MODEL_EVENTS));
    }

    /** The job's count of fresh source histories, read from its metrics endpoint as Prometheus would. */
    private static double historyStarts() {
        return scrapedTotal(MetricNames.HISTORY_STARTS);
    }

    /** The job's count of events older than their source's last, read from its metrics endpoint. */
    private static double historyOutOfOrder() {
        return scrapedTotal(MetricNames.HISTORY_OUT_OF_ORDER);
    }

    private static double scrapedTotal(String counter) {
        String name = counter.replace('.', '_') + "_total";
        return MetricsEndpoint.scrape().lines().filter(l -> l.startsWith(name + " ") || l.startsWith(name + "{"))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }

    private static void editManifest(Path bundle, java.util.function.Consumer<com.fasterxml.jackson.databind.JsonNode> edit)
            throws java.io.IOException {
        var tree = Json.mapper().readTree(bundle.resolve("manifest.json").toFile());
        edit.accept(tree);
        Json.mapper().writeValue(bundle.resolve("manifest.json").toFile(), tree);
    }

    private static ModelUpdate update(BundleManifest m, Path bundle) {
        return new ModelUpdate(m.modelId(), m.modelVersion(), bundle.toUri().toString(), m.onnx().sha256());
    }

    private static KeyedBroadcastOperatorTestHarness<Integer, ScoringInput, ModelUpdate, ScoredRecord> harness(int maxBatch,
                                                                                                         String... more)
            throws Exception {
        List<String> args = new ArrayList<>(List.of("--bundle", dir.resolve("v1").toString(),
                "--max-batch-size", String.valueOf(maxBatch), "--max-batch-wait", "PT0.05S", "--metrics-port", "0"));
        args.addAll(List.of(more));
        ScoringJobConfig config = ScoringJobConfig.fromArgs(args.toArray(String[]::new));
        return harness(config);
    }

    private static ScoringJobConfig config(int maxBatch) {
        return ScoringJobConfig.fromArgs("--bundle", dir.resolve("v1").toString(), "--max-batch-size", String.valueOf(maxBatch),
                "--max-batch-wait", "PT0.05S", "--metrics-port", "0");
    }

    private static KeyedBroadcastOperatorTestHarness<Integer, ScoringInput, ModelUpdate, ScoredRecord> harness(ScoringJobConfig config)
            throws Exception {
        var harness = ProcessFunctionTestHarnesses.forKeyedBroadcastProcessFunction(new MicroBatchScorer(config),
                in -> SHARD, Types.INT, MicroBatchScorer.MODEL_STATE);
        return harness;
    }

    private static ScoringInput input(Event e) {
        return new ScoringInput(e.id(), e.source(), e.eventTime(), ScoringInput.EVENT, vector(e.features()), "test",
                e.id().getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /** Features in the model's order, as the parser hands them to the scorer. */
    private static float[] vector(Map<String, Double> features) {
        List<String> names = v1.input().featureNames();
        float[] v = new float[names.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = features.get(names.get(i)).floatValue();
        }
        return v;
    }

    @SuppressWarnings("unchecked")
    private static <T> List<T> sideOutput(java.util.Queue<?> queue) {
        return queue == null ? List.of() : queue.stream()
                .map(r -> ((org.apache.flink.streaming.runtime.streamrecord.StreamRecord<T>) r).getValue()).toList();
    }

    private static void copy(Path from, Path to) throws java.io.IOException {
        Files.createDirectories(to);
        try (Stream<Path> files = Files.list(from)) {
            for (Path f : files.toList()) {
                Files.copy(f, to.resolve(f.getFileName()));
            }
        }
    }

}
