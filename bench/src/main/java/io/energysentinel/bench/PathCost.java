package io.energysentinel.bench;

import io.energysentinel.contract.Json;
import io.energysentinel.contract.bundle.BundleLoader;
import io.energysentinel.contract.bundle.BundleManifest;
import io.energysentinel.contract.bundle.InputValidator;
import io.energysentinel.contract.records.DeadLetter;
import io.energysentinel.contract.records.Event;
import io.energysentinel.contract.records.ScoredRecord;
import io.energysentinel.job.io.RawRecord;
import io.energysentinel.job.io.RecordParser;
import io.energysentinel.job.io.ScoredRecordJson;
import io.energysentinel.job.io.ScoredRecordSerializer;
import io.energysentinel.job.model.ScoringInput;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;

/**
 * CPU per record of the job's own per-record steps, the way the job did them before issue 17 item 7's cuts and the way
 * it does them now, in one JVM on the same records (the bench's event traffic, the event MLP bundle's spec): parsing
 * an event into the model's vector, writing a score as JSON, and a score's trip through Flink's serializer. Each step
 * runs 3 s to warm up, then is timed by this thread's CPU time for 3 s.
 *
 * <p>{@code java @bench/target/java.args io.energysentinel.bench.PathCost demo/events-mlp-demo}
 */
public final class PathCost {
    private PathCost() {}

    public static void main(String[] args) throws Exception {
        Path bundle = Path.of(args.length > 0 ? args[0] : "demo/events-mlp-demo");
        BundleManifest manifest = BundleLoader.readManifest(bundle);
        BenchTraffic traffic = BenchTraffic.events(8, 7);
        long now = System.currentTimeMillis();
        int n = 4096;
        byte[][] payloads = new byte[n][];
        for (int i = 0; i < n; i++) {
            payloads[i] = traffic.record(i, "e-" + i, now, i % 100 == 99).getValue().getBytes(StandardCharsets.UTF_8);
        }
        RawRecord[] raws = new RawRecord[n];
        for (int i = 0; i < n; i++) {
            raws[i] = new RawRecord(ScoringInput.EVENT, payloads[i], "energysentinel.events/0@" + i);
        }
        InputValidator validator = new InputValidator(manifest.input());
        RecordParser parser = new RecordParser(1 << 20, 900_000, Map.of(ScoringInput.EVENT, manifest.input()));
        ScoredRecord[] scores = new ScoredRecord[n];
        for (int i = 0; i < n; i++) {
            scores[i] = new ScoredRecord("e-" + i, "host-" + (i % 8), now, "energy", -3.25 + i * 0.001, 4.5, i % 100 == 99,
                    manifest.modelId(), manifest.modelVersion(), i % 100 == 99 ? List.of("latency_ms", "cpu_pct") : List.of());
        }
        TypeSerializer<ScoredRecord> pojo = TypeInformation.of(ScoredRecord.class).createSerializer(new SerializerConfigImpl());
        TypeSerializer<ScoredRecord> own = ScoredRecordSerializer.TYPE.createSerializer(new SerializerConfigImpl());
        DataOutputSerializer out = new DataOutputSerializer(1024);
        long[] sink = new long[1];

        time("parse an event, before: strict UTF-8 to a String, data binding to Event (boxed map), map to vector", i -> {
            try {
                String text = DeadLetter.utf8(payloads[i]);
                Event e = Json.compact().readValue(text, Event.class);
                sink[0] += validator.check(e.features()).value().length;
            } catch (Exception ex) {
                throw new IllegalStateException(ex);
            }
        }, n);
        time("parse an event, after: RecordParser (tokens straight into the vector, spec checked)", i ->
                sink[0] += parser.parse(raws[i]).value().values().length, n);
        time("write a score as JSON, before: the wire mapper (data binding)", i -> {
            try {
                sink[0] += Json.compact().writeValueAsBytes(scores[i]).length;
            } catch (Exception ex) {
                throw new IllegalStateException(ex);
            }
        }, n);
        time("write a score as JSON, after: ScoredRecordJson", i -> sink[0] += ScoredRecordJson.bytes(scores[i]).length, n);
        time("a score through Flink's serializer and back, before: " + pojo.getClass().getSimpleName(),
                i -> sink[0] += roundTrip(pojo, scores[i], out).source().length(), n);
        time("a score through Flink's serializer and back, after: ScoredRecordSerializer",
                i -> sink[0] += roundTrip(own, scores[i], out).source().length(), n);
        System.out.println("(checksum " + sink[0] + ")");
    }

    private static ScoredRecord roundTrip(TypeSerializer<ScoredRecord> serializer, ScoredRecord r, DataOutputSerializer out) {
        try {
            out.clear();
            serializer.serialize(r, out);
            return serializer.deserialize(new DataInputDeserializer(out.getSharedBuffer(), 0, out.length()));
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void time(String what, IntConsumer step, int n) {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long end = System.nanoTime() + 3_000_000_000L;
        int i = 0;
        while (System.nanoTime() < end) {
            step.accept(i++ % n);
        }
        long ops = 0;
        long cpu0 = threads.getCurrentThreadCpuTime();
        end = System.nanoTime() + 3_000_000_000L;
        while (System.nanoTime() < end) {
            for (int k = 0; k < 256; k++) {
                step.accept(i++ % n);
            }
            ops += 256;
        }
        double micros = (threads.getCurrentThreadCpuTime() - cpu0) / 1e3 / ops;
        System.out.printf("%8.3f µs  %s%n", micros, what);
    }
}
