package io.energysentinel.contract.bundle;

import io.energysentinel.contract.ScoreName;
import io.energysentinel.contract.scoring.ModelOutputs;
import io.energysentinel.contract.scoring.OnnxScorer;
import java.nio.file.Path;

/**
 * A verified, open model bundle: its manifest and an ONNX Runtime session over its graph.
 * Obtain one from {@link BundleLoader#load}; close it to release the session.
 */
public final class ModelBundle implements AutoCloseable {
    private final Path directory;
    private final BundleManifest manifest;
    private final OnnxScorer scorer;

    ModelBundle(Path directory, BundleManifest manifest, OnnxScorer scorer) {
        this.directory = directory;
        this.manifest = manifest;
        this.scorer = scorer;
    }

    /** Where the bundle lives. */
    public Path directory() {
        return directory;
    }

    /** The bundle's manifest. */
    public BundleManifest manifest() {
        return manifest;
    }

    /** The session; shared, do not close it separately. */
    public OnnxScorer scorer() {
        return scorer;
    }

    /** Runs a batch of validated, flattened inputs. */
    public ModelOutputs score(float[][] inputs) {
        return scorer.score(inputs);
    }

    /** The calibrated threshold of {@code score}. */
    public ScoreThreshold threshold(ScoreName score) {
        ScoreThreshold t = manifest.scores().get(score);
        if (t == null) {
            throw new IllegalArgumentException("bundle " + manifest.modelId() + "/" + manifest.modelVersion()
                    + " has no threshold for " + score.id() + "; it has " + manifest.scores().keySet());
        }
        return t;
    }

    @Override
    public void close() {
        scorer.close();
    }
}
