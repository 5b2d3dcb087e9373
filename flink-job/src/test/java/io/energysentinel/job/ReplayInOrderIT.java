package io.energysentinel.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.energysentinel.contract.bundle.BundleLoader;
import io.energysentinel.contract.bundle.BundleManifest;
import io.energysentinel.contract.bundle.ModelBundle;
import io.energysentinel.contract.records.Alert;
import io.energysentinel.contract.records.DeadLetter;
import io.energysentinel.contract.records.ScoredRecord;
import io.energysentinel.contract.scoring.ScorerOptions;
import io.energysentinel.job.config.ScoringJobConfig;
import io.energysentinel.job.functions.EpisodeTracker;
import io.energysentinel.job.io.JsonLinesReplay;
import io.energysentinel.job.io.LocalCollectSink;
import io.energysentinel.job.model.ModelEvent;
import io.energysentinel.trainer.data.LabelledEvent;
import io.energysentinel.trainer.data.SyntheticEventStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The events demo's path: a replay of several hosts' events through the job at parallelism 2 scores every event as the
 * bundle scores the trainer's widening of the same stream, each host's history taken in order. Before the job read a
 * replay in one task, the replay's two readers each took half of every host's events, the scorer widened them out of
 * order: 2,384 of these 2,400 scores differed (and the demo flagged 1.44% of its normal events against 0.64% offline).
 */
class ReplayInOrderIT {
    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    @TempDir
    Path dir;

    @Test
    void everyHostsEventsAreScoredWithTheirHistoryInOrder() throws Exception {
        Path bundleDir = Path.of("..", "demo", "events-mlp-demo").toAbsolutePath().normalize();
        List<LabelledEvent> stream = EventsDemo.stream(4, 5);
        Path replay = dir.resolve("replay.tsv");
        EventsDemo.writeReplay(stream, replay);
        Map<String, Double> expected = offlineScores(bundleDir, stream);

        ScoringJobConfig config = ScoringJobConfig.fromArgs("--bundle", bundleDir.toString(), "--metrics-port", "0",
                "--parallelism", "2", "--max-batch-size", "64");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        ScoringJobMain.configure(env, config);
        new ScoringJob(config, List.of(JsonLinesReplay.of(replay, 0, false)),
                EmbeddedDemo.announcing(BundleLoader.readManifest(bundleDir), bundleDir),
                LocalCollectSink.<Alert>named("in-order-alerts"), LocalCollectSink.<DeadLetter>named("in-order-dead"),
                LocalCollectSink.<ScoredRecord>named("in-order-scores"), LocalCollectSink.<ModelEvent>named("in-order-model-events"))
                .readingInOneTask()
                .execute(env, "replay-in-order-it");

        List<ScoredRecord> scores = LocalCollectSink.collected("in-order-scores");
        assertThat(scores).hasSize(stream.size());
        long differing = scores.stream().filter(s -> Math.abs(s.value() - expected.get(s.recordId())) > 1e-3).count();
        assertThat(differing).as("scores that differ from the bundle's on the in-order widening").isZero();

        // Episodes: each host's in-order scores, one minute apart (far inside the idle timeout), make the episodes the
        // alerter must open, no more. Before watermarks were taken from the scored records, the reader's watermark ran
        // minutes of event time ahead of records still waiting in the scorer's batches, so the alerter's idle timers
        // closed open episodes early and the next anomalous record opened another: 93 to 97 episodes in the events demo.
        long opened = LocalCollectSink.<Alert>collected("in-order-alerts").stream().filter(Alert::opensEpisode).count();
        assertThat(opened).as("episodes opened").isEqualTo(offlineEpisodes(scores, config.quietRecordsToClose()));
    }

    /** The episodes the alerter's tracker opens on each source's scores taken in event-time order. */
    private static long offlineEpisodes(List<ScoredRecord> scores, int quietRecords) {
        EpisodeTracker tracker = new EpisodeTracker(quietRecords);
        Map<String, List<ScoredRecord>> bySource = new HashMap<>();
        scores.stream().filter(s -> !s.shadow()).forEach(s -> bySource.computeIfAbsent(s.source(), k -> new ArrayList<>()).add(s));
        long opened = 0;
        for (List<ScoredRecord> source : bySource.values()) {
            source.sort(Comparator.comparingLong(ScoredRecord::eventTime));
            EpisodeTracker.Episode episode = null;
            for (ScoredRecord s : source) {
                EpisodeTracker.Step step = tracker.observe(episode, s.value(), s.threshold(), s.eventTime());
                opened += step.alert() ? 1 : 0;
                episode = step.next();
            }
        }
        return opened;
    }

    private static Map<String, Double> offlineScores(Path bundleDir, List<LabelledEvent> stream) {
        try (ModelBundle bundle = BundleLoader.load(bundleDir, ScorerOptions.cpu())) {
            BundleManifest manifest = bundle.manifest();
            assertThat(manifest.input().recordFeatureNames()).as("the generator's metrics, in its order")
                    .isEqualTo(SyntheticEventStream.FEATURES);
            float[][] widened = TestBundles.widened(stream.stream().map(LabelledEvent::event).toList(), manifest.input().history());
            float[] values = bundle.score(widened).column(manifest.defaultScore().id());
            Map<String, Double> out = new HashMap<>();
            for (int i = 0; i < values.length; i++) {
                out.put(stream.get(i).event().id(), (double) values[i]);
            }
            return out;
        }
    }
}
