package io.energysentinel.trainer.cli;

import ai.djl.ndarray.NDManager;
import io.energysentinel.contract.ModelKind;
import io.energysentinel.contract.bundle.BundleManifest;
import io.energysentinel.trainer.data.DataLocator;
import io.energysentinel.trainer.data.EventFiles;
import io.energysentinel.trainer.data.EventTable;
import io.energysentinel.trainer.data.FashionMnist;
import io.energysentinel.trainer.data.ImageDataset;
import io.energysentinel.trainer.data.MnistDigitsJson;
import io.energysentinel.trainer.evaluation.ImageEvaluation;
import io.energysentinel.trainer.export.BundleRequest;
import io.energysentinel.trainer.export.BundleWriter;
import io.energysentinel.trainer.export.Provenance;
import io.energysentinel.trainer.pipeline.EventTraining;
import io.energysentinel.trainer.pipeline.ImageAnchor;
import io.energysentinel.trainer.scores.ServedScoreChoice;
import io.energysentinel.trainer.pipeline.ImageTraining;
import io.energysentinel.trainer.pipeline.ImageTrainingPlan;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import io.energysentinel.trainer.training.TrainingConfig;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Trains a model: {@code conv} or {@code jem} on Fashion-MNIST, {@code mlp} on an event file. */
@Command(name = "train", mixinStandardHelpOptions = true, description = "Trains an energy model with PCD, CD-k or NCE (--objective).")
final class TrainCommand implements Callable<Integer> {
    /** Share of a JEM's budget spent as a plain classifier first: enough for its accuracy to level off. */
    private static final double DEFAULT_JEM_WARMUP = 0.25;

    /** Model kinds as typed on the command line. */
    enum Kind { conv, jem, mlp }

    @Option(names = "--kind", defaultValue = "jem", description = "conv, jem or mlp (default ${DEFAULT-VALUE}); mlp trains"
            + " with the event settings (SGLD: 10 steps of 0.1, no gradient clamp; Adam at 5e-4) unless --sgld-* or --lr say otherwise.")
    Kind kind;
    @Option(names = "--data", description = "Fashion-MNIST directory (conv/jem; default: found by the data locator) or event file, .jsonl or .csv (mlp).")
    Path data;
    @Option(names = "--out", required = true, description = "Output directory (model, training.json, pictures).")
    Path out;
    @Option(names = "--channels", defaultValue = "32,64,128", split = ",", description = "Conv filters per stage (default ${DEFAULT-VALUE}).")
    List<Integer> channels;
    @Option(names = "--hidden", defaultValue = "128", description = "JEM feature width / MLP hidden width (default ${DEFAULT-VALUE}).")
    int hidden;
    @Option(names = "--background-share", defaultValue = "0.25", description = "Budget share of the background model for energy_ratio; 0 = none (default ${DEFAULT-VALUE}).")
    double backgroundShare;
    @Option(names = "--classifier-warmup", description = "JEM: budget share of the main model trained on cross-entropy"
            + " alone before the joint phase (default 0.25 for jem; conv has none).")
    Double classifierWarmup;
    @Option(names = "--feature-energy-steps", defaultValue = "0", description = "JEM: after training, fit an energy model"
            + " to the classifier's features for this many PCD steps and serve its energy as feature_energy ("
            + io.energysentinel.trainer.pipeline.FeatureEnergyFit.STEPS + " take about a minute on 2 cores; 0 = none, default"
            + " ${DEFAULT-VALUE}).")
    long featureEnergySteps;
    @Option(names = "--perturb-rate", defaultValue = "0.2", description = "Pixel replacement rate for the background model (default ${DEFAULT-VALUE}).")
    double perturbRate;
    @Option(names = "--validation", defaultValue = "5000", description = "Training images held out for calibration (default ${DEFAULT-VALUE}).")
    int validation;
    @Option(names = "--train-limit", defaultValue = "0", description = "Use at most this many training images; 0 = all (default ${DEFAULT-VALUE}).")
    int trainLimit;
    @Option(names = "--evaluate", description = "Evaluate on Fashion-MNIST test vs MNIST, noise and corruptions afterwards.")
    boolean evaluate;
    @Option(names = "--eval-limit", defaultValue = "0", description = "Cap each evaluation set; 0 = all (default ${DEFAULT-VALUE}).")
    int evalLimit;
    @Option(names = "--bundle", description = "Also write a verified model bundle (ONNX + manifest + golden vectors) here.")
    Path bundle;
    @Option(names = "--model-id", description = "Bundle model id (default fashion-<kind> or events-mlp).")
    String modelId;
    @Option(names = "--model-version", description = "Bundle version (default: UTC timestamp).")
    String modelVersion;
    @Option(names = "--target-fpr", defaultValue = "0.01", description = "False-positive rate thresholds are calibrated for (default ${DEFAULT-VALUE}).")
    double targetFpr;
    @Option(names = "--features", defaultValue = "temporal", description = "mlp: " + EventFeatures.DESCRIPTION)
    EventFeatures features;
    @Option(names = "--no-progress", description = "No progress bar (for logs).")
    boolean noProgress;
    @Mixin
    TrainingOptions training;

