package io.energysentinel.job.io;

import io.energysentinel.contract.Json;
import io.energysentinel.contract.records.ModelUpdate;
import io.energysentinel.contract.records.ScoredRecord;
import io.energysentinel.job.config.ScoringJobConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.function.Function;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Kafka sources and exactly-once sinks of the job's records, all JSON. */
public final class KafkaRecords {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaRecords.class);

    private KafkaRecords() {}

    /** Raw records from {@code topics}, each tagged with {@code kind}; bounded at the latest offsets when asked. */
    public static KafkaSource<RawRecord> rawRecords(ScoringJobConfig config, String kind, boolean bounded, String... topics) {
        var builder = KafkaSource.<RawRecord>builder()
                .setBootstrapServers(config.bootstrapServers())
                .setTopics(topics)
                .setGroupId(config.consumerGroup())
                .setStartingOffsets(OffsetsInitializer.committedOffsets(org.apache.kafka.clients.consumer.OffsetResetStrategy.EARLIEST))
                .setProperty("isolation.level", "read_committed")
                .setDeserializer(new RawRecordDeserializer(kind));
        if (bounded) {
            builder.setBounded(OffsetsInitializer.latest());
        }
        return builder.build();
    }

    /**
     * Model updates from {@code config.modelUpdatesTopic()}, committed ones only; unreadable ones are logged and skipped.
     *
     * <p>A fresh start (no checkpoint or savepoint) reads from the latest offset: it serves the {@code --bundle}
     * it was given and only updates announced from then on, never a replay of every update ever announced. A
     * restored job resumes from its checkpointed offsets and its broadcast state names the model it served.
     */
    public static KafkaSource<ModelUpdate> modelUpdates(ScoringJobConfig config, boolean bounded) {
        var builder = KafkaSource.<ModelUpdate>builder()
                .setBootstrapServers(config.bootstrapServers())
                .setTopics(config.modelUpdatesTopic())
                .setGroupId(config.consumerGroup() + "-model-updates")
                .setStartingOffsets(OffsetsInitializer.latest())
                .setProperty("isolation.level", "read_committed")
                .setDeserializer(new ModelUpdateDeserializer());
        if (bounded) {
            builder.setBounded(OffsetsInitializer.latest());
        }
        return builder.build();
    }

    /**
     * An exactly-once JSON sink to {@code topic}, keyed by {@code key}. The transactional id prefix is the
     * configured one plus the topic, stable across restarts; the transaction timeout is the configured one
     * (validated to be within the broker's 15-minute default maximum).
     */
    public static <T> KafkaSink<T> exactlyOnceJson(ScoringJobConfig config, String topic, RecordKey<T> key) {
        return KafkaSink.<T>builder()
                .setBootstrapServers(config.bootstrapServers())
                .setRecordSerializer(new JsonRecords<>(topic, key))
                .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
                .setTransactionalIdPrefix(config.transactionalIdPrefix() + "-" + topic)
                .setProperty("transaction.timeout.ms", String.valueOf(config.transactionTimeout().toMillis()))
                .build();
    }

    /**
     * An at-least-once JSON sink to {@code topic}, keyed by {@code key}: records go out as soon as they are emitted,
     * without waiting for the checkpoint that commits a transaction, and may come again after a failure.
     */
    public static <T> KafkaSink<T> atLeastOnceJson(ScoringJobConfig config, String topic, RecordKey<T> key) {
        return KafkaSink.<T>builder()
                .setBootstrapServers(config.bootstrapServers())
                .setRecordSerializer(new JsonRecords<>(topic, key))
                .setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE)
                .build();
    }

    /** The Kafka key of a record; serializable, because the sink ships it to the task managers. */
    @FunctionalInterface
    public interface RecordKey<T> extends Function<T, String>, java.io.Serializable {}

    /**
     * One JSON value per record, keyed. The Kafka timestamp is the producer's send time, never the event time: the
     * broker deletes and rolls segments by record timestamps, so the outputs of a replay of month-old events would
     * be deleted by retention within minutes (seen: committed alerts gone before a test read them); consumers that
     * want event time read it from the record (the incidents application's timestamp extractor does). Never
     * Flink's record timestamp either: it can be synthetic (the end-of-input timer's) and the broker refuses those.
     */
    static final class JsonRecords<T> implements KafkaRecordSerializationSchema<T> {
        private static final long serialVersionUID = 1L;
        private final String topic;
        private final RecordKey<T> key;
        private final JsonSerialization<T> json = new JsonSerialization<>();

        JsonRecords(String topic, RecordKey<T> key) {
            this.topic = topic;
            this.key = key;
        }

        @Override
        public org.apache.kafka.clients.producer.ProducerRecord<byte[], byte[]> serialize(T element, KafkaSinkContext context,
                                                                                          Long timestamp) {
            String k = key.apply(element);
            return new org.apache.kafka.clients.producer.ProducerRecord<>(topic, null, null,
                    k == null ? null : k.getBytes(StandardCharsets.UTF_8), json.serialize(element));
        }
    }

    /** Serialises any record as one line of JSON. */
    static final class JsonSerialization<T> implements SerializationSchema<T> {
        private static final long serialVersionUID = 1L;

        @Override
        public byte[] serialize(T element) {
            if (element instanceof ScoredRecord scored) {
                // Every record scored goes out as one of these: written directly, not through data binding.
                return ScoredRecordJson.bytes(scored);
            }
            try {
                return Json.compact().writeValueAsBytes(element);
            } catch (IOException e) {
                throw new IllegalStateException("cannot serialise " + element.getClass().getSimpleName(), e);
            }
        }
    }

    /** Keeps every record as text with its origin; parsing (and refusing) happens downstream. */
    static final class RawRecordDeserializer implements KafkaRecordDeserializationSchema<RawRecord> {
        private static final long serialVersionUID = 1L;
        private final String kind;

        RawRecordDeserializer(String kind) {
            this.kind = kind;
        }

        @Override
        public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<RawRecord> out) {
            out.collect(new RawRecord(kind, record.value(), record.topic() + "/" + record.partition() + "@" + record.offset()));
        }

        @Override
        public TypeInformation<RawRecord> getProducedType() {
            return TypeInformation.of(RawRecord.class);
        }
    }

    /**
     * Model updates as JSON; one that is not JSON of that shape is logged and dropped (it cannot name a model to
     * load). Missing fields pass through: the scorer refuses them with a reason on the model-events topic.
     */
    static final class ModelUpdateDeserializer implements KafkaRecordDeserializationSchema<ModelUpdate> {
        private static final long serialVersionUID = 1L;

        @Override
        public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<ModelUpdate> out) {
            try {
                ModelUpdate update = record.value() == null ? null : Json.compact().readValue(record.value(), ModelUpdate.class);
                if (update == null) {
                    throw new IOException("empty or JSON null");
                }
                out.collect(update);
            } catch (IOException | RuntimeException e) {
                LOG.warn("ignoring unreadable model update at {}/{}@{}: {}", record.topic(), record.partition(), record.offset(),
                        e.getMessage());
            }
        }

        @Override
        public TypeInformation<ModelUpdate> getProducedType() {
            return TypeInformation.of(ModelUpdate.class);
        }
    }
}
