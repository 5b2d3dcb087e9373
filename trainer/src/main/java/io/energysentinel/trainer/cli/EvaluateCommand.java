package io.energysentinel.trainer.cli;

import ai.djl.ndarray.NDManager;
import io.energysentinel.contract.ScoreName;
import io.energysentinel.contract.bundle.BundleLoader;
import io.energysentinel.contract.bundle.BundleManifest;
import io.energysentinel.trainer.data.DataLocator;
import io.energysentinel.trainer.data.FashionMnist;
import io.energysentinel.trainer.data.MnistDigitsJson;
import io.energysentinel.trainer.evaluation.ImageEvaluation;
import io.energysentinel.trainer.evaluation.OodMetrics;
import io.energysentinel.trainer.model.TrainedModel;
import io.energysentinel.trainer.model.TrainedModels;
import io.energysentinel.trainer.scores.ServedScoreChoice;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Evaluates a trained image model's OOD scores and writes JSON and PNGs. */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
        description = "AUROC/AUPR/FPR95 (and with --bundle the detection at its thresholds) of every score: Fashion-MNIST test vs "
                + "MNIST, rendered glyphs and shapes, noise, corruptions; JEM accuracy and ECE.")
final class EvaluateCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, description = "Trained model directory (train's OUT/model).")
    Path model;
    @Option(names = "--out", required = true, description = "Where evaluation.json and the pictures go.")
    Path out;
    @Option(names = "--limit", defaultValue = "0", description = "Cap each set; 0 = all (default ${DEFAULT-VALUE}).")
    int limit;
    @Option(names = "--bundle", description = "The bundle exported from the model: detection rates at its thresholds, its served score.")
    Path bundle;

    @Override
    public Integer call() {
        DataLocator locator = DataLocator.fromEnvironment();
        try (NDManager manager = NDManager.newBaseManager()) {
            TrainedModel trained = TrainedModels.load(model, manager);
            ImageEvaluation.OperatingPoint operatingPoint = null;
            if (bundle != null) {
                BundleManifest manifest = BundleLoader.readManifest(bundle);
                Map<ScoreName, Double> thresholds = new java.util.EnumMap<>(ScoreName.class);
                manifest.scores().forEach((score, threshold) -> thresholds.put(score, threshold.threshold()));
                operatingPoint = new ImageEvaluation.OperatingPoint(thresholds, manifest.defaultScore().id(),
                        ServedScoreChoice.FIXED_BY_KIND.contains(manifest.defaultScore())
                                ? "fixed by model kind (" + manifest.defaultScore().id() + "); no OOD data"
                                : manifest.metrics().keySet().stream().anyMatch(k -> k.startsWith("proxy."))
                                ? "proxies of held-out training images (the bundle's proxy.* metrics); no OOD data"
                                : "the trainer's fixed order by model kind (" + ServedScoreChoice.FIXED_ORDER.stream()
                                        .map(ScoreName::id).collect(java.util.stream.Collectors.joining(", ")) + "); no OOD data");
            }
            ImageEvaluation.Report report = ImageEvaluation.run(trained,
                    FashionMnist.load(locator.requireFashionMnist(), FashionMnist.Split.TEST),
                    MnistDigitsJson.load(locator.requireMnistDigits()), out, limit, operatingPoint, manager);
            print(report);
        }
        return 0;
    }

    static void print(ImageEvaluation.Report report) {
        System.out.printf("%-24s %-16s %8s %8s %8s %10s%n", "OOD set", "score", "AUROC", "AUPR", "FPR95", "detected");
        for (Map.Entry<String, Map<String, OodMetrics>> set : report.ood().entrySet()) {
            for (Map.Entry<String, OodMetrics> s : set.getValue().entrySet()) {
                Double detected = report.detectedAtThreshold().getOrDefault(set.getKey(), Map.of()).get(s.getKey());
                System.out.printf("%-24s %-16s %8.4f %8.4f %8.4f %10s%n", set.getKey(), s.getKey(),
                        s.getValue().auroc(), s.getValue().aupr(), s.getValue().fprAt95Tpr(),
                        detected == null ? "-" : String.format("%.4f", detected));
            }
        }
        report.testFprAtThreshold().forEach((score, fpr) -> System.out.printf("test FPR at the threshold, %-16s %.4f%n", score, fpr));
        report.classifier().forEach((k, v) -> System.out.printf("classifier %-13s %.4f%n", k, v));
        if (report.servedScore() != null) {
            System.out.printf("served score: %s, chosen on %s%n", report.servedScore(), report.servedScoreChosenOn());
        }
        System.out.printf("best MNIST AUROC after the fact (never used to choose): %s (%.4f)%n", report.bestMnistScore(),
                report.bestMnistAuroc());
    }
}
