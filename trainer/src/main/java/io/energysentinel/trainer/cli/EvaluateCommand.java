package io.energysentinel.trainer.cli;

import ai.djl.ndarray.NDManager;
import io.energysentinel.trainer.data.DataLocator;
import io.energysentinel.trainer.data.FashionMnist;
import io.energysentinel.trainer.data.MnistDigitsJson;
import io.energysentinel.trainer.evaluation.ImageEvaluation;
import io.energysentinel.trainer.evaluation.OodMetrics;
import io.energysentinel.trainer.model.TrainedModel;
import io.energysentinel.trainer.model.TrainedModels;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Evaluates a trained image model's OOD scores and writes JSON and PNGs. */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
        description = "AUROC/AUPR/FPR95 of every score: Fashion-MNIST test vs MNIST, noise, corruptions; JEM accuracy and ECE.")
final class EvaluateCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, description = "Trained model directory (train's OUT/model).")
    Path model;
    @Option(names = "--out", required = true, description = "Where evaluation.json and the pictures go.")
    Path out;
    @Option(names = "--limit", defaultValue = "0", description = "Cap each set; 0 = all (default ${DEFAULT-VALUE}).")
    int limit;

    @Override
    public Integer call() {
        DataLocator locator = DataLocator.fromEnvironment();
        try (NDManager manager = NDManager.newBaseManager()) {
            TrainedModel trained = TrainedModels.load(model, manager);
            ImageEvaluation.Report report = ImageEvaluation.run(trained,
                    FashionMnist.load(locator.requireFashionMnist(), FashionMnist.Split.TEST),
                    MnistDigitsJson.load(locator.requireMnistDigits()), out, limit, manager);
            print(report);
        }
        return 0;
    }

    static void print(ImageEvaluation.Report report) {
        System.out.printf("%-24s %-16s %8s %8s %8s%n", "OOD set", "score", "AUROC", "AUPR", "FPR95");
        for (Map.Entry<String, Map<String, OodMetrics>> set : report.ood().entrySet()) {
            for (Map.Entry<String, OodMetrics> s : set.getValue().entrySet()) {
                System.out.printf("%-24s %-16s %8.4f %8.4f %8.4f%n", set.getKey(), s.getKey(),
                        s.getValue().auroc(), s.getValue().aupr(), s.getValue().fprAt95Tpr());
            }
        }
        report.classifier().forEach((k, v) -> System.out.printf("classifier %-13s %.4f%n", k, v));
        System.out.printf("best Fashion-MNIST->MNIST score: %s (AUROC %.4f)%n", report.bestMnistScore(), report.bestMnistAuroc());
    }
}
