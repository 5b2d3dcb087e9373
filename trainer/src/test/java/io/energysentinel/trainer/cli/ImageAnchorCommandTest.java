package io.energysentinel.trainer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import io.energysentinel.contract.Json;
import io.energysentinel.contract.bundle.BundleLoader;
import io.energysentinel.contract.bundle.BundleManifest;
import io.energysentinel.trainer.data.DataLocator;
import io.energysentinel.trainer.data.FashionMnist;
import io.energysentinel.trainer.pipeline.ImageAnchor;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Image bundles carry a retraining anchor: written by {@code train --bundle}, or added afterwards by {@code anchor} from
 * the weights of the run that exported them, which must prove it rebuilt the same training split and holds the same
 * weights; a user's mistake is one line.
 */
class ImageAnchorCommandTest {
    @TempDir
    Path dir;

    @Test
    void trainWritesAnAnchorAndAnchorRebuildsItOnlyFromTheRunsOwnSplitAndWeights() throws Exception {
        Path bundle = dir.resolve("bundle");
        assertThat(TrainerCli.run("train", "--kind", "jem", "--train-limit", "1200", "--validation", "400", "--steps", "4",
                "--sgld-steps", "2", "--channels", "4,8", "--hidden", "16", "--background-share", "0", "--out", dir.resolve("run").toString(),
                "--bundle", bundle.toString(), "--no-progress")).isZero();
        BundleManifest written = BundleLoader.readManifest(bundle);
        assertThat(written.anchor()).isNotNull();
        // The served score was chosen on proxies of held-out training images (recorded), without --evaluate's OOD sets.
        assertThat(written.metrics()).containsKey("proxy.pixel-shuffled." + written.defaultScore().id() + ".auroc")
                .containsKey("proxy.tile-shuffled." + written.defaultScore().id() + ".auroc")
                .doesNotContainKeys("mnist." + written.defaultScore().id() + ".auroc");
        assertThat(written.anchor().referenceRows()).as("1,200 images less 400 held out").isEqualTo(800);
        try (NDManager manager = NDManager.newBaseManager()) {
            ImageAnchor.Loaded loaded = ImageAnchor.read(bundle, manager);
            assertThat(loaded.reference().calibration()).hasNumberOfRows(200);
            assertThat(java.util.Arrays.stream(loaded.reference().labels()).boxed().toList()).hasSize(800)
                    .allMatch(l -> l >= 0 && l < FashionMnist.CLASSES.length);
            // Images stored as bytes come back as the bytes they were: Fashion-MNIST's own pixel values.
            for (float v : loaded.reference().train()[0]) {
                assertThat(Math.abs(v * 255 - Math.round(v * 255))).isLessThan(1e-4f);
            }
        }

        // A bundle from before anchors: the same bundle without one.
        Json.mapper().writeValue(bundle.resolve(BundleManifest.FILE_NAME).toFile(), written.withAnchor(null));
        String data = DataLocator.fromEnvironment().requireFashionMnist().toString();
        String model = dir.resolve("run").resolve("model").toString();
        assertThat(oneLineError(() -> TrainerCli.run("anchor", "--bundle", bundle.toString(), "--model", model, "--data", data,
                "--train-limit", "1200", "--validation", "500")))
                .contains("is not the data").contains("--validation");
        Path other = dir.resolve("other");
        assertThat(TrainerCli.run("train", "--kind", "jem", "--train-limit", "1200", "--validation", "400", "--steps", "4", "--seed", "2",
                "--sgld-steps", "2", "--channels", "4,8", "--hidden", "16", "--background-share", "0", "--out", other.toString(),
                "--no-progress")).isZero();
        assertThat(oneLineError(() -> TrainerCli.run("anchor", "--bundle", bundle.toString(), "--model", other.resolve("model").toString(),
                "--data", data, "--train-limit", "1200", "--validation", "400")))
                .contains("does not hold the weights");

        assertThat(TrainerCli.run("anchor", "--bundle", bundle.toString(), "--model", model, "--data", data, "--train-limit", "1200",
                "--validation", "400")).isZero();
        assertThat(BundleLoader.readManifest(bundle).anchor().files()).isEqualTo(written.anchor().files());
        assertThat(oneLineError(() -> TrainerCli.run("anchor", "--bundle", bundle.toString(), "--model", model, "--data", data)))
                .contains("already carries an anchor");
    }

    private static String oneLineError(Supplier<Integer> command) {
        PrintStream original = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        int rc;
        try {
            rc = command.get();
        } finally {
            System.setErr(original);
        }
        assertThat(rc).isEqualTo(2);
        return assertThat(err.toString(StandardCharsets.UTF_8).strip().lines()).singleElement().actual();
    }
}
