package io.energysentinel.trainer.evaluation;

import java.util.Random;

/** Out-of-distribution image sets made from in-distribution ones: noise, blur, pixelation, exposure, inversion, pure noise. */
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

    /**
     * Each {@code block x block} tile of square {@code side x side} images replaced by its mean (a low-resolution
     * sensor or a downscaled stream, shown at full size); a partial tile at the edge averages what it covers.
     */
    public static float[][] pixelate(float[][] images, int side, int block) {
        float[][] out = new float[images.length][];
        for (int i = 0; i < images.length; i++) {
            float[] src = images[i];
            float[] dst = new float[src.length];
            for (int r0 = 0; r0 < side; r0 += block) {
                for (int c0 = 0; c0 < side; c0 += block) {
                    int rows = Math.min(block, side - r0);
                    int cols = Math.min(block, side - c0);
                    float sum = 0;
                    for (int r = r0; r < r0 + rows; r++) {
                        for (int c = c0; c < c0 + cols; c++) {
                            sum += src[r * side + c];
                        }
                    }
                    for (int r = r0; r < r0 + rows; r++) {
                        for (int c = c0; c < c0 + cols; c++) {
                            dst[r * side + c] = sum / (rows * cols);
                        }
                    }
                }
            }
            out[i] = dst;
        }
        return out;
    }

    /** Every pixel times {@code factor} (below 1: an underexposed image), clamped to [0, 1]. */
    public static float[][] exposure(float[][] images, double factor) {
        float[][] out = new float[images.length][];
        for (int i = 0; i < images.length; i++) {
            out[i] = new float[images[i].length];
            for (int j = 0; j < out[i].length; j++) {
                out[i][j] = clamp((float) (images[i][j] * factor));
            }
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

    /**
     * Copies of {@code images} ({@code side x side}) with their {@code tile x tile} blocks permuted (tile 1: every pixel):
     * the pixel values stay, the object is gone; with larger tiles local texture stays too.
     */
    public static float[][] tileShuffle(float[][] images, int side, int tile, long seed) {
        java.util.Random random = new java.util.Random(seed);
        int perRow = side / tile;
        int tiles = perRow * perRow;
        float[][] out = new float[images.length][];
        for (int i = 0; i < images.length; i++) {
            int[] order = new int[tiles];
            for (int t = 0; t < tiles; t++) {
                order[t] = t;
            }
            for (int t = tiles - 1; t > 0; t--) {
                int k = random.nextInt(t + 1);
                int swap = order[t];
                order[t] = order[k];
                order[k] = swap;
            }
            float[] x = images[i].clone();
            for (int t = 0; t < tiles; t++) {
                int fromRow = (order[t] / perRow) * tile;
                int fromCol = (order[t] % perRow) * tile;
                int toRow = (t / perRow) * tile;
                int toCol = (t % perRow) * tile;
                for (int r = 0; r < tile; r++) {
                    System.arraycopy(images[i], (fromRow + r) * side + fromCol, x, (toRow + r) * side + toCol, tile);
                }
            }
            out[i] = x;
        }
        return out;
    }
}
