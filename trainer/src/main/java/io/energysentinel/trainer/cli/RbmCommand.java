package io.energysentinel.trainer.cli;

import io.energysentinel.trainer.data.DataLocator;
import io.energysentinel.trainer.data.FashionMnist;
import io.energysentinel.trainer.data.ImageDataset;
import io.energysentinel.trainer.rbm.AnnealedImportanceSampling;
import io.energysentinel.trainer.rbm.CdTrainer;
import io.energysentinel.trainer.rbm.Rbm;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Trains a Bernoulli RBM by CD-1 on binarised Fashion-MNIST and estimates its test log-likelihood by annealed
 * importance sampling, against the exact log-likelihood of the base-rate model (independent pixels).
 */
@Command(name = "rbm", mixinStandardHelpOptions = true,
        description = "CD-1 RBM on binarised Fashion-MNIST; test log-likelihood by AIS against the base-rate model.")
final class RbmCommand implements Callable<Integer> {
    @Option(names = "--data", description = "Fashion-MNIST directory (default: found by the data locator).")
    Path data;
    @Option(names = "--hidden", defaultValue = "64", description = "Hidden units (default ${DEFAULT-VALUE}).")
    int hidden;
    @Option(names = "--epochs", defaultValue = "10", description = "CD-1 epochs (default ${DEFAULT-VALUE}).")
    int epochs;
    @Option(names = "--batch", defaultValue = "20", description = "Batch size (default ${DEFAULT-VALUE}).")
    int batch;
    @Option(names = "--lr", defaultValue = "0.05", description = "Learning rate (default ${DEFAULT-VALUE}).")
    double learningRate;
    @Option(names = "--train-limit", defaultValue = "10000", description = "Training images used; 0 = all 60,000 (default ${DEFAULT-VALUE}).")
    int trainLimit;
    @Option(names = "--test-limit", defaultValue = "2000", description = "Test images scored; 0 = all 10,000 (default ${DEFAULT-VALUE}).")
    int testLimit;
    @Option(names = "--ais-betas", defaultValue = "3000", description = "AIS intermediate distributions (default ${DEFAULT-VALUE}).")
    int betas;
    @Option(names = "--ais-runs", defaultValue = "100", description = "AIS runs (default ${DEFAULT-VALUE}).")
    int runs;
    @Option(names = "--seed", defaultValue = "1", description = "Random seed (default ${DEFAULT-VALUE}).")
    long seed;
    @Option(names = "--no-progress", description = "No progress bar (for logs).")
    boolean noProgress;

    @Override
    public Integer call() {
        if (hidden < 1 || epochs < 1 || batch < 1 || !(learningRate > 0) || trainLimit < 0 || testLimit < 0 || betas < 1 || runs < 2) {
            throw new IllegalArgumentException("--hidden, --epochs, --batch, --ais-betas >= 1, --lr > 0, --ais-runs >= 2 and"
                    + " non-negative limits required");
        }
        Path fashion = data != null ? data : DataLocator.fromEnvironment().requireFashionMnist();
        ImageDataset train = FashionMnist.load(fashion, FashionMnist.Split.TRAIN);
        ImageDataset test = FashionMnist.load(fashion, FashionMnist.Split.TEST);
        double[][] rows = CdTrainer.binarise(trainLimit == 0 ? train.pixels() : Arrays.copyOf(train.pixels(), Math.min(trainLimit, train.size())));
        double[][] held = CdTrainer.binarise(testLimit == 0 ? test.pixels() : Arrays.copyOf(test.pixels(), Math.min(testLimit, test.size())));
        long start = System.nanoTime();
        Rbm rbm;
        try (ProgressBar bar = noProgress ? null : new ProgressBarBuilder().setTaskName("rbm").setInitialMax(epochs)
                .setUnit(" epochs", 1).setStyle(ProgressBarStyle.ASCII).build()) {
            rbm = new CdTrainer(epochs, batch, learningRate, 1e-4).train(rows, hidden, new Random(seed), e -> {
                if (bar != null) {
                    bar.stepTo(e);
                }
            });
        }
        double trainSeconds = (System.nanoTime() - start) / 1e9;
        double[] base = CdTrainer.logOdds(rows);
        long aisStart = System.nanoTime();
        AnnealedImportanceSampling.Estimate ais = new AnnealedImportanceSampling(betas, runs).logZ(rbm, base, new Random(seed + 1));
        double aisSeconds = (System.nanoTime() - aisStart) / 1e9;
        System.out.printf("RBM 784x%d, CD-1, %d epochs on %d images in %.0f s%n", hidden, epochs, rows.length, trainSeconds);
        System.out.printf("AIS (%d betas, %d runs, %.0f s): log Z %.2f, 3-se interval %.2f to %.2f%n", betas, runs, aisSeconds,
                ais.logZ(), ais.lower(), ais.upper());
        System.out.printf("test log-likelihood on %d images: %.2f nats (base-rate model, exact: %.2f)%n", held.length,
                CdTrainer.logLikelihood(rbm, held, ais.logZ()), CdTrainer.baseRateLogLikelihood(held, base));
        return 0;
    }
}
