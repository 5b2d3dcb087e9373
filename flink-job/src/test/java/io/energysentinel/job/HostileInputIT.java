package io.energysentinel.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.energysentinel.contract.Json;
import io.energysentinel.contract.bundle.BundleManifest;
import io.energysentinel.contract.records.DeadLetter;
import io.energysentinel.contract.records.DeadLetterReason;
import io.energysentinel.contract.records.Event;
import io.energysentinel.contract.records.ModelUpdate;
import io.energysentinel.contract.records.ScoredRecord;
import io.energysentinel.job.config.ScoringJobConfig;
import io.energysentinel.job.io.KafkaRecords;
import io.energysentinel.job.model.ModelEvent;
import io.energysentinel.job.model.ScoringInput;
import io.energysentinel.testing.EmbeddedKafkaCluster;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.IntFunction;
import java.util.zip.CRC32;
import javax.imageio.ImageIO;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * What an outside producer can throw at the running job, on a real in-process broker and a MiniCluster at
 * parallelism 2 with restarts switched off (any task failure fails the job, so "still running" means 0 restarts):
 * a hostile model-update corpus, then more than 10,000 malformed records of 20 kinds mixed with 2,000 valid events.
 * Every record must come out exactly once, scored or dead-lettered with a reason, the serving model must not change,
 * and the heap must stay bounded.
 */
class HostileInputIT {
    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    private static final int MAX_IMAGE_BYTES = 262_144;
    private static final int TWO_MIB = 2 << 20;

    @TempDir
    static Path dir;
    @RegisterExtension
    static final EmbeddedKafkaCluster kafka = EmbeddedKafkaCluster.perTestClass();
    static BundleManifest v1;
    static BundleManifest v2;

    @BeforeAll
    static void start() throws Exception {
        v1 = TestBundles.eventBundle(dir, "v1", 1);
        v2 = TestBundles.eventBundle(dir, "v2", 2);
    }

