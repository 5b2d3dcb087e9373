package io.energysentinel.trainer.data;

import java.util.Arrays;
import java.util.Random;

/**
 * Deterministic train/validation/test splits: the same seed and size always give the same indices.
 *
 * @param train indices for training
 * @param validation indices for validation (threshold calibration, early stopping)
 * @param test indices held out for the final numbers
 */
public record Splits(int[] train, int[] validation, int[] test) {

    /** Shuffles {@code 0..size-1} with {@code seed} and cuts it by the two fractions; the rest is train. */
    public static Splits of(int size, double validationFraction, double testFraction, long seed) {
        if (validationFraction < 0 || testFraction < 0 || validationFraction + testFraction > 1) {
            throw new IllegalArgumentException("fractions " + validationFraction + " + " + testFraction + " must lie in [0, 1]");
        }
        int[] order = permutation(size, seed);
        int nVal = (int) Math.round(size * validationFraction);
        int nTest = (int) Math.round(size * testFraction);
        return new Splits(
                Arrays.copyOfRange(order, nVal + nTest, size),
                Arrays.copyOfRange(order, 0, nVal),
                Arrays.copyOfRange(order, nVal, nVal + nTest));
    }

    /** A seeded Fisher-Yates permutation of {@code 0..size-1}. */
    public static int[] permutation(int size, long seed) {
        int[] order = new int[size];
        for (int i = 0; i < size; i++) {
            order[i] = i;
        }
        Random random = new Random(seed);
        for (int i = size - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }
}