    @Spec
    CommandSpec spec;

    /** The command line as a user would type it again, recorded in the bundle's provenance. */
    private String commandLine() {
        List<String> args = new java.util.ArrayList<>(spec.commandLine().getParseResult().originalArgs());
        if (args.isEmpty() || !args.get(0).equals("train")) {
            args.add(0, "train");
        }
        return "scripts/trainer.sh " + String.join(" ", args);
    }

    /**
     * Event tables shorter than this get a note: on the synthetic benchmark a train split of hours of the day made 2.5% of
     * the normal test events false alarms at a 1% threshold, one of a whole day 0.9% (README, Event detection).
     */
    private static final java.time.Duration DAILY_CYCLE = java.time.Duration.ofDays(1);

    @Override
    public Integer call() {
        try (NDManager manager = NDManager.newBaseManager()) {
            if (kind == Kind.mlp) {
                if (data == null) {
                    System.err.println("--kind mlp needs --data EVENTS.jsonl|.csv (see generate-events)");
                    return 2;
                }
                if (featureEnergySteps != 0) {
                    System.err.println("--feature-energy-steps is for --kind jem: an event model has no classifier features");
                    return 2;
                }
                useEventDefaults();
                EventTable table = EventFiles.read(data);
                table.span().filter(span -> span.compareTo(DAILY_CYCLE) < 0).ifPresent(span -> System.out.printf(
                        "note: the events span %.1f h, less than a day: metrics that follow the time of day will raise false "
                        + "alarms at hours the model never saw (train on a day or more)%n", span.toMinutes() / 60.0));
                EventTraining.Result r = EventTraining.run(table, hidden, training.toConfig(-6f, 6f), training.objective(),
                        features.withHistory(), out, manager, !noProgress);
                System.out.printf("trained MLP on %d normal events in %.0f s -> %s%n", r.trainingRows(), r.seconds(), r.modelDir());
                if (bundle != null) {
                    BundleManifest m = EventTraining.writeBundle(r, id("events-mlp"), version(), targetFpr,
                            training.toConfig(-6f, 6f), bundle, manager, commandLine());
                    printBundle(m, bundle);
                }
                return 0;
            }
            double warmup = classifierWarmup != null ? classifierWarmup : kind == Kind.jem ? DEFAULT_JEM_WARMUP : 0;
            // The plan checks the settings before any data is read.
            ImageTrainingPlan plan = new ImageTrainingPlan(kind == Kind.jem ? ModelKind.JEM : ModelKind.CONV_EBM,
                    channels, hidden, training.toConfig(0f, 1f), backgroundShare, warmup, perturbRate, validation, trainLimit,
                    training.objective(), featureEnergySteps);
            DataLocator locator = DataLocator.fromEnvironment();
            Path fashion = data != null ? data : locator.requireFashionMnist();
            ImageDataset train = FashionMnist.load(fashion, FashionMnist.Split.TRAIN);
            ImageTraining.Result result = ImageTraining.run(train, plan, out, manager, !noProgress);
            System.out.printf("trained %s in %.0f s -> %s%n", plan.kind(), (Double) result.summary().get("seconds"), result.modelDir());
            ImageTraining.Split split = result.split();
            // The served score is chosen on proxies of the held-out training images, never on OOD data: MNIST and the
            // other evaluation sets stay tests.
            ServedScoreChoice.Choice choice = ServedScoreChoice.choose(result.model(), split.calibration(), split.fit().rows(),
                    training.seed, manager);
            System.out.printf("served score %s, chosen on %s%n", choice.score().id(), choice.chosenOn());
            Map<String, Double> metrics = new java.util.LinkedHashMap<>();
            choice.proxyAuroc().forEach((set, byScore) -> byScore.forEach((score, auroc) ->
                    metrics.put("proxy." + set + "." + score + ".auroc", auroc)));
            if (evaluate) {
                ImageEvaluation.Report report = ImageEvaluation.run(result.model(),
                        FashionMnist.load(fashion, FashionMnist.Split.TEST),
                        MnistDigitsJson.load(locator.requireMnistDigits()), out, evalLimit,
                        new ImageEvaluation.OperatingPoint(ImageEvaluation.thresholds(result.model(), split.calibration(), targetFpr, manager),
                                choice.score().id(), choice.chosenOn()), manager);
                EvaluateCommand.print(report);
                metrics.putAll(report.flat());
            }
            if (bundle != null) {
                BundleManifest m = BundleWriter.write(new BundleRequest(result.model(),
                        id("fashion-" + plan.kind().name().toLowerCase().replace('_', '-')), version(),
                        split.calibration(), split.check(), targetFpr, metrics,
                        Provenance.of(result.trainingData().fingerprint(), result.trainingData().name(), training.seed,
                                result.stepsTaken(), plan.config().asMap()).withCommand(commandLine()),
                        List.of(), 0, 1, choice.score()), bundle, manager);
                // The anchor makes the line retrainable by the job: weights, labelled reference images, held-out images.
                m = ImageAnchor.attach(bundle, m, result.model(), ImageAnchor.Reference.sample(split.fit(), split.calibration(),
                        split.check(), training.seed), split.calibration(), targetFpr, null);
                printBundle(m, bundle);
            }
            return 0;
        }
    }

