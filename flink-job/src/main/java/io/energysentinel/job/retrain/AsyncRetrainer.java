package io.energysentinel.job.retrain;

import ai.djl.ndarray.NDManager;
import io.energysentinel.contract.bundle.BundleLoader;
import io.energysentinel.contract.bundle.BundleManifest;
import io.energysentinel.contract.records.ModelUpdate;
import io.energysentinel.contract.scoring.ExecutionProvider;
import io.energysentinel.contract.scoring.ScorerOptions;
import io.energysentinel.job.config.ScoringJobConfig;
import io.energysentinel.job.metrics.MetricsEndpoint;
import io.energysentinel.job.metrics.ScoringMetrics;
import io.energysentinel.trainer.pipeline.EventTraining;
import io.energysentinel.trainer.training.TrainingConfig;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.streaming.api.functions.async.ResultFuture;
import org.apache.flink.streaming.api.functions.async.RichAsyncFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fits a new event model for each {@link RetrainRequest} on a thread of its own (training takes seconds to
 * minutes; the operator's mailbox thread and checkpoints must not wait for it), writes its bundle under
 * {@code retrainDir/modelId/version}, loads it back through the same verification serving applies, and
 * emits the {@link ModelUpdate} that announces it. A failed retraining emits nothing: the serving model stays.
 */
public final class AsyncRetrainer extends RichAsyncFunction<RetrainRequest, ModelUpdate> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(AsyncRetrainer.class);
    private static final DateTimeFormatter VERSION = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmssSSS'Z'");
    /** Width of the MLP's two hidden layers, as the trainer's CLI fits event models. */
    private static final int HIDDEN = 128;

    private final ScoringJobConfig config;
    private transient ExecutorService executor;
    /** The retraining running or last run; one at a time. */
    private transient volatile Future<?> training;
    private transient ScoringMetrics metrics;

    /** A retrainer writing under {@code config.retrainDir()}. */
    public AsyncRetrainer(ScoringJobConfig config) {
        this.config = config;
    }

    @Override
    public void open(OpenContext openContext) {
        metrics = MetricsEndpoint.acquireMetrics(config.metricsPort(), config.maxMetricSources());
        executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "energysentinel-retrain");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Starts a retraining, or, while one still runs, completes at once with nothing ({@code skipped_busy}): a
     * request never waits for a training, so the async operator never blocks its mailbox and with it the scorer
     * upstream (back-pressure) or checkpoint barriers.
     */
    @Override
    public void asyncInvoke(RetrainRequest request, ResultFuture<ModelUpdate> result) {
        if (training != null && !training.isDone()) {
            metrics.retrain("skipped_busy");
            LOG.info("a retraining still runs; the {} normal events of this interval are skipped", request.rows().length);
            result.complete(List.of());
            return;
        }
        training = executor.submit(() -> {
            try {
                ModelUpdate update = retrain(request);
                metrics.retrain("trained");
                result.complete(List.of(update));
            } catch (RuntimeException e) {
                if (Thread.currentThread().isInterrupted() || e instanceof java.util.concurrent.CancellationException) {
                    return;
                }
                metrics.retrain("failed");
                LOG.warn("retraining {} on {} normal events failed; the serving model stays", request.modelId(),
                        request.rows().length, e);
                result.complete(List.of());
            }
        });
    }

    /** The retraining took too long: it is stopped (its thread interrupted, which PCD checks each step). */
    @Override
    public void timeout(RetrainRequest request, ResultFuture<ModelUpdate> result) {
        Future<?> running = training;
        if (running != null) {
            running.cancel(true);
        }
        metrics.retrain("timed_out");
        LOG.warn("retraining {} timed out and was stopped; the serving model stays", request.modelId());
        result.complete(List.of());
    }

    /** Whether a retraining runs now. */
    boolean training() {
        return training != null && !training.isDone();
    }

    /** Trains, writes and verifies one bundle; returns its announcement. */
    ModelUpdate retrain(RetrainRequest request) {
        String version = ZonedDateTime.now(ZoneOffset.UTC).format(VERSION) + "-retrained";
        Path dir = Path.of(config.retrainDir(), request.modelId(), version);
        TrainingConfig training = EventTraining.defaults().optSteps(config.retrainSteps()).optSeed(request.requestedAt()).build();
        long start = System.nanoTime();
        try (NDManager manager = NDManager.newBaseManager()) {
            EventTraining.Result fitted = EventTraining.train(request.featureNames(), request.rows(), HIDDEN, training,
                    dir.resolveSibling(version + "-run"), manager, false);
            BundleManifest manifest = EventTraining.writeBundle(fitted, request.modelId(), version, 0.01, training,
                    dir.resolve("bundle"), manager);
            // Proves the bundle the way serving will load it before anyone is told about it.
            BundleLoader.load(dir.resolve("bundle"), new ScorerOptions(ExecutionProvider.CPU, 1, 64), manifest.onnx().sha256()).close();
            LOG.info("retrained {} on {} normal events in {} s: version {}", request.modelId(), request.rows().length,
                    (System.nanoTime() - start) / 1_000_000_000L, version);
            return new ModelUpdate(request.modelId(), version, dir.resolve("bundle").toUri().toString(), manifest.onnx().sha256());
        }
    }

    @Override
    public void close() {
        if (executor != null) {
            executor.shutdownNow();
        }
        metrics = MetricsEndpoint.release(metrics);
    }
}
