package io.energysentinel.job.retrain;

import static org.assertj.core.api.Assertions.assertThat;

import io.energysentinel.contract.Json;
import io.energysentinel.contract.bundle.BundleLoader;
import io.energysentinel.contract.bundle.ModelBundle;
import io.energysentinel.contract.records.ModelUpdate;
import io.energysentinel.contract.records.UpdateStage;
import io.energysentinel.contract.scoring.ExecutionProvider;
import io.energysentinel.contract.scoring.ScorerOptions;
import io.energysentinel.job.config.ScoringJobConfig;
import io.energysentinel.job.model.ModelEvent;
import io.energysentinel.trainer.data.DataLocator;
import io.energysentinel.trainer.data.FashionMnist;
import io.energysentinel.trainer.data.ImageDataset;
import io.energysentinel.trainer.data.MnistDigitsJson;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13, proof (e): an image line (the shipped JEM demo bundle, anchored) goes through the retraining lifecycle with
 * the job's own parts: fresh Fashion-MNIST test images the serving model admits are fine-tuned on (AsyncRetrainer: anchor,
 * first-model vetting, PCD warm start, candidate written, verified, judged beside the serving model), the candidate is
 * shadow-scored on later test images and the gate promotes it; a candidate from traffic of digits is rejected.
 * Measured numbers go to {@code target/image-retraining/}.
 */
class ImageRetrainingIT {
    private static final String LINE = "fashion-jem-demo";
    /** Fresh images offered to a retraining, as the reservoir would hand them over. */
    private static final int FRESH = 1500;
    /** Later images the candidate is shadow-scored on. */
    private static final int LIVE = 4000;

    @TempDir
    Path dir;
    private Path serving;
    private ScoringJobConfig config;
    private final ScorerOptions options = new ScorerOptions(ExecutionProvider.CPU, 1, 256);

    @BeforeEach
    void servingLine() throws Exception {
        serving = io.energysentinel.job.TestBundlesAccess.demoImageBundle(dir.resolve("v1"));
        config = ScoringJobConfig.fromArgs("--bundle", serving.toString(), "--metrics-port", "0", "--retrain-interval", "PT1M",
                "--retrain-dir", dir.resolve("retrained").toString(),
                "--retrain-steps", System.getProperty("energysentinel.image-retrain.steps", "60"), "--shadow-records", "1000");
    }

    @Test
    void anImageLineIsFineTunedOnFreshImagesShadowScoredAndPromoted() throws Exception {
        ImageDataset test = FashionMnist.load(DataLocator.fromEnvironment().requireFashionMnist(), FashionMnist.Split.TEST);
        float[][] fresh = admitted(Arrays.copyOfRange(test.pixels(), 0, FRESH));
        long start = System.nanoTime();
        RetrainOutcome outcome = new AsyncRetrainer(config).retrain(new RetrainRequest(LINE, serving.toUri().toString(), List.of(), fresh, 5L));
        double trainingSeconds = (System.nanoTime() - start) / 1e9;

        assertThat(outcome.verdict().outcome()).as(outcome.verdict().detail()).isEqualTo(ModelEvent.CANDIDATE);
        assertThat(outcome.verdict().detail()).contains("canary recall").contains("fresh FPR");
        ModelUpdate shadow = outcome.shadow();
        assertThat(shadow.stage()).isEqualTo(UpdateStage.SHADOW);
        Path candidate = Path.of(URI.create(shadow.uri()));

        float[][] live = Arrays.copyOfRange(test.pixels(), FRESH, FRESH + LIVE);
        Map<String, Object> measured = new LinkedHashMap<>();
        try (ModelBundle servingBundle = BundleLoader.load(serving, options);
             ModelBundle candidateBundle = BundleLoader.load(candidate, options, shadow.sha256())) {
            ShadowReplay.Scored servingScores = scored(servingBundle, serving, UpdateStage.SERVE, live);
            ShadowReplay.Scored candidateScores = scored(candidateBundle, candidate, UpdateStage.SHADOW, live);
            ShadowReplay.Result replay = ShadowReplay.replay(GateState.EMPTY, LINE, servingScores, candidateScores, config.retrainPolicy());

            assertThat(replay.verdict()).as("the gate decides within the shadow window").isNotNull();
            assertThat(replay.verdict().outcome()).as(replay.verdict().detail()).isEqualTo(ModelEvent.PROMOTED);
            assertThat(replay.gate().promoted().modelVersion()).isEqualTo(shadow.modelVersion());
            measured.put("trainingSeconds", trainingSeconds);
            measured.put("candidateVerdict", outcome.verdict().detail());
            measured.put("gateVerdict", replay.verdict().detail());
            measured.put("shadowRecords", replay.records());
            measured.put("servingFprOnLive", rate(servingScores));
            measured.put("candidateFprOnLive", rate(candidateScores));
            ImageDataset digits = MnistDigitsJson.load(DataLocator.fromEnvironment().requireMnistDigits());
            // Every fifth digit: the set is ordered by class, and its first 2,000 are all zeros and ones.
            float[][] ood = new float[digits.size() / 5][];
            for (int i = 0; i < ood.length; i++) {
                ood[i] = digits.pixels()[5 * i];
            }
            measured.put("servingMnistDetected", rate(scored(servingBundle, serving, UpdateStage.SERVE, ood)));
            measured.put("candidateMnistDetected", rate(scored(candidateBundle, candidate, UpdateStage.SHADOW, ood)));
        }
        write("promoted.json", measured);
    }

