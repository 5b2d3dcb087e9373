package io.energysentinel.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real single-node Kafka 4 broker (KRaft, combined broker + controller) in this JVM, for integration tests.
 *
 * <p>{@code KafkaClusterTestKit} is Kafka's internal test API and changes between releases; this class is
 * the only place that touches it. A test class registers one with {@code @RegisterExtension static final
 * EmbeddedKafkaCluster kafka = EmbeddedKafkaCluster.perTestClass();} and gets it started before its tests and
 * closed after them; other code calls {@link #start()} and {@link #close()}.
 */
public final class EmbeddedKafkaCluster implements AutoCloseable, BeforeAllCallback, AfterAllCallback {
    private KafkaClusterTestKit cluster;

    private EmbeddedKafkaCluster(KafkaClusterTestKit cluster) {
        this.cluster = cluster;
    }

    /** A cluster that starts before the test class that registers it and closes after it. */
    public static EmbeddedKafkaCluster perTestClass() {
        return new EmbeddedKafkaCluster(null);
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        cluster = startCluster();
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        close();
    }

    /** Formats and starts a one-node cluster and waits until its broker is ready. */
    public static EmbeddedKafkaCluster start() throws Exception {
        return new EmbeddedKafkaCluster(startCluster());
    }

    private static KafkaClusterTestKit startCluster() throws Exception {
        KafkaClusterTestKit cluster = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder()
                .setCombined(true).setNumBrokerNodes(1).setNumControllerNodes(1).build())
                .setConfigProp("offsets.topic.replication.factor", "1")
                .setConfigProp("transaction.state.log.replication.factor", "1")
                .setConfigProp("transaction.state.log.min.isr", "1")
                .setConfigProp("group.initial.rebalance.delay.ms", "0")
                .build();
        cluster.format();
        cluster.startup();
        cluster.waitForReadyBrokers();
        return cluster;
    }

    /** Bootstrap servers for clients. */
    public String bootstrapServers() {
        return cluster.bootstrapServers();
    }

    /** Creates topics with {@code partitions} partitions each. */
    public void createTopics(int partitions, String... topics) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrapServers()))) {
            List<NewTopic> newTopics = new ArrayList<>();
            for (String t : topics) {
                newTopics.add(new NewTopic(t, partitions, (short) 1));
            }
            admin.createTopics(newTopics).all().get(30, TimeUnit.SECONDS);
        }
    }

    /** Creates one topic with {@code partitions} partitions and topic-level {@code configs}. */
    public void createTopic(String topic, int partitions, Map<String, String> configs) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1).configs(configs))).all().get(30, TimeUnit.SECONDS);
        }
    }

    /**
     * Sends byte records (key, value; a {@code null} value is a tombstone) to {@code topic}, with requests of up to
     * {@code maxRequestBytes}, and waits for them to be acknowledged.
     */
    public void sendBytes(String topic, List<Map.Entry<String, byte[]>> records, int maxRequestBytes) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, String.valueOf(maxRequestBytes));
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(p, new StringSerializer(),
                new org.apache.kafka.common.serialization.ByteArraySerializer())) {
            List<java.util.concurrent.Future<?>> acks = new ArrayList<>();
            for (Map.Entry<String, byte[]> r : records) {
                acks.add(producer.send(new ProducerRecord<>(topic, r.getKey(), r.getValue())));
            }
            producer.flush();
            for (java.util.concurrent.Future<?> ack : acks) {
                ack.get();
            }
        } catch (Exception e) {
            throw new IllegalStateException("a record was not accepted by the broker", e);
        }
    }

    /** Sends string records (key, value) to {@code topic} and waits for them to be acknowledged. */
    public void send(String topic, List<Map.Entry<String, String>> records) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
            for (Map.Entry<String, String> r : records) {
                producer.send(new ProducerRecord<>(topic, r.getKey(), r.getValue()));
            }
            producer.flush();
        }
    }

    /**
     * Reads committed records of {@code topic} from the beginning until {@code expected} have arrived or
     * {@code timeout} passes, then for {@code settle} more to catch any extra; returns values in order.
     */
    public List<String> readCommitted(String topic, int expected, Duration timeout, Duration settle) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "test-reader-" + System.nanoTime());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(Set.of(topic));
            long deadline = System.nanoTime() + timeout.toNanos();
            long settleUntil = Long.MAX_VALUE;
            while (System.nanoTime() < Math.min(deadline, settleUntil)) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    values.add(r.value());
                }
                if (values.size() >= expected && settleUntil == Long.MAX_VALUE) {
                    settleUntil = System.nanoTime() + settle.toNanos();
                }
            }
        }
        return values;
    }


    @Override
    public void close() throws Exception {
        if (cluster != null) {
            cluster.close();
            cluster = null;
        }
    }
}
