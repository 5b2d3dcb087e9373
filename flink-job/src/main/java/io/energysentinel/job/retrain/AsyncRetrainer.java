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
import io.energysentinel.contract.bundle.ModelBundle;
import io.energysentinel.contract.records.UpdateStage;
import io.energysentinel.job.model.ModelEvent;
import io.energysentinel.job.model.UpdatePolicy;
import io.energysentinel.contract.ModelKind;
import io.energysentinel.trainer.pipeline.AnchorReference;
import io.energysentinel.trainer.pipeline.CandidateEvaluation;
import io.energysentinel.trainer.pipeline.ImageFineTuning;
import io.energysentinel.trainer.pipeline.CandidateRefused;
import io.energysentinel.trainer.pipeline.EventFineTuning;
import io.energysentinel.trainer.pipeline.EventTraining;
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
 * Fine-tunes a candidate for each {@link RetrainRequest} on a thread of its own (training takes seconds to minutes;
 * the operator's mailbox thread and checkpoints must not wait for it): starts from the serving bundle's anchor
 * ({@link EventFineTuning}: its weights, its reference sample beside the fresh rows, its settings), writes the candidate
 * under {@code retrainDir/modelId/version}, loads it back through the verification serving applies, measures it beside
 * the serving model ({@link CandidateEvaluation}) and judges it ({@link RetrainPolicy#beforeShadow}). Emits the verdict,
 * and for a candidate that passed, its announcement for shadow scoring; the serving model never changes here.
 */
public final class AsyncRetrainer extends RichAsyncFunction<RetrainRequest, RetrainOutcome> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(AsyncRetrainer.class);
    private static final DateTimeFormatter VERSION = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmssSSS'Z'");

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
    public void asyncInvoke(RetrainRequest request, ResultFuture<RetrainOutcome> result) {
        if (training != null && !training.isDone()) {
            metrics.retrain("skipped_busy");
            LOG.info("a retraining still runs; the {} normal records of this interval are skipped", request.rows().length);
            result.complete(List.of());
            return;
        }
        training = executor.submit(() -> {
            try {
                RetrainOutcome outcome = retrain(request);
                metrics.retrain(outcome.shadow() != null ? "candidate" : "rejected");
                metrics.verdict(outcome.verdict().outcome(), outcome.verdict().reason());
                result.complete(List.of(outcome));
            } catch (CandidateRefused e) {
                metrics.retrain("rejected");
                LOG.info("retraining {} refused ({}): {}", request.modelId(), e.rule(), e.getMessage());
                result.complete(List.of(noCandidate(request, e.rule(), e.getMessage())));
            } catch (RuntimeException e) {
                if (Thread.currentThread().isInterrupted() || e instanceof java.util.concurrent.CancellationException) {
                    return;
                }
                metrics.retrain("failed");
                LOG.warn("retraining {} on {} normal records failed; the serving model stays", request.modelId(),
                        request.rows().length, e);
                result.complete(List.of(noCandidate(request, "training_failed", String.valueOf(e.getMessage()))));
            }
        });
    }

    /** The verdict of a retraining that produced no candidate, counted; {@code rule} says why. */
    private RetrainOutcome noCandidate(RetrainRequest request, String rule, String detail) {
        metrics.verdict(ModelEvent.REJECTED, rule);
        return new RetrainOutcome(new ModelEvent(request.modelId(), "", request.servingUri(), ModelEvent.REJECTED, rule, detail,
                System.currentTimeMillis()), null);
    }

    /** The retraining took too long: it is stopped (its thread interrupted, which PCD checks each step). */
    @Override
    public void timeout(RetrainRequest request, ResultFuture<RetrainOutcome> result) {
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

    /** Fine-tunes, writes, verifies and judges one candidate. */
    RetrainOutcome retrain(RetrainRequest request) {
        String version = ZonedDateTime.now(ZoneOffset.UTC).format(VERSION) + "-retrained";
        Path dir = Path.of(config.retrainDir(), request.modelId(), version);
        Path serving = UpdatePolicy.directory(request.servingUri());
        long start = System.nanoTime();
        ScorerOptions options = new ScorerOptions(ExecutionProvider.CPU, 1, 256);
        try (NDManager manager = NDManager.newBaseManager();
             ModelBundle servingBundle = BundleLoader.load(serving, options)) {
            double targetFpr = servingBundle.threshold(servingBundle.manifest().defaultScore()).targetFpr();
            Candidate tuned = servingBundle.manifest().kind() == ModelKind.MLP_EBM
                    ? eventCandidate(request, serving, version, dir, targetFpr, manager)
                    : imageCandidate(request, serving, servingBundle.manifest(), version, dir, targetFpr, manager);
            ModelUpdate candidate = new ModelUpdate(request.modelId(), version, dir.resolve("bundle").toUri().toString(),
                    tuned.manifest().onnx().sha256(), false, UpdateStage.SHADOW);
            CandidateEvaluation evaluation;
            // Proves the bundle the way serving will load it before anyone is told about it.
            try (ModelBundle candidateBundle = BundleLoader.load(dir.resolve("bundle"), options, tuned.manifest().onnx().sha256())) {
                evaluation = CandidateEvaluation.of(servingBundle, candidateBundle, tuned.reference(), tuned.freshCheck(),
                        request.requestedAt());
            }
            RetrainPolicy.Verdict verdict = config.retrainPolicy().beforeShadow(evaluation);
            String detail = "fine-tuned from " + servingBundle.manifest().modelVersion() + " on " + tuned.freshUsed() + " fresh + "
                    + tuned.referenceRows() + " reference inputs (" + tuned.vettedOut()
                    + " fresh inputs kept out by the line's first model) in " + (System.nanoTime() - start) / 1_000_000 + " ms; "
                    + verdict.detail();
            LOG.info("retrained {} -> {}: {} ({})", request.modelId(), version, verdict.rule(), detail);
            ModelEvent event = new ModelEvent(request.modelId(), version, candidate.uri(),
                    verdict.passed() ? ModelEvent.CANDIDATE : ModelEvent.REJECTED, verdict.passed() ? null : verdict.rule(), detail,
                    System.currentTimeMillis());
            return new RetrainOutcome(event, verdict.passed() ? candidate : null);
        }
    }

    /** A fine-tuned candidate's bundle and what it is judged on, whatever the line's kind. */
    private record Candidate(BundleManifest manifest, AnchorReference reference, float[][] freshCheck, int freshUsed, int referenceRows,
                             int vettedOut) {}

    private Candidate eventCandidate(RetrainRequest request, Path serving, String version, Path dir, double targetFpr, NDManager manager) {
        EventFineTuning.FineTuned tuned = EventFineTuning.fineTune(serving, request.rows(), config.retrainSteps(), request.requestedAt(),
                dir.resolveSibling(version + "-run"), manager);
        BundleManifest manifest = EventTraining.writeBundle(tuned.result(), request.modelId(), version, targetFpr, tuned.config(),
                dir.resolve("bundle"), manager);
        return new Candidate(manifest, tuned.result().reference(), tuned.freshCheck(), tuned.freshUsed(),
                tuned.result().reference().train().length, tuned.vettedOut());
    }

    private Candidate imageCandidate(RetrainRequest request, Path serving, BundleManifest servingManifest, String version, Path dir,
                                     double targetFpr, NDManager manager) {
        ImageFineTuning.FineTuned tuned = ImageFineTuning.fineTune(serving, request.rows(), config.retrainSteps(), request.requestedAt(),
                dir.resolveSibling(version + "-run"), manager);
        BundleManifest manifest = ImageFineTuning.writeBundle(tuned, servingManifest, version, targetFpr, dir.resolve("bundle"), manager);
        return new Candidate(manifest, tuned.reference(), tuned.freshCheck(), tuned.freshUsed(), tuned.reference().train().length,
                tuned.vettedOut());
    }

    @Override
    public void close() {
        if (executor != null) {
            executor.shutdownNow();
        }
        metrics = MetricsEndpoint.release(metrics);
    }
}
