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
 */
public final class ServedScoreChoice {
    /** Side of the square tiles the tile proxy shuffles. */
    static final int TILE = 7;

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
        return new Choice(best, auroc, heldOut.length + " held-out training images against their pixel- and " + TILE + "x" + TILE
                + "-tile-shuffled copies; no OOD data");
    }
}
