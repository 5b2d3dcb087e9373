package io.energysentinel.trainer.evaluation;

import java.util.Random;

/** Out-of-distribution image sets made from in-distribution ones: noise, blur, inversion, pure noise. */
public final class Corruptions {
    private Corruptions() {}

    /** Adds Gaussian noise of standard deviation {@code sigma}, clamped to [0, 1]. */
    public static float[][] gaussianNoise(float[][] images, double sigma, long seed) {
        Random random = new Random(seed);
        float[][] out = new float[images.length][];
        for (int i = 0; i < images.length; i++) {
            out[i] = new float[images[i].length];
            for (int j = 0; j < out[i].length; j++) {
                out[i][j] = clamp(images[i][j] + (float) (random.nextGaussian() * sigma));
            }
        }
        return out;
    }

    /** A box blur of radius {@code radius} over square {@code side x side} images. */
    public static float[][] blur(float[][] images, int side, int radius) {
        float[][] out = new float[images.length][];
        for (int i = 0; i < images.length; i++) {
            float[] src = images[i];
            float[] dst = new float[src.length];
            for (int r = 0; r < side; r++) {
                for (int c = 0; c < side; c++) {
                    float sum = 0;
                    int n = 0;
                    for (int dr = -radius; dr <= radius; dr++) {
                        for (int dc = -radius; dc <= radius; dc++) {
                            int rr = r + dr;
                            int cc = c + dc;
                            if (rr >= 0 && rr < side && cc >= 0 && cc < side) {
                                sum += src[rr * side + cc];
                                n++;
                            }
                        }
                    }
                    dst[r * side + c] = sum / n;
                }
            }
            out[i] = dst;
        }
        return out;
    }

    /** 1 - x. */
    public static float[][] invert(float[][] images) {
        float[][] out = new float[images.length][];
        for (int i = 0; i < images.length; i++) {
            out[i] = new float[images[i].length];
            for (int j = 0; j < out[i].length; j++) {
                out[i][j] = 1f - images[i][j];
            }
        }
        return out;
    }

    /** Uniform noise images in [0, 1]. */
    public static float[][] uniformNoise(int count, int size, long seed) {
        Random random = new Random(seed);
        float[][] out = new float[count][size];
        for (float[] image : out) {
            for (int j = 0; j < size; j++) {
                image[j] = random.nextFloat();
            }
        }
        return out;
    }

    /** Replaces each pixel by uniform noise with probability {@code rate}: the background model's inputs. */
    public static float[][] pixelReplacement(float[][] images, double rate, long seed) {
        Random random = new Random(seed);
        float[][] out = new float[images.length][];
        for (int i = 0; i < images.length; i++) {
            out[i] = images[i].clone();
            for (int j = 0; j < out[i].length; j++) {
                if (random.nextDouble() < rate) {
                    out[i][j] = random.nextFloat();
                }
            }
        }
        return out;
    }

    private static float clamp(float v) {
        return Math.max(0f, Math.min(1f, v));
    }
}
