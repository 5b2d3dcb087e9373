package io.energysentinel.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.energysentinel.contract.bundle.BundleLoader;
import io.energysentinel.contract.bundle.ModelBundle;
import io.energysentinel.contract.scoring.ScorerOptions;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The bundle the repository ships for the embedded default loads as serving loads it, and says how it was made. */
class ShippedDemoBundleTest {
    @Test
    void theShippedDemoBundlesVerifyAndRecordTheCommandThatTrainedThem() {
        // Maven runs tests in the module's folder; the bundle lives at the repository root.
        try (ModelBundle bundle = BundleLoader.load(Path.of("..", "demo", "fashion-jem-demo"), ScorerOptions.cpu())) {
            assertThat(bundle.manifest().modelId()).isEqualTo("fashion-jem-demo");
            assertThat(bundle.manifest().training().command()).startsWith("scripts/trainer.sh train --kind jem")
                    .contains("--bundle demo/fashion-jem-demo");
            assertThat(bundle.manifest().defaultScore()).isNotNull();
            // Retrainable by the job: its anchor (added by the anchor command from the run's weights) is listed and verified.
            assertThat(bundle.manifest().anchor()).isNotNull();
        }
        try (ai.djl.ndarray.NDManager manager = ai.djl.ndarray.NDManager.newBaseManager()) {
            assertThat(io.energysentinel.trainer.pipeline.ImageAnchor.read(Path.of("..", "demo", "fashion-jem-demo"), manager)
                    .reference().train()).hasNumberOfRows(1500);
        }
        try (ModelBundle bundle = BundleLoader.load(Path.of("..", "demo", "events-mlp-demo"), ScorerOptions.cpu())) {
            assertThat(bundle.manifest().modelId()).isEqualTo("events-mlp-demo");
            assertThat(bundle.manifest().training().command()).startsWith("scripts/trainer.sh train --kind mlp")
                    .contains("--bundle demo/events-mlp-demo");
        }
    }
}