    /**
     * The event MLP's SGLD settings and learning rate ({@link EventTraining#defaults()}: steps in z-score units, no
     * per-step gradient clamp, Adam at 5e-4) wherever the command line does not set them; the mixin's defaults are the
     * image models'.
     */
    private void useEventDefaults() {
        TrainingConfig event = EventTraining.defaults().build();
        CommandLine.ParseResult parsed = spec.commandLine().getParseResult();
        if (!parsed.hasMatchedOption("--sgld-steps")) {
            training.sgldSteps = event.sgldSteps();
        }
        if (!parsed.hasMatchedOption("--sgld-step-size")) {
            training.sgldStepSize = event.sgldStepSize();
        }
        if (!parsed.hasMatchedOption("--sgld-grad-clamp")) {
            training.sgldGradClamp = event.sgldGradClamp();
        }
        if (!parsed.hasMatchedOption("--lr")) {
            training.learningRate = event.learningRate();
        }
    }

    private String id(String fallback) {
        return modelId != null ? modelId : fallback;
    }

    private String version() {
        return modelVersion != null ? modelVersion
                : DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").format(ZonedDateTime.now(ZoneOffset.UTC));
    }

    private static void printBundle(BundleManifest m, Path dir) {
        System.out.printf("bundle %s/%s -> %s (default score %s, threshold %.4f, FPR on second held-out set %.4f)%n",
                m.modelId(), m.modelVersion(), dir, m.defaultScore().id(), m.scores().get(m.defaultScore()).threshold(),
                m.scores().get(m.defaultScore()).achievedFpr());
    }
}