    @Test
    void aCandidateFromTrafficOfDigitsIsRejectedWithTheRuleAndItsNumbers() throws Exception {
        ImageDataset digits = MnistDigitsJson.load(DataLocator.fromEnvironment().requireMnistDigits());
        // Unfiltered traffic of another kind of image entirely: what a reservoir without quarantine and vetting would offer.
        float[][] fresh = Arrays.copyOf(digits.pixels(), FRESH);
        RetrainOutcome outcome;
        try {
            outcome = new AsyncRetrainer(config).retrain(new RetrainRequest(LINE, serving.toUri().toString(), List.of(), fresh, 6L));
        } catch (io.energysentinel.trainer.pipeline.CandidateRefused e) {
            outcome = new RetrainOutcome(new ModelEvent(LINE, "", "", ModelEvent.REJECTED, e.rule(), e.getMessage(), 0), null);
        }
        assertThat(outcome.shadow()).isNull();
        assertThat(outcome.verdict().outcome()).isEqualTo(ModelEvent.REJECTED);
        assertThat(outcome.verdict().reason()).isEqualTo("vetted_out");
        assertThat(outcome.verdict().detail()).contains("first model");
        write("rejected.json", Map.of("verdict", outcome.verdict().reason(), "detail", outcome.verdict().detail()));
    }

    /** The images a serving model judged far enough below its threshold to train on (what CleanSamples keeps). */
    private float[][] admitted(float[][] images) {
        try (ModelBundle bundle = BundleLoader.load(serving, options)) {
            float[] scores = bundle.score(images).column(bundle.manifest().defaultScore().id());
            double ceiling = Math.min(bundle.manifest().anchor().admitCeiling(), bundle.threshold(bundle.manifest().defaultScore()).threshold());
            List<float[]> kept = new ArrayList<>();
            for (int i = 0; i < images.length; i++) {
                if (scores[i] <= ceiling) {
                    kept.add(images[i]);
                }
            }
            return kept.toArray(new float[0][]);
        }
    }

    private static ShadowReplay.Scored scored(ModelBundle bundle, Path at, UpdateStage stage, float[][] images) {
        var score = bundle.manifest().defaultScore();
        return new ShadowReplay.Scored(new ModelUpdate(LINE, bundle.manifest().modelVersion(), at.toUri().toString(),
                bundle.manifest().onnx().sha256(), false, stage), bundle.score(images).column(score.id()), bundle.threshold(score).threshold(),
                bundle.threshold(score).targetFpr());
    }

    private static double rate(ShadowReplay.Scored s) {
        long above = 0;
        for (float score : s.scores()) {
            above += score > s.threshold() ? 1 : 0;
        }
        return above / (double) s.scores().length;
    }

    private static void write(String name, Object value) throws Exception {
        Path out = Path.of("target", "image-retraining");
        Files.createDirectories(out);
        Json.mapper().writeValue(out.resolve(name).toFile(), value);
        System.out.println("image retraining " + name + ": " + Json.mapper().writeValueAsString(value));
    }
}
