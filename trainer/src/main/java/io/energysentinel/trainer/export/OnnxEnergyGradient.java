package io.energysentinel.trainer.export;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.energysentinel.contract.TensorNames;
import io.energysentinel.contract.scoring.ExecutionProvider;
import io.energysentinel.contract.scoring.ModelOutputs;
import io.energysentinel.contract.scoring.OnnxScorer;
import io.energysentinel.contract.scoring.ScorerOptions;
import io.energysentinel.trainer.model.TrainedModel;
import io.energysentinel.trainer.training.DifferentiableEnergy;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A model's energy and input gradient computed by ONNX Runtime from its exported gradient graph
 * ({@link OnnxExporter#gradientProto}), for samplers: the weights are those of the model when this was made (a sampler
 * between parameter updates, or on a trained model), not live ones.
 */
public final class OnnxEnergyGradient implements DifferentiableEnergy, AutoCloseable {
    private final OnnxScorer scorer;
    private final int itemSize;

    private OnnxEnergyGradient(OnnxScorer scorer, int itemSize) {
        this.scorer = scorer;
        this.itemSize = itemSize;
    }

    /** Exports {@code model}'s gradient graph into {@code dir} and opens it with {@code threads} intra-op threads. */
    public static OnnxEnergyGradient of(TrainedModel model, Path dir, int threads, int maxBatch) {
        Path file = dir.resolve("energy-gradient.onnx");
        try {
            Files.createDirectories(dir);
            try (OutputStream out = Files.newOutputStream(file)) {
                OnnxExporter.gradientProto(model).writeTo(out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
        return new OnnxEnergyGradient(OnnxScorer.open(file, model.spec().inputShape(),
                new ScorerOptions(ExecutionProvider.CPU, threads, maxBatch)), model.spec().inputSize());
    }

    @Override
    public Evaluation evaluate(NDArray x) {
        float[] flat = x.toFloatArray();
        int batch = flat.length / itemSize;
        float[][] rows = new float[batch][itemSize];
        for (int i = 0; i < batch; i++) {
            System.arraycopy(flat, i * itemSize, rows[i], 0, itemSize);
        }
        ModelOutputs out = scorer.score(rows);
        float[][] gradient = out.rows(OnnxExporter.ENERGY_GRADIENT);
        float[] gradFlat = new float[flat.length];
        for (int i = 0; i < batch; i++) {
            System.arraycopy(gradient[i], 0, gradFlat, i * itemSize, itemSize);
        }
        NDManager manager = x.getManager();
        return new Evaluation(manager.create(out.column(TensorNames.ENERGY)), manager.create(gradFlat, x.getShape()));
    }

    @Override
    public void close() {
        scorer.close();
    }
}
