package io.energysentinel.job.model;

import io.energysentinel.contract.records.ModelUpdate;
import io.energysentinel.contract.scoring.ScorerOptions;
import io.energysentinel.job.config.ScoringJobConfig;
import io.energysentinel.job.metrics.ScoringMetrics;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The model lines one scorer subtask serves, one {@link ModelHolder} per record kind: opens the start-up bundles,
 * puts each model update through the {@link UpdatePolicy} and the line it names, reloads after a restore what the
 * job served before, and retries bundles not visible yet. Every outcome is logged, counted and returned as a
 * {@link ModelEvent} for the model-events output. No Flink in here: the scorer owns state and timers.
 */
public final class ModelLines implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ModelLines.class);

    private final Map<String, ModelHolder> byKind = new LinkedHashMap<>();
    private final UpdatePolicy policy;
    private final ScoringMetrics metrics;
    /** What the metrics say each line serves, by model id. */
    private final Map<String, ServedModel> reported = new HashMap<>();

    private ModelLines(UpdatePolicy policy, ScoringMetrics metrics) {
        this.policy = policy;
        this.metrics = metrics;
    }

    /**
     * Opens every start-up bundle of {@code config}.
     *
     * @throws io.energysentinel.contract.bundle.BundleRejectedException when one fails verification
     * @throws ModelRefusal when one has no usable score
     * @throws IllegalArgumentException when two serve the same record kind
     */
    public static ModelLines open(ScoringJobConfig config, ScoringMetrics metrics) {
        ModelLines lines = new ModelLines(new UpdatePolicy(config.modelRootPaths()), metrics);
        ScorerOptions options = new ScorerOptions(config.provider(), config.intraOpThreads(), config.maxBatchSize());
        try {
            for (Path dir : config.bundlePaths()) {
                ModelHolder line = ModelHolder.open(dir, config.score(), options, config.modelLoadRetry().toMillis());
                ModelHolder clash = lines.byKind.putIfAbsent(line.serving().kind(), line);
                if (clash != null) {
                    line.close();
                    throw new IllegalArgumentException("two bundles serve " + line.serving().kind() + " records: "
                            + clash.serving().uri() + " and " + dir);
                }
                lines.inMetrics(line.serving());
            }
            return lines;
        } catch (RuntimeException e) {
            lines.close();
            throw e;
        }
    }

    /** The model serving records of {@code kind}, or {@code null} when no line serves them. */
    public ServedModel servingFor(String kind) {
        ModelHolder line = byKind.get(kind);
        return line == null ? null : line.serving();
    }

    /** The candidate shadow-scored beside the model serving {@code kind}, or {@code null}. */
    public ServedModel shadowFor(String kind) {
        ModelHolder line = byKind.get(kind);
        return line == null ? null : line.shadow();
    }

    /** The record kinds served. */
    public Set<String> kinds() {
        return byKind.keySet();
    }

    /**
     * What an offered update did.
     *
     * @param event the outcome to report, or {@code null} when nothing changed or the bundle is awaited
     * @param remember whether broadcast state should remember the update as what its line serves
     */
    public record Offer(ModelEvent event, boolean remember) {}

    /** Offers an announced update to the line it names. */
    public Offer offer(ModelUpdate update, long now) {
        try {
            Path dir = policy.check(update, servedLines());
            ModelHolder line = lineOf(update.modelId());
            ModelEvent event = line.offer(update, dir, false, now);
            report(line, event);
            if (update.stage() != io.energysentinel.contract.records.UpdateStage.SERVE) {
                // Candidates live only until the gate decides; a restored job does not shadow them again.
                return new Offer(event, false);
            }
            return new Offer(event, event == null ? !line.hasPending() : ModelEvent.ACCEPTED.equals(event.outcome()));
        } catch (ModelRefusal e) {
            ModelEvent event = ModelEvent.refused(update, e, now);
            report(null, event);
            return new Offer(event, false);
        }
    }

    /** Reloads, after a restore, what broadcast state says each line served; returns the outcomes. */
    public List<ModelEvent> restore(Iterable<ModelUpdate> remembered, long now) {
        List<ModelEvent> events = new ArrayList<>();
        for (ModelUpdate update : remembered) {
            ModelEvent event;
            ModelHolder line = null;
            try {
                Path dir = policy.check(update, servedLines());
                line = lineOf(update.modelId());
                event = line.offer(update, dir, true, now);
            } catch (ModelRefusal e) {
                event = ModelEvent.refused(update, e, now);
            }
            if (event != null) {
                report(line, event);
                events.add(event);
            }
        }
        return events;
    }

    /** Tries again the bundles awaited whose turn has come; returns the outcomes. */
    public List<ModelEvent> retryPending(long now) {
        List<ModelEvent> events = new ArrayList<>();
        for (ModelHolder line : byKind.values()) {
            ModelEvent event = line.retryPending(now);
            if (event != null) {
                report(line, event);
                events.add(event);
            }
        }
        return events;
    }

    private void report(ModelHolder line, ModelEvent event) {
        if (event == null) {
            return;
        }
        metrics.swap(event.outcome(), event.reason());
        if (ModelEvent.REFUSED.equals(event.outcome())) {
            LOG.warn("refused model update {}/{} ({}): {}", event.modelId(), event.modelVersion(), event.reason(), event.detail());
        } else if (ModelEvent.SHADOW.equals(event.outcome()) || ModelEvent.SHADOW_ENDED.equals(event.outcome())) {
            LOG.info("{} {}/{}: {}", event.outcome(), event.modelId(), event.modelVersion(), event.detail());
        } else {
            LOG.info("now scoring with model {}/{} from {}", event.modelId(), event.modelVersion(), event.uri());
            inMetrics(line.serving());
        }
    }

    /** Moves the model-in-use series to {@code now}; the previous version's go when no subtask in the JVM uses it. */
    private void inMetrics(ServedModel now) {
        ServedModel before = reported.put(now.modelId(), now);
        if (before == now) {
            return;
        }
        metrics.modelInUse(now.modelId(), now.modelVersion(), now.score().id(), now.threshold());
        if (before != null) {
            metrics.modelRetired(before.modelVersion());
        }
    }

    private List<String> servedLines() {
        List<String> ids = new ArrayList<>(byKind.size());
        for (ModelHolder line : byKind.values()) {
            ids.add(line.serving().modelId());
        }
        return ids;
    }

    private ModelHolder lineOf(String modelId) {
        for (ModelHolder line : byKind.values()) {
            if (line.serving().modelId().equals(modelId)) {
                return line;
            }
        }
        throw new ModelRefusal(ModelRefusal.Reason.OTHER_MODEL_LINE, "this job serves " + servedLines() + ", not " + modelId);
    }

    @Override
    public void close() {
        for (ServedModel served : reported.values()) {
            metrics.modelRetired(served.modelVersion());
        }
        reported.clear();
        for (ModelHolder line : byKind.values()) {
            line.close();
        }
        byKind.clear();
    }
}
