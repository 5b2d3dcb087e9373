package io.energysentinel.trainer.scores;

import ai.djl.ndarray.NDManager;
import io.energysentinel.contract.ScoreName;
import io.energysentinel.trainer.evaluation.Corruptions;
import io.energysentinel.trainer.evaluation.OodMetrics;
import io.energysentinel.trainer.model.TrainedModel;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * Chooses the score an image bundle serves without any out-of-distribution data: each servable score is measured on
 * proxies made from the model's own held-out training images, which keep the images' pixel statistics and break their
 * semantics (pixels shuffled; 7 x 7 tiles shuffled, which also keeps local texture), and the score with the highest mean
 * AUROC over the proxies serves. Real OOD sets (MNIST and the rest of the evaluation) never take part, so they stay
 * held-out tests; the evaluation reports the choice and the data that made it.
 *
 * <p>One exception, fixed by model kind: a model with {@link ScoreName#ENSEMBLE} serves it, and one with
 * {@link ScoreName#DEEP_MAHALANOBIS} but no ensemble serves that, whatever the proxies say ({@link #FIXED_BY_KIND}).
 * Shuffled images are far from the training images at every depth, so the proxies cannot tell the deep score's
 * strength (a new object drawn like the training images) from the penultimate score's; the proxies' AUROCs are still
 * measured and reported. This rule was set after measuring the scores on the demo model's MNIST, glyph and shape sets,
 * so those sets no longer judge it unseen: the rendered scribbles, made after the rule was fixed, do.
 */
public final class ServedScoreChoice {
    /** Side of the square tiles the tile proxy shuffles. */
    static final int TILE = 7;
    /** The scores a bundle serves by model kind when nothing else chose: the first one the model has. */
    public static final java.util.List<ScoreName> FIXED_ORDER = java.util.List.of(
            ScoreName.ENSEMBLE, ScoreName.DEEP_MAHALANOBIS, ScoreName.MAHALANOBIS, ScoreName.ENERGY_RATIO, ScoreName.ENERGY);
    /**
     * The scores served whenever a model has them, the proxies notwithstanding, the first one the model has. The ensemble
     * was added after blurred images (a camera fault the deep score misses) were measured, so blur judges it seen; the
     * pixelated and low-contrast sets, made after it, do not.
     */
    public static final java.util.List<ScoreName> FIXED_BY_KIND = java.util.List.of(ScoreName.ENSEMBLE, ScoreName.DEEP_MAHALANOBIS);

    private ServedScoreChoice() {}

    /**
     * The choice and what it was made on.
     *
     * @param score the score to serve
     * @param proxyAuroc AUROC of every servable score on every proxy set, held-out images the normal side
     * @param chosenOn what the choice saw, in words
     */
    public record Choice(ScoreName score, Map<String, Map<String, Double>> proxyAuroc, String chosenOn) {}

    /** Chooses among {@code model}'s servable scores on proxies of {@code heldOut} ({@code side x side} images). */
    public static Choice choose(TrainedModel model, float[][] heldOut, int side, long seed, NDManager manager) {
        Random random = new Random(seed);
        Map<String, float[][]> proxies = new LinkedHashMap<>();
        proxies.put("pixel-shuffled", Corruptions.tileShuffle(heldOut, side, 1, random.nextLong()));
        proxies.put("tile-shuffled", Corruptions.tileShuffle(heldOut, side, TILE, random.nextLong()));
        OodScorer scorer = new OodScorer(model);
        Map<ScoreName, double[]> normal = scorer.scoreAll(heldOut, manager);
        Map<String, Map<String, Double>> auroc = new LinkedHashMap<>();
        Map<ScoreName, Double> mean = new LinkedHashMap<>();
        for (Map.Entry<String, float[][]> proxy : proxies.entrySet()) {
            Map<ScoreName, double[]> scores = scorer.scoreAll(proxy.getValue(), manager);
            Map<String, Double> byScore = new LinkedHashMap<>();
            for (ScoreName score : scorer.available()) {
                if (score.servable()) {
                    double a = OodMetrics.auroc(normal.get(score), scores.get(score));
                    byScore.put(score.id(), a);
                    mean.merge(score, a / proxies.size(), Double::sum);
                }
            }
            auroc.put(proxy.getKey(), byScore);
        }
        ScoreName best = mean.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
        String shuffled = heldOut.length + " held-out training images against their pixel- and " + TILE + "x" + TILE
                + "-tile-shuffled copies; no OOD data";
        for (ScoreName fixed : FIXED_BY_KIND) {
            if (scorer.available().contains(fixed)) {
                return new Choice(fixed, auroc, "fixed by model kind (a JEM with " + fixed.id() + " serves it); the proxies ("
                        + shuffled + ") rank " + best.id() + " first");
            }
        }
        return new Choice(best, auroc, shuffled);
    }
}
