package io.energysentinel.contract.bundle;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.energysentinel.contract.Json;
import io.energysentinel.contract.ScoreName;
import io.energysentinel.contract.bundle.BundleRejectedException.Reason;
import io.energysentinel.contract.scoring.ModelOutputs;
import io.energysentinel.contract.scoring.OnnxScorer;
import io.energysentinel.contract.scoring.ScorerOptions;
import io.energysentinel.contract.scoring.ScoringException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * Loads a model bundle and proves it is what the trainer evaluated before anything is scored with it:
 * schema version, SHA-256 of the graph, input shape and outputs against the manifest, and the golden
 * vectors reproduced by ONNX Runtime within their tolerance. Any failure is a
 * {@link BundleRejectedException}; nothing half-loaded escapes.
 */
public final class BundleLoader {
    /** Largest manifest read: a hostile bundle must not exhaust the scorer's heap. */
    static final long MAX_MANIFEST_BYTES = 4L << 20;
    /** Largest golden-vector file read. */
    static final long MAX_GOLDEN_BYTES = 64L << 20;

    private BundleLoader() {}

    private static void notLargerThan(Path file, Path dir, long limit) {
        try {
            if (Files.size(file) > limit) {
                throw new BundleRejectedException(Reason.CORRUPT_MANIFEST, dir, file.getFileName() + " is larger than " + limit + " bytes");
            }
        } catch (IOException e) {
            throw new BundleRejectedException(Reason.MISSING_FILE, dir, "cannot read " + file.getFileName() + ": " + e.getMessage(), e);
        }
    }

    /** Loads and verifies the bundle in {@code dir}. */
    public static ModelBundle load(Path dir, ScorerOptions options) {
        return load(dir, options, null);
    }

    /**
     * Loads and verifies the bundle in {@code dir}; when {@code expectedSha256} is given (as a model update
     * announces it), the graph must also match it.
     */
    public static ModelBundle load(Path dir, ScorerOptions options, String expectedSha256) {
        BundleManifest manifest = readManifest(dir);
        Path onnx = inside(dir, manifest.onnx().file());
        // The refusal never quotes the file's real hash: it goes out on the model-events topic, and the hash
        // of a file someone pointed an update at is not theirs to learn.
        String actual = sha256(onnx, dir);
        if (!actual.equalsIgnoreCase(manifest.onnx().sha256())) {
            throw new BundleRejectedException(Reason.HASH_MISMATCH, dir, manifest.onnx().file()
                    + " does not have the SHA-256 the manifest says");
        }
        if (expectedSha256 != null && !actual.equalsIgnoreCase(expectedSha256)) {
            throw new BundleRejectedException(Reason.HASH_MISMATCH, dir, manifest.onnx().file()
                    + " does not have the SHA-256 the model update announced");
        }
        OnnxScorer scorer;
        try {
            scorer = OnnxScorer.open(onnx, manifest.input().shape(), options);
        } catch (ScoringException e) {
            Reason reason = e.getMessage().contains("shape") || e.getMessage().contains("rank") ? Reason.SHAPE_MISMATCH : Reason.CORRUPT_MODEL;
            throw new BundleRejectedException(reason, dir, e.getMessage(), e);
        }
        try {
            checkOutputs(dir, manifest, scorer);
            checkGolden(dir, manifest, scorer);
            return new ModelBundle(dir, manifest, scorer);
        } catch (RuntimeException e) {
            scorer.close();
            throw e;
        }
    }

