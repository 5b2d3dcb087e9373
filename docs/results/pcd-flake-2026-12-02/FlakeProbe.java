import ai.djl.ndarray.NDManager;
import io.energysentinel.contract.ModelKind;
import io.energysentinel.trainer.model.EnergyNets;
import io.energysentinel.trainer.model.TrainedModel;
import io.energysentinel.trainer.training.*;
import java.util.List;
import java.util.Random;

public class FlakeProbe {
    public static void main(String[] a) {
        int reps = Integer.parseInt(a[0]);
        int bad = 0;
        for (int rep = 0; rep < reps; rep++) {
            try (NDManager m = NDManager.newBaseManager()) {
                TrainingData data = data(64);
                List<List<Double>> s = EnergyNets.standardization(data.inputs());
                TrainedModel model = EnergyNets.initialise(ModelKind.MLP_EBM, EnergyNets.mlp(s.get(0), s.get(1), -6, 6, List.of(16, 16)), m, 5);
                TrainingConfig config = TrainingConfig.builder().optSteps(6).optBatchSize(8).optBufferSize(64).optSgldSteps(3)
                        .optLearningRate(1e-3).optSeed(17).build();
                try (PcdTrainer trainer = new PcdTrainer(model, data, config, m, DivergenceGuard.defaults())) {
                    for (int st = 0; st < 6; st++) {
                        StepStats x = trainer.trainStep();
                        String d = DivergenceGuard.defaults().diagnose(x);
                        if (d != null) { bad++; System.out.println("REP " + rep + " " + d + " " + x); }
                    }
                }
            }
        }
        System.out.println("BAD " + bad + " of " + reps);
    }

    static TrainingData data(int n) {
        Random random = new Random(4);
        float[][] x = new float[n][5];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = i % 3;
            for (int j = 0; j < 5; j++) x[i][j] = (float) (random.nextGaussian() * 3 + 10);
        }
        return new TrainingData("synthetic", x, labels, List.of(5));
    }
}
