package io.energysentinel.trainer.evaluation;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Shuffled images keep every pixel value and, with tiles, every tile; only their places change. */
class TileShuffleTest {
    @Test
    void tilesMoveWholeAndNoPixelIsLostOrMade() {
        float[] image = new float[28 * 28];
        for (int i = 0; i < image.length; i++) {
            image[i] = i;
        }
        float[] shuffled = Corruptions.tileShuffle(new float[][] {image}, 28, 7, 5)[0];
        assertThat(shuffled).isNotEqualTo(image);
        float[] sorted = shuffled.clone();
        Arrays.sort(sorted);
        assertThat(sorted).isEqualTo(image);
        // Within a tile, neighbours stay neighbours: each 7-pixel run of a tile row is consecutive values.
        for (int row = 0; row < 28; row++) {
            for (int tile = 0; tile < 4; tile++) {
                int at = row * 28 + tile * 7;
                for (int k = 1; k < 7; k++) {
                    assertThat(shuffled[at + k]).isEqualTo(shuffled[at] + k);
                }
            }
        }
        float[] pixels = Corruptions.tileShuffle(new float[][] {image}, 28, 1, 5)[0];
        float[] again = pixels.clone();
        Arrays.sort(again);
        assertThat(again).isEqualTo(image);
        assertThat(Corruptions.tileShuffle(new float[][] {image}, 28, 1, 5)[0]).isEqualTo(pixels);
    }
}
