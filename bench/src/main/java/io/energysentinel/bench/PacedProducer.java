package io.energysentinel.bench;

import java.time.Duration;
import java.util.Map;
import java.util.Properties;
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

    PacedProducer(String bootstrapServers, BenchTraffic traffic, String topic) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "1");
        this.producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
        this.traffic = traffic;
        this.topic = topic;
    }

    /** Sends {@code count} normal records with ids {@code prefix-0..}, event times one millisecond apart. */
    void fill(String prefix, long count, long startTime) {
        for (long n = 0; n < count; n++) {
            send(traffic.record(n, prefix + "-" + n, startTime + n, false));
        }
        producer.flush();
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
        producer.flush();
        return n;
    }

    private void send(Map.Entry<String, String> record) {
        producer.send(new ProducerRecord<>(topic, record.getKey(), record.getValue()));
    }

    @Override
    public void close() {
        producer.close();
    }
}
