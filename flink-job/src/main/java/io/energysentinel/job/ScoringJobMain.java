package io.energysentinel.job;

import io.energysentinel.contract.records.Alert;
import io.energysentinel.contract.records.DeadLetter;
import io.energysentinel.contract.records.ModelUpdate;
import io.energysentinel.contract.records.ScoredRecord;
import io.energysentinel.job.config.ScoringJobConfig;
import io.energysentinel.job.io.KafkaRecords;
import io.energysentinel.job.io.RawRecord;
import io.energysentinel.job.model.ModelEvent;
import io.energysentinel.job.model.ScoringInput;
import org.apache.flink.api.connector.source.Source;
import java.util.List;
import java.util.Optional;
import org.apache.flink.streaming.api.CheckpointingMode;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/** Production entry point: wires Kafka sources and exactly-once Kafka sinks around {@link ScoringJob}. */
public final class ScoringJobMain {
    private ScoringJobMain() {}

    /** Runs the job with flags as documented in the README. */
    public static void main(String[] args) throws Exception {
        Optional<ScoringJobConfig> parsed = ScoringJobConfig.fromCommandLine(args);
        if (parsed.isEmpty()) {
            return;
        }
        ScoringJobConfig config = parsed.get();
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        configure(env, config);
        ScoringJob job = new ScoringJob(config, records(config, false), KafkaRecords.modelUpdates(config, false),
                KafkaRecords.<Alert>exactlyOnceJson(config, config.alertsTopic(), Alert::source),
                KafkaRecords.<DeadLetter>exactlyOnceJson(config, config.deadLetterTopic(), DeadLetter::origin),
                config.publishScores() ? KafkaRecords.<ScoredRecord>exactlyOnceJson(config, config.scoresTopic(), ScoredRecord::source) : null,
                KafkaRecords.<ModelEvent>exactlyOnceJson(config, config.modelUpdatesTopic() + ".events", ModelEvent::modelId));
        if (config.retrainingEnabled()) {
            // Retrained models are announced on the topic the job reads its model updates from.
            job = job.announceRetrainedModelsTo(
                    KafkaRecords.<ModelUpdate>exactlyOnceJson(config, config.modelUpdatesTopic(), ModelUpdate::modelId));
        }
        job.execute(env, "energysentinel-scoring");
    }

    /** Checkpointing (exactly-once sinks commit on checkpoints), parallelism and network buffer timeout. */
    public static void configure(StreamExecutionEnvironment env, ScoringJobConfig config) {
        env.enableCheckpointing(config.checkpointInterval().toMillis(), CheckpointingMode.EXACTLY_ONCE);
        env.setParallelism(config.parallelism());
        env.setBufferTimeout(config.bufferTimeout().toMillis());
    }

    /** Events and images from their topics as one stream of raw records. */
    public static List<Source<RawRecord, ?, ?>> records(ScoringJobConfig config, boolean bounded) {
        // One source per topic: the topic says the kind, so nothing guesses it from the JSON.
        List<Source<RawRecord, ?, ?>> sources = new java.util.ArrayList<>();
        if (!config.eventsTopic().isBlank()) {
            sources.add(KafkaRecords.rawRecords(config, ScoringInput.EVENT, bounded, config.eventsTopic()));
        }
        if (!config.imagesTopic().isBlank()) {
            sources.add(KafkaRecords.rawRecords(config, ScoringInput.IMAGE, bounded, config.imagesTopic()));
        }
        return sources;
    }
}
