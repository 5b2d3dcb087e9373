package io.energysentinel.trainer.cli;

import ai.djl.ndarray.NDManager;
import io.energysentinel.trainer.baselines.Detector;
import io.energysentinel.trainer.baselines.IsolationForest;
import io.energysentinel.trainer.baselines.KnnDistance;
import io.energysentinel.trainer.baselines.OneClassSvm;
import io.energysentinel.trainer.baselines.ShrinkageGaussian;
import io.energysentinel.trainer.data.EventFiles;
import io.energysentinel.trainer.data.EventTable;
import io.energysentinel.trainer.data.SyntheticEventStream;
import io.energysentinel.trainer.evaluation.EventEvaluation;
import io.energysentinel.trainer.pipeline.EventTraining;
import io.energysentinel.trainer.training.Objective;
import io.energysentinel.trainer.training.TrainingConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Measures the event MLP against baseline detectors on labelled event streams (given, or generated). */
@Command(name = "evaluate-events", mixinStandardHelpOptions = true,
        description = "Event MLP vs Isolation Forest, Ledoit-Wolf Gaussian, k-NN distance and one-class SVM on the same"
                + " splits: AUROC, AUPR, detection at the calibrated threshold, FPR, episodes detected and delay, per kind.")
final class EvaluateEventsCommand implements Callable<Integer> {
    /** Feature sets as typed on the command line. */

    @Option(names = "--data", description = "Labelled event file (.jsonl or .csv with a label column); repeat for"
            + " several streams. Without it, streams are generated (--sources, --events, --anomaly-rate, --stream-seeds).")
    List<Path> data;
    @Option(names = "--sources", defaultValue = "4", description = "Generated: hosts per stream (default ${DEFAULT-VALUE}).")
    int sources;
    @Option(names = "--events", defaultValue = "2000", description = "Generated: events per host (default ${DEFAULT-VALUE}).")
    int events;
    @Option(names = "--anomaly-rate", defaultValue = "0.01", description = "Generated: episode start chance per event (default ${DEFAULT-VALUE}).")
    double anomalyRate;
    @Option(names = "--stream-seeds", defaultValue = "1,2,3", split = ",", description = "Generated: one stream per seed (default ${DEFAULT-VALUE}).")
    List<Long> streamSeeds;
    @Option(names = "--out", required = true, description = "Where evaluation.json, the pictures and each stream's model go.")
    Path out;
    @Option(names = "--train-share", defaultValue = "0.5", description = "Share of each stream, by time, in the train split (default ${DEFAULT-VALUE}).")
    double trainShare;
    @Option(names = "--target-fpr", defaultValue = "0.01", description = "FPR every threshold is calibrated for (default ${DEFAULT-VALUE}).")
    double targetFpr;
    @Option(names = "--features", defaultValue = "temporal", description = EventFeatures.DESCRIPTION)
    EventFeatures features;
    @Option(names = "--hidden", defaultValue = "" + EventTraining.DEFAULT_HIDDEN, description = "MLP hidden width (default ${DEFAULT-VALUE}).")
    int hidden;
    @Option(names = "--steps", defaultValue = "2000", description = "MLP training steps (default ${DEFAULT-VALUE}).")
    long steps;
    @Option(names = "--lr", description = "MLP learning rate (default: EventTraining's, 5e-4).")
    Double learningRate;
    @Option(names = "--seed", defaultValue = "1", description = "Training and baseline seed (default ${DEFAULT-VALUE}).")
    long seed;
    @Option(names = "--sgld-steps", description = "MLP SGLD steps (default: EventTraining's, 10).")
    Integer sgldSteps;
    @Option(names = "--sgld-step-size", description = "MLP SGLD step size in z-score units (default: EventTraining's, 0.1).")
    Double sgldStepSize;
    @Option(names = "--sgld-noise", description = "MLP SGLD noise (default: the trainer's, 0.01).")
    Double sgldNoise;
    @Option(names = "--positive-noise", description = "Noise added to the MLP's positive rows, z-score units (default: the trainer's, 0.005).")
    Double positiveNoise;
    @Option(names = "--objective", defaultValue = "pcd", description = "How the MLP is fitted: pcd, cd, nce or dsm, as train's"
            + " --objective (default ${DEFAULT-VALUE}).")
    TrainingOptions.ObjectiveName objective;
    @Option(names = "--cd", description = "Same as --objective cd: MLP negatives by CD-k from the batch instead of persistent chains.")
    boolean contrastiveDivergence;