    @Test
    void hostileRecordsAndModelUpdatesNeitherStopTheJobNorLoseARecord() throws Exception {
        String events = "hostile-events";
        String images = "hostile-images";
        kafka.createTopic(events, 2, Map.of("max.message.bytes", String.valueOf(TWO_MIB + 1024)));
        kafka.createTopics(2, "hostile-scores", "hostile-alerts", "hostile-dead", ScoringJobConfig.modelEventsTopicOf("hostile-updates"));
        kafka.createTopics(1, "hostile-updates");
        // The deploy manifests let the images topic take 2 MiB records; so does this one.
        kafka.createTopic(images, 2, Map.of("max.message.bytes", String.valueOf(TWO_MIB + 1024)));
        ScoringJobConfig config = ScoringJobConfig.fromArgs("--bootstrap-servers", kafka.bootstrapServers(),
                "--events-topic", events, "--images-topic", images, "--alerts-topic", "hostile-alerts",
                "--dead-letter-topic", "hostile-dead", "--scores-topic", "hostile-scores", "--model-updates-topic", "hostile-updates",
                "--bundle", dir.resolve("v1").toString(), "--checkpoint-interval", "PT0.5S", "--transaction-timeout", "PT1M",
                "--parallelism", "2", "--metrics-port", "0", "--max-image-bytes", String.valueOf(MAX_IMAGE_BYTES),
                "--model-load-retry", "PT0S", "--consumer-group", "hostile-" + System.nanoTime());
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        ScoringJobMain.configure(env, config);
        env.configure(new Configuration().set(RestartStrategyOptions.RESTART_STRATEGY, "none"));
        // Both topics are read although only an event model serves: image records must still be accounted for.
        ScoringJobMain.kafkaJob(config, List.of(KafkaRecords.rawRecords(config, ScoringInput.EVENT, false, events),
                KafkaRecords.rawRecords(config, ScoringInput.IMAGE, false, images)), false).build(env);
        // Announced before the job exists: a fresh start serves its --bundle and reads updates from the latest offset,
        // so this one must never be served (it would be, were the topic replayed from the earliest offset).
        kafka.send("hostile-updates", List.of(new AbstractMap.SimpleEntry<>("u", Json.compact().writeValueAsString(
                new ModelUpdate(v2.modelId(), "v2", dir.resolve("v2").toString(), v2.onnx().sha256())))));
        JobClient job = env.executeAsync("hostile-input-it");
        try {
            List<Event> valid = TestBundles.normalEvents(500, 4, 77);
            // Warm-up: the job is up and scoring before the updates are announced (a fresh start reads updates
            // from the latest offset).
            kafka.sendBytes(events, encode(valid.subList(0, 20)), TWO_MIB);
            assertThat(kafka.readCommitted("hostile-scores", 20, Duration.ofSeconds(90), Duration.ZERO)).hasSizeGreaterThanOrEqualTo(20);

            List<String> hostileUpdates = hostileUpdates();
            kafka.send("hostile-updates", hostileUpdates.stream()
                    .map(u -> (Map.Entry<String, String>) new AbstractMap.SimpleEntry<>("u", u)).toList());
            int readableUpdates = hostileUpdates.size() - 2;

            Map<String, List<Map.Entry<String, byte[]>>> byKind = malformed(valid.get(0));
            List<Map.Entry<String, byte[]>> eventRecords = new ArrayList<>();
            List<Map.Entry<String, byte[]>> imageRecords = new ArrayList<>();
            int malformed = 0;
            for (var kind : byKind.entrySet()) {
                (kind.getKey().startsWith("image") ? imageRecords : eventRecords).addAll(kind.getValue());
                malformed += kind.getValue().size();
            }
            eventRecords.addAll(encode(valid.subList(20, valid.size())));
            Collections.shuffle(eventRecords, new Random(5));
            Collections.shuffle(imageRecords, new Random(6));
            kafka.sendBytes(events, eventRecords, TWO_MIB + 1024);
            kafka.sendBytes(images, imageRecords, TWO_MIB + 1024);
            int produced = 20 + eventRecords.size() + imageRecords.size();
            assertThat(malformed).isGreaterThanOrEqualTo(10_000);
            assertThat(byKind).hasSizeGreaterThanOrEqualTo(15);

            List<ModelEvent> modelEvents = read(ScoringJobConfig.modelEventsTopicOf("hostile-updates"), 2 * readableUpdates, ModelEvent.class, 2);
            List<DeadLetter> dead = read("hostile-dead", 0, DeadLetter.class, 1);
            List<ScoredRecord> scored = read("hostile-scores", 0, ScoredRecord.class, 1);
            long deadline = System.nanoTime() + Duration.ofMinutes(4).toNanos();
            while (scored.size() + dead.size() < produced && System.nanoTime() < deadline) {
                dead = read("hostile-dead", produced - scored.size(), DeadLetter.class, 1);
                scored = read("hostile-scores", produced - dead.size(), ScoredRecord.class, 1);
            }
            assertThat(job.getJobStatus().get()).as("the job never failed (restarts are off)").isEqualTo(JobStatus.RUNNING);

            assertThat(scored.size() + dead.size()).as("every record produced comes out once, scored or dead-lettered")
                    .isEqualTo(produced);
            assertThat(scored).as("the serving model never changed, not even to the valid v2 announced before the start").allSatisfy(s -> assertThat(s.modelVersion()).isEqualTo("v1"));
            assertThat(scored).allSatisfy(s -> assertThat(s.value()).isFinite());
            assertThat(dead).allSatisfy(d -> {
                assertThat(d.reason()).isNotNull();
                assertThat(d.detail()).isNotBlank();
                assertThat(d.payload().length()).isLessThanOrEqualTo(2 * DeadLetter.MAX_PAYLOAD_BYTES);
                assertThat(d.payloadSha256()).hasSize(64);
            });
            Map<DeadLetterReason, Integer> reasons = new EnumMap<>(DeadLetterReason.class);
            dead.forEach(d -> reasons.merge(d.reason(), 1, Integer::sum));
            System.out.println("HostileInputIT: produced " + produced + " (" + malformed + " malformed of " + byKind.size()
                    + " kinds), scored " + scored.size() + ", dead letters " + dead.size() + " " + reasons);
            assertThat(dead).filteredOn(d -> d.payloadBytes() > MAX_IMAGE_BYTES * 4L).as("the 1.2 MB images, kept as a prefix")
                    .isNotEmpty().allSatisfy(d -> assertThat(d.payloadTruncated()).isTrue());
            assertThat(dead).filteredOn(d -> DeadLetter.BASE64.equals(d.payloadEncoding())).as("non-UTF-8 kept as base64").isNotEmpty();

            // Each scorer subtask verifies an update itself, so each reports its own outcome.
            assertThat(modelEvents).as("each readable hostile update refused with a reason by both subtasks")
                    .hasSize(2 * readableUpdates).allSatisfy(e -> {
                        assertThat(e.outcome()).isEqualTo(ModelEvent.REFUSED);
                        assertThat(e.reason()).isNotBlank();
                    });
            assertThat(modelEvents.stream().map(e -> e.uri() + " " + e.modelVersion() + " " + e.reason()).distinct())
                    .hasSize(readableUpdates);
            System.out.println("HostileInputIT: model events " + modelEvents.stream().map(ModelEvent::reason).sorted().distinct().toList());

            System.gc();
            long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
            System.out.println("HostileInputIT: heap after GC " + heap / (1 << 20) + " MiB");
            assertThat(heap).as("heap stays bounded").isLessThan(1536L << 20);
        } finally {
            job.cancel().get();
        }
    }

