package io.energysentinel.bench;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.energysentinel.contract.Json;
import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads an output topic of the job (scores or alerts) on its own thread and records, for each output whose
 * {@code recordId} starts with the phase's prefix, how long after the record's event time it could be
 * read. {@code read_committed} gives what an exactly-once consumer sees (outputs become visible when the
 * checkpoint commits the transaction); {@code read_uncommitted} gives the processing latency alone.
 */
final class LatencyProbe implements AutoCloseable {
    private final KafkaConsumer<String, String> consumer;
    private final String prefix;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread thread;
    private final boolean latency;
    private long[] latencies = new long[1 << 16];
    private long[] timestamps = new long[1 << 16];
    private int count;

    /** A probe measuring latency: parses every output for its record id and event time. */
    LatencyProbe(String bootstrapServers, String topic, String prefix, boolean readCommitted) {
        this(bootstrapServers, topic, prefix, readCommitted, true);
    }

    /**
     * A probe counting every output of a topic that holds one phase only, without parsing them: on a
     * machine the job shares, the probe's own JSON parsing would take cores from the job it measures.
     */
    static LatencyProbe counting(String bootstrapServers, String topic) {
        return new LatencyProbe(bootstrapServers, topic, "", true, false);
    }

    private LatencyProbe(String bootstrapServers, String topic, String prefix, boolean readCommitted, boolean latency) {
        this.latency = latency;
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "bench-probe-" + System.nanoTime());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, readCommitted ? "read_committed" : "read_uncommitted");
        p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "10");
        this.consumer = new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer());
        this.prefix = prefix;
        consumer.subscribe(List.of(topic));
        this.thread = new Thread(this::poll, "latency-probe-" + topic + (readCommitted ? "-committed" : "-uncommitted"));
        thread.setDaemon(true);
        thread.start();
    }

    private void poll() {
        while (running.get()) {
            for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(20))) {
                long now = System.currentTimeMillis();
                if (!latency) {
                    record(0, r.timestamp());
                    continue;
                }
                RecordTime stamp = recordTime(r.value());
                if (stamp != null && stamp.recordId().startsWith(prefix)) {
                    record(now - stamp.eventTime(), r.timestamp());
                }
            }
        }
        consumer.close();
    }

    private synchronized void record(long latencyMs, long timestamp) {
        if (count == latencies.length) {
            latencies = Arrays.copyOf(latencies, count * 2);
            timestamps = Arrays.copyOf(timestamps, count * 2);
        }
        timestamps[count] = timestamp;
        latencies[count++] = latencyMs;
    }

    private record RecordTime(String recordId, long eventTime) {}

    /**
     * The {@code recordId} and {@code eventTime} of a score or alert, read with Jackson's streaming parser and
     * without building a tree: the probes read every output, on the cores the job runs on.
     */
    private static RecordTime recordTime(String json) {
        String id = null;
        long eventTime = Long.MIN_VALUE;
        try (JsonParser parser = Json.mapper().getFactory().createParser(json)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME && (id == null || eventTime == Long.MIN_VALUE)) {
                String field = parser.currentName();
                parser.nextToken();
                if ("recordId".equals(field)) {
                    id = parser.getValueAsString();
                } else if ("eventTime".equals(field)) {
                    eventTime = parser.getValueAsLong();
                } else {
                    parser.skipChildren();
                }
            }
        } catch (IOException e) {
            return null;
        }
        return id == null || eventTime == Long.MIN_VALUE ? null : new RecordTime(id, eventTime);
    }

    /** Outputs seen so far. */
    synchronized int count() {
        return count;
    }

    /** Waits until {@code expected} outputs arrived or {@code timeout} passed; returns the count. */
    int await(long expected, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (count() < expected && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        return count();
    }

    /**
     * Records per second between the Kafka timestamps (the job's producer stamps outputs as it writes them) of
     * the output at {@code fromShare} of all outputs and the last one: {@code 0} measures the whole run after
     * the job's start-up, {@code 0.5} its second half, once the JIT has compiled what the job runs.
     */
    synchronized double outputRate(double fromShare) {
        long[] sorted = Arrays.copyOf(timestamps, count);
        Arrays.sort(sorted);
        int from = (int) (fromShare * count);
        int to = count - 1;
        return to - from < 1 || sorted[to] <= sorted[from] ? Double.NaN : (to - from) * 1000.0 / (sorted[to] - sorted[from]);
    }

    /** Count and p50/p90/p99/max latency in milliseconds. */
    synchronized Map<String, Object> summary() {
        long[] sorted = Arrays.copyOf(latencies, count);
        Arrays.sort(sorted);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("count", count);
        out.put("p50Ms", percentile(sorted, 0.50));
        out.put("p90Ms", percentile(sorted, 0.90));
        out.put("p99Ms", percentile(sorted, 0.99));
        out.put("maxMs", sorted.length == 0 ? null : sorted[sorted.length - 1]);
        return out;
    }

    private static Long percentile(long[] sorted, double q) {
        if (sorted.length == 0) {
            return null;
        }
        int index = (int) Math.ceil(q * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }

    @Override
    public void close() throws InterruptedException {
        running.set(false);
        thread.join(5000);
    }
}
