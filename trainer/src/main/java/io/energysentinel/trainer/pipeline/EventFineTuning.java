package io.energysentinel.trainer.pipeline;

import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import io.energysentinel.contract.ModelKind;
import io.energysentinel.contract.bundle.BundleLoader;
import io.energysentinel.contract.bundle.BundleManifest;
import io.energysentinel.trainer.model.EnergyNets;
import io.energysentinel.trainer.model.NetworkSpec;
import io.energysentinel.trainer.model.TrainedModel;
import io.energysentinel.trainer.training.TrainingConfig;
import java.nio.file.Path;
import java.util.List;

/**
 * Fine-tunes a serving event model on fresh normal rows, anchored to what its line was first trained on.
 *
 * <p>Starts from the serving bundle's weights (its {@link EventAnchor}), keeps its standardisation, and trains by PCD
 * on the fresh rows together with the anchor's reference training rows, fresh rows never more than a third: a drift
 * that crept into the fresh data can pull the model only part of the way, and never away from the reference. The
 * held-out sets stay the reference's, which no serving model filtered, so the threshold calibrated on them means the
 * same false-positive rate in every version. A fifth of the fresh rows is held out too, for the candidate's check on
 * current traffic. Settings come from the serving bundle's provenance; only the step budget and seed are the job's.
 */
public final class EventFineTuning {
    private EventFineTuning() {}

    /**
     * A fine-tuned candidate.
     *
     * @param result what training produced, held-out sets the reference's
     * @param config the settings used (the serving bundle's, with the job's budget and seed)
     * @param freshCheck fresh rows held out from training
     * @param freshUsed fresh rows trained on
     * @param vettedOut fresh rows the line's first model kept out
     */
    public record FineTuned(EventTraining.Result result, TrainingConfig config, float[][] freshCheck, int freshUsed, int vettedOut) {}

    /**
     * Fine-tunes the model of the bundle in {@code servingBundle} on {@code fresh} rows.
     *
     * @param steps PCD steps
     * @throws IllegalArgumentException when the bundle carries no valid anchor or too few fresh rows are given
     */
    public static FineTuned fineTune(Path servingBundle, float[][] fresh, long steps, long seed, Path outDir, NDManager manager) {
        BundleManifest manifest = BundleLoader.readManifest(servingBundle);
        if (manifest.kind() != ModelKind.MLP_EBM) {
            throw new IllegalArgumentException("only event (MLP) lines fine-tune here; " + manifest.modelId() + " is a " + manifest.kind());
        }
        EventAnchor.Loaded anchor = EventAnchor.read(servingBundle, manager);
        TrainingConfig config = TrainingConfig.fromMap(manifest.training().config(), EventTraining.defaults())
                .withBudget(steps, java.time.Duration.ZERO).withSeed(seed);
        FreshRows freshRows = FreshRows.of(fresh, anchor.firstModel(), manifest, anchor.reference().train().length, seed);
        float[][] rows = freshRows.after(anchor.reference().train());
        float[][] freshCheck = freshRows.check();
        if (rows.length < config.batchSize() || freshCheck.length < 20) {
            throw new IllegalArgumentException("fine-tuning needs at least " + config.batchSize() + " rows and 20 fresh rows held out; got "
                    + rows.length + " and " + freshCheck.length);
        }
        NetworkSpec full = anchor.model().spec();
        TrainedModel inner = warmStart(anchor.model(), full, manager, seed);
        // The threshold is the quantile of all the reference's held-out rows (no serving model filtered them; twice the rows,
        // half the variance); the FPR reached is measured on the fresh held-out slice, today's traffic.
        EventTraining.Result result = EventTraining.fit(full, inner, rows, anchor.reference(), anchor.reference().heldOut(), freshCheck,
                new EventAnchor.FirstModel(anchor.firstModel(), anchor.anchor().firstCeiling(), anchor.anchor().canaryRecall()), config,
                manifest.input().history(), outDir, manager, false);
        return new FineTuned(result, config, freshCheck, freshRows.train().length, freshRows.vettedOut());
    }

    /** The trainable layers of {@code serving}, as a model of their own holding copies of its weights. */
    static TrainedModel warmStart(TrainedModel serving, NetworkSpec full, NDManager manager, long seed) {
        TrainedModel inner = EnergyNets.initialise(ModelKind.MLP_EBM, EventTraining.innerSpec(full), manager, seed);
        List<Pair<String, Parameter>> from = serving.block().getParameters().values().stream()
                .map(p -> new Pair<>(p.getName(), p)).toList();
        List<Parameter> to = inner.block().getParameters().values();
        if (from.size() != to.size()) {
            throw new IllegalStateException("serving model has " + from.size() + " parameter arrays, its trainable part " + to.size());
        }
        for (int i = 0; i < to.size(); i++) {
            Parameter source = from.get(i).getValue();
            Parameter target = to.get(i);
            if (!source.getArray().getShape().equals(target.getArray().getShape())) {
                throw new IllegalStateException("parameter " + i + " has shape " + source.getArray().getShape() + " in the serving model, "
                        + target.getArray().getShape() + " here");
            }
            target.getArray().set(source.getArray().toFloatArray());
        }
        return inner;
    }
}
