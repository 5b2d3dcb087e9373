package io.energysentinel.trainer.data;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The rendered OOD sets look like the datasets they are compared with: a light object on black, the same every time. */
class RenderedImagesTest {
    @Test
    void glyphsAndShapesAreDeterministicLightObjectsOnBlack() {
        for (ImageDataset set : new ImageDataset[] {RenderedImages.glyphs(50, 28, 3), RenderedImages.shapes(50, 28, 3)}) {
            assertThat(set.size()).isEqualTo(50);
            assertThat(set.imageSize()).isEqualTo(784);
            double corners = 0;
            for (float[] image : set.pixels()) {
                int lit = 0;
                for (float v : image) {
                    assertThat(v).isBetween(0f, 1f);
                    lit += v > 0.3f ? 1 : 0;
                }
                assertThat(lit).as(set.name() + ": something drawn, not the whole frame").isBetween(3, 784 * 3 / 4);
                corners += (image[0] + image[27] + image[784 - 28] + image[783]) / 4.0;
            }
            // The corners are background, as in Fashion-MNIST and MNIST (a random stroke may cross one now and then).
            assertThat(corners / set.size()).isLessThan(0.05);
        }
        assertThat(RenderedImages.glyphs(5, 28, 3).pixels()).isDeepEqualTo(RenderedImages.glyphs(5, 28, 3).pixels());
        assertThat(RenderedImages.shapes(5, 28, 3).pixels()).isNotEqualTo(RenderedImages.shapes(5, 28, 4).pixels());
    }
}