    private static <T> List<T> read(String topic, int expected, Class<T> type, int settleSeconds) {
        return kafka.readCommitted(topic, expected, Duration.ofSeconds(expected == 0 ? 2 : 60), Duration.ofSeconds(settleSeconds))
                .stream().map(json -> {
                    try {
                        return Json.mapper().readValue(json, type);
                    } catch (java.io.IOException e) {
                        throw new AssertionError("unreadable output " + json, e);
                    }
                }).toList();
    }

    private static List<Map.Entry<String, byte[]>> encode(List<Event> events) throws Exception {
        List<Map.Entry<String, byte[]>> out = new ArrayList<>();
        for (Event e : events) {
            out.add(new AbstractMap.SimpleEntry<>(e.source(), Json.compact().writeValueAsBytes(e)));
        }
        return out;
    }

    /** Updates of 12 kinds; the last two are not JSON of the record at all (logged and skipped, no event). */
    private static List<String> hostileUpdates() throws Exception {
        String sha = v1.onnx().sha256();
        String id = v1.modelId();
        String v1Dir = dir.resolve("v1").toAbsolutePath().toString();
        List<ModelUpdate> updates = List.of(
                new ModelUpdate(id, "v2", "http://models.example/v2", sha),
                new ModelUpdate(id, "v2", "s3://bucket/v2", sha),
                new ModelUpdate(id, "v2", "jar:file:/tmp/x.jar!/v2", sha),
                new ModelUpdate(id, "v2", "file://" + v1Dir + "/../../../../etc", sha),
                new ModelUpdate(id, "v2", "/etc", sha),
                new ModelUpdate(id, "v2", v1Dir, null),
                new ModelUpdate(id, "v2", v1Dir, "0".repeat(64)),
                new ModelUpdate("someone-elses-model", "v2", v1Dir, sha),
                new ModelUpdate(id, "v0", dir.resolve("run-v1").toString(), sha),
                new ModelUpdate(null, null, null, null));
        List<String> out = new ArrayList<>();
        for (ModelUpdate u : updates) {
            out.add(Json.compact().writeValueAsString(u));
        }
        out.add("this is not a model update");
        out.add("null");
        return out;
    }

