package io.energysentinel.bench;

import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Sends benchmark traffic to a topic, either as fast as the broker takes it (pre-filling a topic for the
 * throughput run) or paced at a fixed rate with each record's event time set to the moment it is sent.
 */
final class PacedProducer implements AutoCloseable {
    private final KafkaProducer<String, String> producer;
    private final BenchTraffic traffic;
    private final String topic;
    private final AtomicLong refused = new AtomicLong();
    private final AtomicReference<Exception> firstRefusal = new AtomicReference<>();

    PacedProducer(String bootstrapServers, BenchTraffic traffic, String topic) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "1");
        // Not idempotent: benchmark input needs no exactly-once, and with idempotence one run of the in-process
        // broker rejected this producer's batches over and over (OutOfOrderSequenceException, sequence 0 against
        // 379) while the previous job was closing, and 3,226 records were lost. Refusals now fail the run.
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "false");
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, String.valueOf(256 * 1024));
        this.producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
        this.traffic = traffic;
        this.topic = topic;
    }

    /** Sends {@code count} normal records with ids {@code prefix-0..}, event times one millisecond apart. */
    void fill(String prefix, long count, long startTime) {
        for (long n = 0; n < count; n++) {
            send(traffic.record(n, prefix + "-" + n, startTime + n, false));
        }
        flushOrFail(count);
    }

    /**
     * Sends at {@code perSecond} for {@code duration}; every {@code anomalyEvery}-th record is anomalous
     * (0 for none). Returns how many were sent.
     */
    long paced(String prefix, double perSecond, Duration duration, int anomalyEvery) {
        long start = System.nanoTime();
        long end = start + duration.toNanos();
        double intervalNanos = 1e9 / perSecond;
        long n = 0;
        while (true) {
            long due = start + (long) (n * intervalNanos);
            if (due >= end) {
                break;
            }
            long wait = due - System.nanoTime();
            if (wait > 200_000) {
                LockSupport.parkNanos(wait);
            }
            boolean anomaly = anomalyEvery > 0 && n % anomalyEvery == anomalyEvery - 1;
            send(traffic.record(n, prefix + "-" + n, System.currentTimeMillis(), anomaly));
            n++;
        }
        flushOrFail(n);
        return n;
    }

    private void send(Map.Entry<String, String> record) {
        producer.send(new ProducerRecord<>(topic, record.getKey(), record.getValue()), (metadata, e) -> {
            if (e != null) {
                refused.incrementAndGet();
                firstRefusal.compareAndSet(null, e);
            }
        });
    }

    /** Waits until every record sent is acknowledged; a record the broker refused fails the benchmark. */
    private void flushOrFail(long sent) {
        producer.flush();
        if (refused.get() > 0) {
            throw new IllegalStateException("the broker refused " + refused.get() + " of " + sent + " records sent to " + topic
                    + ": " + firstRefusal.get(), firstRefusal.get());
        }
    }

    @Override
    public void close() {
        producer.close();
    }
}