    @Override
    public Integer call() {
        List<EventTable> streams = new ArrayList<>();
        if (data != null && !data.isEmpty()) {
            for (Path p : data) {
                streams.add(EventFiles.read(p));
            }
        } else {
            for (long s : streamSeeds) {
                Path file = out.resolve("streams").resolve("stream-seed-" + s + ".jsonl");
                java.io.File parent = file.toAbsolutePath().getParent().toFile();
                if (!parent.isDirectory() && !parent.mkdirs()) {
                    throw new IllegalArgumentException("cannot create " + parent);
                }
                EventFiles.writeJsonLines(new SyntheticEventStream(sources, anomalyRate, 60_000, 1_767_225_600_000L, s)
                        .generate(events), file);
                streams.add(EventFiles.read(file));
            }
        }
        for (EventTable t : streams) {
            if (t.labels().stream().allMatch(String::isEmpty)) {
                throw new IllegalArgumentException(t.name() + " has no labelled anomalies: nothing to measure detection on");
            }
        }
        TrainingConfig.Builder builder = EventTraining.defaults().optSteps(steps).optSeed(seed)
                .optBufferSize(10_000).optPersistent(objective() != Objective.CD);
        if (learningRate != null) {
            builder.optLearningRate(learningRate);
        }
        if (sgldSteps != null) {
            builder.optSgldSteps(sgldSteps);
        }
        if (sgldStepSize != null) {
            builder.optSgldStepSize(sgldStepSize);
        }
        if (sgldNoise != null) {
            builder.optSgldNoise(sgldNoise);
        }
        if (positiveNoise != null) {
            builder.optPositiveNoise(positiveNoise);
        }
        TrainingConfig config = builder.build();
        List<Detector> baselines = List.of(new IsolationForest(seed), new ShrinkageGaussian(), new KnnDistance(5),
                new OneClassSvm(0.05, 3000, seed));
        EventEvaluation.Settings settings = new EventEvaluation.Settings(hidden, config, objective(), trainShare, targetFpr,
                features.withHistory(), baselines);
        try (NDManager manager = NDManager.newBaseManager()) {
            EventEvaluation.Report report = EventEvaluation.run(streams, settings, out, manager);
            print(report);
        }
        System.out.println("-> " + out.resolve("evaluation.json") + ", roc-*.png, energy-over-time.png");
        return 0;
    }

    private Objective objective() {
        return TrainingOptions.objective(objective, contrastiveDivergence);
    }

    static void print(EventEvaluation.Report report) {
        Map<String, Map<String, Map<String, Double>>> summary = report.summary();
        List<String> detectors = new ArrayList<>(summary.keySet());
        List<String> kinds = new ArrayList<>(summary.get(EventEvaluation.ENERGY).keySet());
        System.out.printf("AUROC, mean of %d streams%n%-18s", report.streams().size(), "kind");
        detectors.forEach(d -> System.out.printf(" %20s", d));
        System.out.println();
        for (String kind : kinds) {
            System.out.printf("%-18s", kind);
            for (String d : detectors) {
                Map<String, Double> m = summary.get(d).get(kind);
                System.out.printf(" %20s", m == null ? "-" : String.format("%.4f", m.get("auroc")));
            }
            System.out.println();
        }
        System.out.printf("%nat the calibrated threshold (pooled over streams)%n%-22s %-18s %7s %7s %9s %9s %8s%n",
                "detector", "kind", "AUPR", "events", "detected", "episodes", "delay");
        for (String d : detectors) {
            for (String kind : kinds) {
                Map<String, Double> m = summary.get(d).get(kind);
                System.out.printf("%-22s %-18s %7.4f %7.0f %8.1f%% %8.1f%% %8.1f%n", d, kind, m.get("aupr"), m.get("events"),
                        100 * m.get("detectionRate"), 100 * m.get("episodesDetected"), m.get("medianDelay"));
            }
            System.out.printf("%-22s FPR on normal test events %.4f%n", d, summary.get(d).get(EventEvaluation.OVERALL).get("testFpr"));
        }
    }
}
