package io.energysentinel.contract.scoring;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One ONNX Runtime session over one model file, scoring batches of flattened float inputs.
 *
 * <p>Not thread-safe for {@link #close()} racing {@link #score}; ONNX Runtime itself allows concurrent
 * {@code run} calls on one session. Every tensor and result is closed before {@code score} returns.
 */
public final class OnnxScorer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(OnnxScorer.class);

    private final OrtSession session;
    private final String inputName;
    private final long[] itemShape;
    private final int itemSize;
    private final int fixedBatchSize;
    private final ExecutionProvider providerInUse;
    private final String fallbackReason;

    private OnnxScorer(OrtSession session, String inputName, long[] itemShape, int fixedBatchSize,
                       ExecutionProvider providerInUse, String fallbackReason) {
        this.session = session;
        this.inputName = inputName;
        this.itemShape = itemShape;
        int size = 1;
        for (long d : itemShape) {
            size = Math.multiplyExact(size, (int) d);
        }
        this.itemSize = size;
        this.fixedBatchSize = fixedBatchSize;
        this.providerInUse = providerInUse;
        this.fallbackReason = fallbackReason;
    }

    /**
     * Opens a session on {@code modelFile}, whose single input has shape {@code [batch, ...itemShape]}.
     *
     * @throws ScoringException when the file is missing, not a valid ONNX graph, or its input does not
     *     match {@code itemShape}
     */
    public static OnnxScorer open(Path modelFile, List<Integer> itemShape, ScorerOptions options) {
        if (!Files.isRegularFile(modelFile)) {
            throw new ScoringException("ONNX model file not found: " + modelFile);
        }
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        String fallback = null;
        ExecutionProvider provider = options.provider();
        OrtSession session;
        try (OrtSession.SessionOptions so = new OrtSession.SessionOptions()) {
            so.setIntraOpNumThreads(options.intraOpThreads());
            so.setInterOpNumThreads(1);
            so.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            if (provider == ExecutionProvider.CUDA) {
                fallback = tryAddCuda(env, so);
                if (fallback != null) {
                    provider = ExecutionProvider.CPU;
                    LOG.warn("CUDA execution provider unavailable, scoring {} on CPU: {}", modelFile, fallback);
                }
            }
            session = env.createSession(modelFile.toString(), so);
        } catch (OrtException e) {
            throw new ScoringException("cannot open ONNX model " + modelFile + ": " + e.getMessage(), e);
        }
        try {
            return new OnnxScorer(session, checkInput(session, modelFile, itemShape),
                    itemShape.stream().mapToLong(Integer::longValue).toArray(),
                    options.fixedBatchSize(), provider, fallback);
        } catch (RuntimeException | OrtException e) {
            closeQuietly(session);
            throw e instanceof ScoringException se ? se
                    : new ScoringException("cannot inspect ONNX model " + modelFile + ": " + e.getMessage(), e);
        }
    }

    private static String tryAddCuda(OrtEnvironment env, OrtSession.SessionOptions so) {
        if (!OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA)) {
            return "this ONNX Runtime build has no CUDA provider (build with -Pgpu for onnxruntime_gpu)";
        }
        try {
            so.addCUDA(0);
            return null;
        } catch (OrtException | RuntimeException e) {
            return "CUDA provider failed to initialise: " + e.getMessage();
        }
    }

    private static String checkInput(OrtSession session, Path modelFile, List<Integer> itemShape) throws OrtException {
        Map<String, NodeInfo> inputs = session.getInputInfo();
        if (inputs.size() != 1) {
            throw new ScoringException(modelFile + " has " + inputs.size() + " inputs, expected exactly one");
        }
        Map.Entry<String, NodeInfo> input = inputs.entrySet().iterator().next();
        if (!(input.getValue().getInfo() instanceof TensorInfo info)) {
            throw new ScoringException(modelFile + " input '" + input.getKey() + "' is not a tensor");
        }
        long[] shape = info.getShape();
        if (shape.length != itemShape.size() + 1) {
            throw new ScoringException(modelFile + " input '" + input.getKey() + "' has rank " + shape.length
                    + ", expected batch + " + itemShape);
        }
        for (int i = 0; i < itemShape.size(); i++) {
            if (shape[i + 1] > 0 && shape[i + 1] != itemShape.get(i)) {
                throw new ScoringException(modelFile + " input '" + input.getKey() + "' has shape "
                        + java.util.Arrays.toString(shape) + ", expected [batch, " + itemShape + "]");
            }
        }
        return input.getKey();
    }

    /** Elements in one flattened input. */
    public int itemSize() {
        return itemSize;
    }

    /** The provider actually running the graph. */
    public ExecutionProvider providerInUse() {
        return providerInUse;
    }

    /** Why CUDA was not used although asked for, or {@code null}. */
    public String fallbackReason() {
        return fallbackReason;
    }

    /** Names of the graph's outputs. */
    public List<String> outputNames() {
        return new ArrayList<>(session.getOutputNames());
    }

    /**
     * Scores a batch of flattened inputs, each {@link #itemSize()} floats long.
     *
     * @throws ScoringException when an input has the wrong length or ONNX Runtime fails
     */
    public ModelOutputs score(float[][] inputs) {
        for (int i = 0; i < inputs.length; i++) {
            if (inputs[i].length != itemSize) {
                throw new ScoringException("input " + i + " has " + inputs[i].length + " values, model expects " + itemSize);
            }
        }
        int chunk = fixedBatchSize > 0 ? fixedBatchSize : Math.max(1, inputs.length);
        Map<String, float[][]> rows = new HashMap<>();
        for (String name : session.getOutputNames()) {
            rows.put(name, new float[inputs.length][]);
        }
        for (int start = 0; start < inputs.length; start += chunk) {
            int count = Math.min(chunk, inputs.length - start);
            runChunk(inputs, start, count, chunk, rows);
        }
        return new ModelOutputs(rows);
    }

    private void runChunk(float[][] inputs, int start, int count, int batch, Map<String, float[][]> rows) {
        int runBatch = fixedBatchSize > 0 ? paddedBatch(count, batch) : count;
        FloatBuffer buffer = FloatBuffer.allocate(runBatch * itemSize);
        for (int i = 0; i < count; i++) {
            buffer.put(inputs[start + i]);
        }
        buffer.rewind();
        long[] shape = new long[itemShape.length + 1];
        shape[0] = runBatch;
        System.arraycopy(itemShape, 0, shape, 1, itemShape.length);
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OnnxTensor tensor = OnnxTensor.createTensor(env, buffer, shape);
             OrtSession.Result result = session.run(Map.of(inputName, tensor))) {
            for (Map.Entry<String, OnnxValue> output : result) {
                float[] flat = ((OnnxTensor) output.getValue()).getFloatBuffer().array();
                int width = flat.length / runBatch;
                float[][] target = rows.get(output.getKey());
                for (int i = 0; i < count; i++) {
                    float[] row = new float[width];
                    System.arraycopy(flat, i * width, row, 0, width);
                    target[start + i] = row;
                }
            }
        } catch (OrtException e) {
            throw new ScoringException("ONNX Runtime failed on a batch of " + count + ": " + e.getMessage(), e);
        }
    }

    /**
     * The batch a chunk of {@code count} rows runs at under a fixed batch of {@code fixed}: the next power of two, at
     * most {@code fixed}. ONNX Runtime so sees a handful of shapes (1, 2, 4, … {@code fixed}) and its arena stops
     * growing after the largest, while a short batch (a flush on the wait timer) costs at most twice its rows, not
     * {@code fixed} rows.
     */
    static int paddedBatch(int count, int fixed) {
        int pow2 = count <= 1 ? 1 : Integer.highestOneBit(count - 1) << 1;
        return Math.min(fixed, pow2);
    }

    @Override
    public void close() {
        closeQuietly(session);
    }

    private static void closeQuietly(OrtSession session) {
        try {
            session.close();
        } catch (OrtException e) {
            LOG.warn("closing ONNX Runtime session failed", e);
        }
    }
}
