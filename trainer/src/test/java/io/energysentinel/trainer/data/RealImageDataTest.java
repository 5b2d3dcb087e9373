package io.energysentinel.trainer.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class RealImageDataTest {
    private final DataLocator locator = DataLocator.fromEnvironment();

    @Test
    void readsBothFashionMnistSplitsWithLabels() {
        assumeTrue(locator.fashionMnist().isPresent(), locator::missingHelp);
        ImageDataset test = FashionMnist.load(locator.fashionMnist().get(), FashionMnist.Split.TEST);
        assertThat(test.size()).isEqualTo(10_000);
        assertThat(test.rows()).isEqualTo(28);
        assertThat(test.cols()).isEqualTo(28);
        assertThat(Arrays.stream(test.labels()).distinct().sorted().toArray()).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
        ImageDataset train = FashionMnist.load(locator.fashionMnist().get(), FashionMnist.Split.TRAIN);
        assertThat(train.size()).isEqualTo(60_000);
        assertPixelsInUnitRangeAndNotBlank(train);
    }

    @Test
    void readsTenThousandMnistDigitsFromNpmJson() {
        assumeTrue(locator.mnistDigits().isPresent(), locator::missingHelp);
        ImageDataset digits = MnistDigitsJson.load(locator.mnistDigits().get());
        assertThat(digits.size()).isEqualTo(10_000);
        assertThat(Arrays.stream(digits.labels()).distinct().sorted().toArray()).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
        assertPixelsInUnitRangeAndNotBlank(digits);
    }

    private static void assertPixelsInUnitRangeAndNotBlank(ImageDataset set) {
        double max = 0;
        for (float[] image : set.pixels()) {
            for (float p : image) {
                assertThat(p).isBetween(0f, 1f);
                max = Math.max(max, p);
            }
        }
        assertThat(max).isGreaterThan(0.9);
    }
}
