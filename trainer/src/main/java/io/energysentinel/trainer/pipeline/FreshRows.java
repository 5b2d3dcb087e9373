package io.energysentinel.trainer.pipeline;

import io.energysentinel.contract.bundle.BundleManifest;
import io.energysentinel.contract.bundle.RetrainingAnchor;
import io.energysentinel.contract.scoring.OnnxScorer;
import io.energysentinel.contract.scoring.ScorerOptions;
import io.energysentinel.trainer.data.Splits;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The fresh inputs a fine-tuning takes from live traffic, whatever the line's kind: those the line's first model
 * admits, a fifth of them held out to check the candidate on current traffic, the rest capped at a third of the
 * training set (the reference is the other two thirds).
 *
 * @param train fresh inputs to train on
 * @param check fresh inputs held out from training
 * @param vettedOut fresh inputs the line's first model kept out
 */
record FreshRows(float[][] train, float[][] check, int vettedOut) {
    /**
     * Largest share of fresh inputs in a fine-tuning's training set; the rest is the reference. A third: whatever crept
     * into the fresh data moves the model a third of the way at most, each version starting from the reference again.
     */
    static final double MAX_FRESH_SHARE = 1.0 / 3;
    /** Fewest fresh inputs a fine-tuning takes after vetting: a fifth of them checks the FPR, on at least 20. */
    static final int MIN_FRESH_ROWS = 100;
    /** Share of the fresh inputs held out to check the candidate's false-positive rate on current traffic. */
    static final double FRESH_HELD_OUT = 0.2;

    /**
     * Vets, splits and caps {@code fresh} for a fine-tuning beside {@code referenceRows} reference inputs.
     *
     * @throws CandidateRefused ({@code vetted_out}) when too few fresh inputs pass the line's first model
     */
    static FreshRows of(float[][] fresh, Path firstModel, BundleManifest manifest, int referenceRows, long seed) {
        int offered = fresh.length;
        RetrainingAnchor anchor = manifest.anchor();
        float[][] kept = vetted(fresh, firstModel, manifest, anchor.firstCeiling());
        int vettedOut = offered - kept.length;
        if (kept.length < MIN_FRESH_ROWS) {
            throw new CandidateRefused("vetted_out", vettedOut + " of " + offered + " fresh inputs score above the line's first model's "
                    + "admission ceiling; " + kept.length + " are left, a fine-tuning needs " + MIN_FRESH_ROWS);
        }
        Splits split = Splits.of(kept.length, 0, FRESH_HELD_OUT, seed);
        float[][] train = EventTraining.pick(kept, split.train());
        float[][] check = EventTraining.pick(kept, split.test());
        int most = (int) (referenceRows * MAX_FRESH_SHARE / (1 - MAX_FRESH_SHARE));
        if (train.length > most) {
            train = EventTraining.pick(train, Arrays.copyOf(Splits.permutation(train.length, seed), most));
        }
        return new FreshRows(train, check, vettedOut);
    }

    /** {@code reference} followed by the fresh training inputs. */
    float[][] after(float[][] reference) {
        float[][] rows = Arrays.copyOf(reference, reference.length + train.length);
        System.arraycopy(train, 0, rows, reference.length, train.length);
        return rows;
    }

    /**
     * The fresh inputs the line's first model scores at or under its admission ceiling: a later version may have come to
     * accept a slow drift a little at a time, the first model has not, so nothing it would keep out is ever learned.
     */
    private static float[][] vetted(float[][] fresh, Path firstModel, BundleManifest manifest, double ceiling) {
        try (OnnxScorer first = OnnxScorer.open(firstModel, manifest.input().shape(), ScorerOptions.cpu())) {
            float[] energy = first.score(fresh).column(manifest.defaultScore().id());
            List<float[]> kept = new ArrayList<>(fresh.length);
            for (int i = 0; i < fresh.length; i++) {
                if (energy[i] <= ceiling) {
                    kept.add(fresh[i]);
                }
            }
            return kept.toArray(new float[0][]);
        }
    }
}
