package io.energysentinel.trainer.pipeline;

import io.energysentinel.trainer.evaluation.Corruptions;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * Synthetic anomalies made from an image line's reference images, kept with the line so every retrained version is
 * measured on the same ones: noise, inversion and blur of real images (what a broken camera or pipeline sends), and
 * images whose pixels are shuffled (the right pixel values, no object: a stand-in for images of something else,
 * made without any data from outside the line, so no out-of-distribution set is ever used to choose a model).
 */
public final class ImageCanaries {
    /** Canaries made of each kind. */
    static final int PER_KIND = 200;

    private ImageCanaries() {}

    /** Canaries of every kind from {@code reference} ({@code side x side} images); deterministic for a seed. */
    public static Map<String, float[][]> of(float[][] reference, int side, long seed) {
        Random random = new Random(seed);
        float[][] base = new float[PER_KIND][];
        for (int i = 0; i < PER_KIND; i++) {
            base[i] = reference[random.nextInt(reference.length)];
        }
        Map<String, float[][]> out = new LinkedHashMap<>();
        out.put("NOISE", Corruptions.gaussianNoise(base, 0.5, seed + 1));
        out.put("INVERTED", Corruptions.invert(base));
        out.put("BLURRED", Corruptions.blur(base, side, 2));
        out.put("SHUFFLED", Corruptions.tileShuffle(base, side, 1, random.nextLong()));
        return out;
    }
}
