package io.energysentinel.job.functions;

import static org.assertj.core.api.Assertions.assertThat;

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
import io.energysentinel.job.model.ModelEvent;
import io.energysentinel.job.model.ScoringInput;
import io.energysentinel.job.model.SharedBundles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.flink.api.common.typeinfo.Types;
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
    static BundleManifest v1;
    static BundleManifest v2;
    static List<Event> events;

    @BeforeAll
    static void trainBundles() {
        v1 = TestBundlesAccess.eventBundle(dir, "v1", 1);
        v2 = TestBundlesAccess.eventBundle(dir, "v2", 2);
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
        try (var harness = harness(3)) {
            Map<String, Double> missing = new HashMap<>(events.get(0).features());
            missing.remove("cpu_pct");
            Map<String, Double> extra = new HashMap<>(events.get(1).features());
            extra.put("temperature", 40.0);
            harness.processElement(new ScoringInput("bad-1", "host-0", 1, ScoringInput.EVENT, missing, null, "t/0@1"), 1);
            harness.processElement(new ScoringInput("bad-2", "host-0", 2, ScoringInput.EVENT, extra, null, "t/0@2"), 2);
            harness.processElement(input(events.get(2)), 3);
            assertThat(harness.extractOutputValues()).extracting(ScoredRecord::recordId).containsExactly(events.get(2).id());
            List<DeadLetter> dead = sideOutput(harness.getSideOutput(ParseRecords.DEAD_LETTERS));
            assertThat(dead).extracting(DeadLetter::reason).containsExactly(DeadLetterReason.WRONG_SHAPE, DeadLetterReason.WRONG_SHAPE);
            assertThat(dead.get(0).detail()).contains("missing feature 'cpu_pct'");
            assertThat(dead.get(1).detail()).contains("unknown feature 'temperature'");
            assertThat(dead.get(0).origin()).isEqualTo("t/0@1");
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

    private static ModelUpdate update(BundleManifest m, Path bundle) {
        return new ModelUpdate(m.modelId(), m.modelVersion(), bundle.toUri().toString(), m.onnx().sha256());
    }

    private static KeyedBroadcastOperatorTestHarness<Integer, ScoringInput, ModelUpdate, ScoredRecord> harness(int maxBatch)
            throws Exception {
        ScoringJobConfig config = ScoringJobConfig.fromArgs("--bundle", dir.resolve("v1").toString(),
                "--max-batch-size", String.valueOf(maxBatch), "--max-batch-wait", "PT0.05S", "--metrics-port", "0");
        var harness = ProcessFunctionTestHarnesses.forKeyedBroadcastProcessFunction(new MicroBatchScorer(config),
                in -> SHARD, Types.INT, MicroBatchScorer.MODEL_STATE);
        return harness;
    }

    private static ScoringInput input(Event e) {
        return new ScoringInput(e.id(), e.source(), e.eventTime(), ScoringInput.EVENT, e.features(), null, "test");
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