    /** At least 10,000 malformed records by kind; kinds starting with {@code image} go to the images topic. */
    private static Map<String, List<Map.Entry<String, byte[]>>> malformed(Event template) throws Exception {
        Map<String, List<Map.Entry<String, byte[]>>> kinds = new LinkedHashMap<>();
        String good = Json.compact().writeValueAsString(template);
        byte[] pngBomb = pngBomb();
        byte[] bigImage = new byte[900_000];
        new Random(3).nextBytes(bigImage);
        kinds.put("not JSON", many(800, i -> text("this is not json #" + i)));
        kinds.put("truncated", many(800, i -> text(good.substring(0, 10 + i % (good.length() - 11)))));
        kinds.put("wrong types", many(800, i -> text(good.replaceFirst("\"eventTime\":\\d+", "\"eventTime\":\"yesterday\""))));
        kinds.put("missing fields", many(800, i -> text(good.replaceFirst("\"source\":\"[^\"]*\",", ""))));
        kinds.put("NaN and Infinity", many(800, i -> text(good.replaceFirst(":(\\d+\\.\\d+)", i % 2 == 0 ? ":NaN" : ":\"-Infinity\""))));
        kinds.put("JSON null", many(600, i -> text("null")));
        kinds.put("empty and tombstone", many(600, i -> i % 2 == 0 ? new byte[0] : null));
        kinds.put("deep nesting", many(300, i -> text("{\"id\":" + "[".repeat(3000) + "]".repeat(3000) + "}")));
        kinds.put("not UTF-8", many(600, i -> (good.substring(0, 20) + "\u00e9\u00ff").getBytes(StandardCharsets.ISO_8859_1)));
        kinds.put("1e36 features", many(500, i -> text(good.replaceAll(":(\\d+\\.\\d+)", ":1e36"))));
        kinds.put("unknown features", many(500, i -> text(good.replaceFirst("\"features\":\\{", "\"features\":{\"temperature\":40.0,"))));
        kinds.put("event time in the future", many(500, i -> text(good.replaceFirst("\"eventTime\":\\d+",
                "\"eventTime\":" + (i % 2 == 0 ? Long.MAX_VALUE : -5)))));
        kinds.put("oversized event", many(3, i -> text("{\"id\":\"big\",\"pad\":\"" + "x".repeat(1_200_000) + "\"}")));
        kinds.put("duplicate ids", many(300, i -> text(good)));
        kinds.put("image PNG bomb", many(700, i -> text(image("PNG", 0, 0, pngBomb))));
        kinds.put("image negative sides", many(700, i -> text(image("RAW_U8", -28, -28, new byte[784]))));
        kinds.put("image zero sides", many(700, i -> text("{\"id\":\"f" + i + "\",\"source\":\"cam\",\"eventTime\":1,"
                + "\"encoding\":\"FLOATS\",\"width\":0,\"height\":0,\"pixels\":[0.5,0.5]}")));
        kinds.put("image wrong pixel count", many(700, i -> text(image("RAW_U8", 28, 28, new byte[700]))));
        kinds.put("image over the limit", many(4, i -> text(image("RAW_U8", 1000, 900, bigImage))));
        kinds.put("image without a model", many(500, i -> text(image("RAW_U8", 28, 28, new byte[784]))));
        return kinds;
    }

    private static List<Map.Entry<String, byte[]>> many(int n, IntFunction<byte[]> payload) {
        List<Map.Entry<String, byte[]>> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(new AbstractMap.SimpleEntry<>("k" + (i % 16), payload.apply(i)));
        }
        return out;
    }

    private static byte[] text(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String image(String encoding, int w, int h, byte[] data) {
        return "{\"id\":\"img\",\"source\":\"cam-" + (w & 7) + "\",\"eventTime\":1,\"encoding\":\"" + encoding + "\",\"width\":" + w
                + ",\"height\":" + h + ",\"data\":\"" + Base64.getEncoder().encodeToString(data) + "\"}";
    }

    /** A valid 1x1 PNG whose header claims 30000x30000 (CRC fixed): tiny on the wire, 900 M pixels if decoded. */
    private static byte[] pngBomb() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ImageIO.write(new BufferedImage(1, 1, BufferedImage.TYPE_BYTE_GRAY), "png", bytes);
        byte[] png = bytes.toByteArray();
        ByteBuffer b = ByteBuffer.wrap(png);
        b.putInt(16, 30_000);
        b.putInt(20, 30_000);
        CRC32 crc = new CRC32();
        crc.update(png, 12, 17);
        b.putInt(29, (int) crc.getValue());
        return png;
    }
}