    /** Reads and checks the manifest alone (no ONNX Runtime), e.g. to show it. */
    public static BundleManifest readManifest(Path dir) {
        Path file = inside(dir, BundleManifest.FILE_NAME);
        if (!Files.isRegularFile(file)) {
            throw new BundleRejectedException(Reason.MISSING_FILE, dir, "no " + BundleManifest.FILE_NAME);
        }
        notLargerThan(file, dir, MAX_MANIFEST_BYTES);
        try {
            JsonNode tree = Json.mapper().readTree(file.toFile());
            JsonNode version = tree.get("schemaVersion");
            if (version == null || !version.canConvertToInt()) {
                throw new BundleRejectedException(Reason.CORRUPT_MANIFEST, dir, "manifest has no integer schemaVersion");
            }
            if (version.asInt() > BundleManifest.SCHEMA_VERSION) {
                throw new BundleRejectedException(Reason.NEWER_SCHEMA, dir, "manifest schema " + version.asInt()
                        + " is newer than the " + BundleManifest.SCHEMA_VERSION + " this version reads; upgrade the scorer");
            }
            return Json.mapper().treeToValue(tree, BundleManifest.class);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw new BundleRejectedException(Reason.CORRUPT_MANIFEST, dir, "manifest is not valid: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new BundleRejectedException(Reason.MISSING_FILE, dir, "cannot read manifest: " + e.getMessage(), e);
        }
    }

    private static void checkOutputs(Path dir, BundleManifest manifest, OnnxScorer scorer) {
        List<String> graphOutputs = scorer.outputNames();
        for (String output : manifest.outputs()) {
            if (!graphOutputs.contains(output)) {
                throw new BundleRejectedException(Reason.SHAPE_MISMATCH, dir, "manifest output '" + output
                        + "' is not in the graph, which has " + graphOutputs);
            }
        }
        for (ScoreName score : manifest.scores().keySet()) {
            if (!graphOutputs.contains(score.id())) {
                throw new BundleRejectedException(Reason.SHAPE_MISMATCH, dir, "score '" + score.id() + "' has a threshold but no graph output");
            }
        }
    }

    private static void checkGolden(Path dir, BundleManifest manifest, OnnxScorer scorer) {
        Path file = inside(dir, manifest.goldenVectorsFile() == null ? GoldenVectors.FILE_NAME : manifest.goldenVectorsFile());
        if (!Files.isRegularFile(file)) {
            throw new BundleRejectedException(Reason.MISSING_FILE, dir, "no golden vectors " + file.getFileName());
        }
        notLargerThan(file, dir, MAX_GOLDEN_BYTES);
        GoldenVectors golden;
        try {
            golden = Json.mapper().readValue(file.toFile(), GoldenVectors.class);
        } catch (IOException e) {
            throw new BundleRejectedException(Reason.CORRUPT_MANIFEST, dir, "golden vectors are not valid: " + e.getMessage(), e);
        }
        if (golden.inputs().isEmpty()) {
            throw new BundleRejectedException(Reason.GOLDEN_MISMATCH, dir, "golden vectors hold no inputs");
        }
        for (String output : manifest.outputs()) {
            List<float[]> expected = golden.outputs().get(output);
            // An output without golden values would be served unproven.
            if (expected == null || expected.size() != golden.inputs().size()) {
                throw new BundleRejectedException(Reason.GOLDEN_MISMATCH, dir, "golden vectors need " + golden.inputs().size()
                        + " values of output '" + output + "', they hold " + (expected == null ? 0 : expected.size()));
            }
        }
        ModelOutputs outputs;
        try {
            outputs = scorer.score(golden.inputs().toArray(new float[0][]));
        } catch (ScoringException e) {
            throw new BundleRejectedException(Reason.SHAPE_MISMATCH, dir, "golden inputs do not fit the graph: " + e.getMessage(), e);
        }
        for (Map.Entry<String, List<float[]>> expected : golden.outputs().entrySet()) {
            float[][] actual = outputs.rows(expected.getKey());
            for (int i = 0; i < actual.length; i++) {
                float[] want = expected.getValue().get(i);
                if (want.length != actual[i].length) {
                    throw new BundleRejectedException(Reason.GOLDEN_MISMATCH, dir, "golden " + expected.getKey() + "[" + i
                            + "] has " + want.length + " values, the graph gives " + actual[i].length);
                }
                for (int j = 0; j < want.length; j++) {
                    double err = Math.abs(actual[i][j] - want[j]) / Math.max(1, Math.abs(want[j]));
                    if (!(err <= golden.relativeTolerance())) {
                        throw new BundleRejectedException(Reason.GOLDEN_MISMATCH, dir, String.format(
                                "golden %s[%d][%d]: graph gives %s, trainer computed %s (relative error %.3g > %.3g)",
                                expected.getKey(), i, j, actual[i][j], want[j], err, golden.relativeTolerance()));
                    }
                }
            }
        }
    }

    /**
     * {@code name} resolved in {@code dir}, refused unless it is a plain file name whose real path (links followed)
     * stays inside the bundle: a manifest must not make the loader read or hash files elsewhere.
     */
    static Path inside(Path dir, String name) {
        if (name == null || name.isEmpty() || name.contains("/") || name.contains("\\") || name.equals("..") || name.equals(".")) {
            throw new BundleRejectedException(Reason.UNSAFE_PATH, dir, "manifest names '" + name + "'; only a file name inside the bundle is allowed");
        }
        Path file = dir.resolve(name);
        if (Files.exists(file)) {
            try {
                if (!file.toRealPath().startsWith(dir.toRealPath())) {
                    throw new BundleRejectedException(Reason.UNSAFE_PATH, dir, name + " links out of the bundle directory");
                }
            } catch (IOException e) {
                throw new BundleRejectedException(Reason.MISSING_FILE, dir, "cannot resolve " + name + ": " + e.getMessage(), e);
            }
        }
        return file;
    }

    /** Lower-case hex SHA-256 of {@code file}. */
    public static String sha256(Path file, Path bundle) {
        if (!Files.isRegularFile(file)) {
            throw new BundleRejectedException(Reason.MISSING_FILE, bundle, "no ONNX file " + file.getFileName());
        }
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), MessageDigest.getInstance("SHA-256"))) {
            byte[] buffer = new byte[1 << 16];
            while (in.read(buffer) >= 0) {
                // reading feeds the digest
            }
            return HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
        } catch (IOException e) {
            throw new BundleRejectedException(Reason.MISSING_FILE, bundle, "cannot read " + file + ": " + e.getMessage(), e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
