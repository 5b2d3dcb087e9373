package io.energysentinel.trainer.export;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Block;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.util.PairList;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import io.energysentinel.contract.ModelKind;
import io.energysentinel.contract.ScoreName;
import io.energysentinel.contract.TensorNames;
import io.energysentinel.trainer.model.DeepFeatureGaussians;
import io.energysentinel.trainer.model.FeatureGaussians;
import io.energysentinel.trainer.model.LayerSpec;
import io.energysentinel.trainer.model.NetworkSpec;
import io.energysentinel.trainer.model.PixelStatistics;
import io.energysentinel.trainer.model.TrainedModel;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Writes a {@link TrainedModel} as an ONNX graph (opset {@value #OPSET}) computing the scores its javadoc
 * defines: {@code energy} always, {@code logits} and {@code neg_max_softmax} for JEM, {@code energy_ratio}
 * with a background model, {@code mahalanobis} with feature Gaussians ({@code deep_mahalanobis} with deep ones),
 * {@code feature_energy} with a feature energy (its MLP applied to the feature layer's output), {@code pixel_statistics}
 * and {@code ensemble} with pixel statistics. Input {@code input} and
 * every output have a symbolic batch dimension.
 *
 * <p>DJL has no ONNX exporter, so each layer is mapped by type, reading its parameters from the DJL block
 * child at the same position; a block that does not match its spec, or a layer with no mapping, is an
 * {@link UnsupportedLayerException}.
 */
public final class OnnxExporter {
    /** The ONNX default-domain opset written. 17: Reduce* ops other than ReduceSum still take axes as attributes. */
    public static final int OPSET = 17;
    /** Producer name in the model proto. */
    public static final String PRODUCER = "energysentinel-trainer";

    private OnnxExporter() {}

    /** The graph's output names for {@code model}, in graph order. */
    public static List<String> outputNames(TrainedModel model) {
        List<String> names = new ArrayList<>(List.of(TensorNames.ENERGY));
        if (model.kind() == ModelKind.JEM) {
            names.add(TensorNames.LOGITS);
            names.add(ScoreName.NEG_MAX_SOFTMAX.id());
        }
        if (model.background().isPresent()) {
            names.add(ScoreName.ENERGY_RATIO.id());
        }
        if (model.featureGaussians().isPresent()) {
            names.add(ScoreName.MAHALANOBIS.id());
        }
        if (model.deepFeatures().isPresent()) {
            names.add(ScoreName.DEEP_MAHALANOBIS.id());
        }
        if (model.featureEnergy().isPresent()) {
            names.add(ScoreName.FEATURE_ENERGY.id());
        }
        if (model.pixelStatistics().isPresent()) {
            names.add(ScoreName.PIXEL_STATISTICS.id());
            names.add(ScoreName.ENSEMBLE.id());
        }
        if (explains(model)) {
            names.add(TensorNames.CONTRIBUTIONS);
        }
        return names;
    }

    /** Writes the model to {@code file}; {@code metadata} goes into the model's metadata_props. */
    public static void export(TrainedModel model, Map<String, String> metadata, Path file) {
        export(model, metadata, file, eachInput(model));
    }

    /**
     * As {@link #export(TrainedModel, Map, Path)}, with {@link TensorNames#CONTRIBUTIONS} (for a model that explains) one
     * value per entry of {@code explained}: the input columns reset together (each input alone, or a record metric with
     * its source history: {@link io.energysentinel.contract.bundle.SourceHistory#metricColumns}).
     */
    public static void export(TrainedModel model, Map<String, String> metadata, Path file, int[][] explained) {
        ModelProto proto = toProto(model, metadata, explained);
        try {
            if (file.toAbsolutePath().getParent() != null) {
                Files.createDirectories(file.toAbsolutePath().getParent());
            }
            try (OutputStream out = Files.newOutputStream(file)) {
                proto.writeTo(out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write ONNX model " + file, e);
        }
    }

    /** The model proto for {@code model}. */
    public static ModelProto toProto(TrainedModel model, Map<String, String> metadata) {
        return toProto(model, metadata, eachInput(model));
    }

    /** Each input column explained alone. */
    public static int[][] eachInput(TrainedModel model) {
        int d = model.spec().inputSize();
        int[][] out = new int[d][];
        for (int j = 0; j < d; j++) {
            out[j] = new int[] {j};
        }
        return out;
    }

    private static ModelProto toProto(TrainedModel model, Map<String, String> metadata, int[][] explained) {
        GraphProto.Builder graph = GraphProto.newBuilder().setName("energysentinel-" + model.kind().name().toLowerCase());
        graph.addInput(GraphWriter.floatValue(TensorNames.INPUT, model.spec().inputShape()));
        GraphWriter w = new GraphWriter(graph, "");

        NetworkOutputs main = network(model, TensorNames.INPUT, w.scoped("main/"));
        String energy = energy(model.kind(), main.output(), w, TensorNames.ENERGY);
        graph.addOutput(GraphWriter.floatValue(TensorNames.ENERGY, List.of()));
        if (model.kind() == ModelKind.JEM) {
            int classes = model.spec().outputUnits();
            w.node("Identity", List.of(main.output()), TensorNames.LOGITS);
            graph.addOutput(GraphWriter.floatValue(TensorNames.LOGITS, List.of(classes)));
            String softmax = w.node("Softmax", List.of(main.output()), null, GraphWriter.intAttr("axis", 1));
            String max = w.node("ReduceMax", List.of(softmax), null, GraphWriter.ints("axes", 1), GraphWriter.intAttr("keepdims", 0));
            w.node("Neg", List.of(max), ScoreName.NEG_MAX_SOFTMAX.id());
            graph.addOutput(GraphWriter.floatValue(ScoreName.NEG_MAX_SOFTMAX.id(), List.of()));
        }
        if (model.background().isPresent()) {
            TrainedModel bg = model.background().get();
            if (bg.kind() != model.kind()) {
                throw new UnsupportedLayerException("background model is " + bg.kind() + ", main is " + model.kind());
            }
            GraphWriter bw = w.scoped("background/");
            String bgEnergy = energy(bg.kind(), network(bg, TensorNames.INPUT, bw).output(), bw, null);
            w.node("Sub", List.of(energy, bgEnergy), ScoreName.ENERGY_RATIO.id());
            graph.addOutput(GraphWriter.floatValue(ScoreName.ENERGY_RATIO.id(), List.of()));
        }
        if (model.featureGaussians().isPresent()) {
            if (main.features() == null) {
                throw new UnsupportedLayerException("feature Gaussians present but the spec has no feature layer");
            }
            String distance = mahalanobis(main.features(), model.featureGaussians().get(), w, ScoreName.MAHALANOBIS.id());
            graph.addOutput(GraphWriter.floatValue(ScoreName.MAHALANOBIS.id(), List.of()));
            if (model.deepFeatures().isPresent()) {
                deepMahalanobis(main.layers().get(model.deepFeatures().get().tapLayer()), distance, model.deepFeatures().get(),
                        w.scoped("deep/"));
                graph.addOutput(GraphWriter.floatValue(ScoreName.DEEP_MAHALANOBIS.id(), List.of()));
            }
        }
        if (model.featureEnergy().isPresent()) {
            if (main.features() == null) {
                throw new UnsupportedLayerException("a feature energy is present but the spec has no feature layer");
            }
            TrainedModel head = model.featureEnergy().get();
            GraphWriter hw = w.scoped("feature-energy/");
            energy(head.kind(), network(head, main.features(), hw).output(), hw, ScoreName.FEATURE_ENERGY.id());
            graph.addOutput(GraphWriter.floatValue(ScoreName.FEATURE_ENERGY.id(), List.of()));
        }
        if (model.pixelStatistics().isPresent()) {
            pixelStatistics(model.pixelStatistics().get(), ScoreName.DEEP_MAHALANOBIS.id(), w.scoped("pixels/"));
            graph.addOutput(GraphWriter.floatValue(ScoreName.PIXEL_STATISTICS.id(), List.of()));
            graph.addOutput(GraphWriter.floatValue(ScoreName.ENSEMBLE.id(), List.of()));
        }
        if (explains(model)) {
            contributions(model, main.layers().get(standardisedLayer(model)), energy, explained, w.scoped("reset/"));
            graph.addOutput(GraphWriter.floatValue(TensorNames.CONTRIBUTIONS, List.of(explained.length)));
        }

        return model(graph, metadata);
    }

    private static ModelProto model(GraphProto.Builder graph, Map<String, String> metadata) {
        ModelProto.Builder proto = ModelProto.newBuilder().setIrVersion(8).setProducerName(PRODUCER)
                .setProducerVersion("1").setDomain("io.energysentinel")
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET))
                .setGraph(graph);
        metadata.forEach((k, v) -> proto.addMetadataProps(StringStringEntryProto.newBuilder().setKey(k).setValue(v)));
        return proto.build();
    }

    /** Name of the input-gradient output of {@link #gradientProto}: dE/dx, the shape of the input. */
    public static final String ENERGY_GRADIENT = "energy_grad";

    /**
     * A graph of the main energy and its input gradient dE/dx (each item's energy differentiated by its own input), for
     * samplers to take Langevin, MALA and HMC steps in ONNX Runtime: the forward layers, then their vector-Jacobian
     * products in reverse (linear as MatMul with the weight, conv as ConvTranspose with the same kernel, LeakyReLU and
     * Swish by their derivatives, clamp by its mask, standardisation by 1/std, the JEM's -logsumexp by -softmax).
     * Scores other than the energy are not in it.
     */
    public static ModelProto gradientProto(TrainedModel model) {
        GraphProto.Builder graph = GraphProto.newBuilder().setName("energysentinel-grad-" + model.kind().name().toLowerCase());
        graph.addInput(GraphWriter.floatValue(TensorNames.INPUT, model.spec().inputShape()));
        GraphWriter w = new GraphWriter(graph, "");
        NetworkOutputs main = network(model, TensorNames.INPUT, w.scoped("main/"));
        energy(model.kind(), main.output(), w, TensorNames.ENERGY);
        graph.addOutput(GraphWriter.floatValue(TensorNames.ENERGY, List.of()));

        GraphWriter b = w.scoped("grad/");
        String g;
        if (model.kind() == ModelKind.JEM) {
            g = b.node("Neg", List.of(b.node("Softmax", List.of(main.output()), null, GraphWriter.intAttr("axis", 1))), null);
        } else {
            // dE/d(output) = 1 for an energy that is the single output unit.
            String zero = b.node("Sub", List.of(main.output(), main.output()), null);
            g = b.node("Add", List.of(zero, b.constant("one", new float[] {1f})), null);
        }
        List<LayerSpec> layers = model.spec().layers();
        List<Block> children = ((SequentialBlock) model.block()).getChildren().values();
        List<List<Integer>> inputShapes = inputShapes(model.spec());
        for (int i = layers.size() - 1; i >= 0; i--) {
            String x = i == 0 ? TensorNames.INPUT : main.layers().get(i - 1);
            g = backward(layers.get(i), children.get(i), x, main.layers().get(i), g, inputShapes.get(i), b);
        }
        b.node("Identity", List.of(g), ENERGY_GRADIENT);
        graph.addOutput(GraphWriter.floatValue(ENERGY_GRADIENT, model.spec().inputShape()));
        return model(graph, Map.of());
    }

    /** The input shape (without batch) of every layer of {@code spec}, following convolutions' spatial sizes. */
    static List<List<Integer>> inputShapes(NetworkSpec spec) {
        List<List<Integer>> out = new ArrayList<>();
        List<Integer> shape = spec.inputShape();
        for (LayerSpec layer : spec.layers()) {
            out.add(shape);
            if (layer instanceof LayerSpec.Conv c) {
                int h = (shape.get(1) + 2 * c.padding() - c.kernel()) / c.stride() + 1;
                int wd = (shape.get(2) + 2 * c.padding() - c.kernel()) / c.stride() + 1;
                shape = List.of(c.filters(), h, wd);
            } else if (layer instanceof LayerSpec.Linear l) {
                shape = List.of(l.units());
            } else if (layer instanceof LayerSpec.Flatten) {
                shape = List.of(shape.stream().reduce(1, (a, x) -> a * x));
            }
        }
        return out;
    }

    /** dE/dx of one layer {@code y = f(x)} given {@code g = dE/dy}. */
    private static String backward(LayerSpec layer, Block block, String x, String y, String g, List<Integer> inputShape, GraphWriter w) {
        if (layer instanceof LayerSpec.Conv c) {
            NDArray weight = block.getParameters().get("weight").getArray();
            String wName = w.constant("conv_w", weight.toFloatArray(), weight.getShape().getShape());
            int[] pad = new int[2];
            for (int axis = 0; axis < 2; axis++) {
                int in = inputShape.get(axis + 1);
                int out = (in + 2 * c.padding() - c.kernel()) / c.stride() + 1;
                // Rows and columns a strided convolution never reached get no gradient; ConvTranspose adds them back as zeros.
                pad[axis] = in - ((out - 1) * c.stride() + c.kernel() - 2 * c.padding());
            }
            return w.node("ConvTranspose", List.of(g, wName), null, GraphWriter.ints("kernel_shape", c.kernel(), c.kernel()),
                    GraphWriter.ints("strides", c.stride(), c.stride()),
                    GraphWriter.ints("pads", c.padding(), c.padding(), c.padding(), c.padding()),
                    GraphWriter.ints("output_padding", pad[0], pad[1]));
        } else if (layer instanceof LayerSpec.Linear) {
            NDArray weight = block.getParameters().get("weight").getArray();
            return w.node("MatMul", List.of(g, w.constant("linear_w", weight.toFloatArray(), weight.getShape().getShape())), null);
        } else if (layer instanceof LayerSpec.LeakyRelu r) {
            String positive = w.node("Greater", List.of(x, w.constant("zero", new float[] {0f})), null);
            String scaled = w.node("Mul", List.of(g, w.constant("slope", new float[] {(float) r.slope()})), null);
            return w.node("Where", List.of(positive, g, scaled), null);
        } else if (layer instanceof LayerSpec.Swish) {
            // d(x s(x))/dx = s + x s (1 - s) = s + y - y s
            String sigmoid = w.node("Sigmoid", List.of(x), null);
            String derivative = w.node("Sub", List.of(w.node("Add", List.of(sigmoid, y), null), w.node("Mul", List.of(y, sigmoid), null)), null);
            return w.node("Mul", List.of(g, derivative), null);
        } else if (layer instanceof LayerSpec.Flatten) {
            return w.node("Reshape", List.of(g, w.node("Shape", List.of(x), null)), null);
        } else if (layer instanceof LayerSpec.Clamp c) {
            String low = w.node("GreaterOrEqual", List.of(x, w.constant("clamp_min", new float[] {(float) c.min()})), null);
            String high = w.node("LessOrEqual", List.of(x, w.constant("clamp_max", new float[] {(float) c.max()})), null);
            String inside = w.node("Cast", List.of(w.node("And", List.of(low, high), null)), null, GraphWriter.intAttr("to", 1));
            return w.node("Mul", List.of(g, inside), null);
        } else if (layer instanceof LayerSpec.Standardize s) {
            float[] std = toFloats(s.std());
            return w.node("Div", List.of(g, w.constant("std", std, std.length)), null);
        }
        throw new UnsupportedLayerException("no input gradient for " + layer);
    }

    /** Output of the last layer, of the feature layer (null when none), and of every layer in order. */
    private record NetworkOutputs(String output, String features, List<String> layers) {}

    private static NetworkOutputs network(TrainedModel model, String input, GraphWriter w) {
        return network(model, 0, input, w);
    }

    /** The layers from {@code from} on, applied to {@code input}. */
    private static NetworkOutputs network(TrainedModel model, int from, String input, GraphWriter w) {
        NetworkSpec spec = model.spec();
        if (!(model.block() instanceof SequentialBlock sequential)) {
            throw new UnsupportedLayerException("expected a SequentialBlock built from the spec, got " + model.block().getClass().getName());
        }
        List<Block> children = sequential.getChildren().values();
        if (children.size() != spec.layers().size()) {
            throw new UnsupportedLayerException("block has " + children.size() + " children but the spec has "
                    + spec.layers().size() + " layers");
        }
        String current = input;
        String features = null;
        List<String> outputs = new ArrayList<>();
        for (int i = from; i < children.size(); i++) {
            current = layer(spec.layers().get(i), children.get(i), current, w, i);
            outputs.add(current);
            if (i == spec.featureLayer()) {
                features = current;
            }
        }
        return new NetworkOutputs(current, features, outputs);
    }

    /** Whether the graph explains its energy per metric: event MLPs, whose first layer standardises the metrics. */
    static boolean explains(TrainedModel model) {
        return model.kind() == ModelKind.MLP_EBM && model.spec().inputShape().size() == 1
                && model.spec().layers().get(0) instanceof LayerSpec.Standardize;
    }

    /** Index of the layer whose output is the standardised (and, when the spec clamps, clamped) metric vector. */
    static int standardisedLayer(TrainedModel model) {
        List<LayerSpec> layers = model.spec().layers();
        return layers.size() > 1 && layers.get(1) instanceof LayerSpec.Clamp ? 1 : 0;
    }

    /**
     * Adds {@link TensorNames#CONTRIBUTIONS}: for each group k of {@code explained}, E(x) minus the energy with z set to 0
     * on the group's columns (those inputs at their training mean), all g variants in one batched pass: z [B, d] times the
     * mask [g, d] (0 on each group's columns) gives [B, g, d], reshaped to [B*g, d] and run through the layers after the
     * standardisation. An honest attribution without gradients: a metric ranks first when putting it back to normal
     * lowers the energy most.
     */
    private static void contributions(TrainedModel model, String z, String energy, int[][] explained, GraphWriter w) {
        int d = model.spec().inputSize();
        int g = explained.length;
        float[] mask = new float[g * d];
        java.util.Arrays.fill(mask, 1f);
        for (int k = 0; k < g; k++) {
            for (int column : explained[k]) {
                mask[k * d + column] = 0f;
            }
        }
        String expanded = w.node("Unsqueeze", List.of(z, w.longConstant("axis1", 1)), null);
        String masked = w.node("Mul", List.of(expanded, w.constant("reset_mask", mask, g, d)), null);
        String rows = w.node("Reshape", List.of(masked, w.longConstant("rows", -1, d)), null);
        String resetOutput = network(model, standardisedLayer(model) + 1, rows, w).output();
        String reset = w.node("Reshape", List.of(resetOutput, w.longConstant("per_metric", -1, g)), null);
        String column = w.node("Unsqueeze", List.of(energy, w.longConstant("axis1", 1)), null);
        w.node("Sub", List.of(column, reset), TensorNames.CONTRIBUTIONS);
    }

    private static String layer(LayerSpec layer, Block block, String x, GraphWriter w, int index) {
        String where = "layer " + index + " (" + layer + ")";
        if (layer instanceof LayerSpec.Conv c) {
            Conv2d conv = expect(block, Conv2d.class, where);
            PairList<String, Parameter> p = conv.getParameters();
            NDArray weight = p.get("weight").getArray();
            String wName = w.constant("conv_w", weight.toFloatArray(), weight.getShape().getShape());
            String bName = w.constant("conv_b", p.get("bias").getArray().toFloatArray(), c.filters());
            return w.node("Conv", List.of(x, wName, bName), null,
                    GraphWriter.ints("kernel_shape", c.kernel(), c.kernel()),
                    GraphWriter.ints("strides", c.stride(), c.stride()),
                    GraphWriter.ints("pads", c.padding(), c.padding(), c.padding(), c.padding()));
        } else if (layer instanceof LayerSpec.Linear l) {
            Linear linear = expect(block, Linear.class, where);
            PairList<String, Parameter> p = linear.getParameters();
            NDArray weight = p.get("weight").getArray();
            String wName = w.constant("linear_w", weight.toFloatArray(), weight.getShape().getShape());
            String bName = w.constant("linear_b", p.get("bias").getArray().toFloatArray(), l.units());
            return w.node("Gemm", List.of(x, wName, bName), null, GraphWriter.intAttr("transB", 1));
        } else if (layer instanceof LayerSpec.LeakyRelu r) {
            expect(block, LambdaBlock.class, where);
            return w.node("LeakyRelu", List.of(x), null, GraphWriter.floatAttr("alpha", (float) r.slope()));
        } else if (layer instanceof LayerSpec.Swish) {
            expect(block, LambdaBlock.class, where);
            String sigmoid = w.node("Sigmoid", List.of(x), null);
            return w.node("Mul", List.of(x, sigmoid), null);
        } else if (layer instanceof LayerSpec.Flatten) {
            expect(block, LambdaBlock.class, where);
            return w.node("Flatten", List.of(x), null, GraphWriter.intAttr("axis", 1));
        } else if (layer instanceof LayerSpec.Clamp c) {
            expect(block, LambdaBlock.class, where);
            // Clip takes its bounds as scalar (rank-0) inputs since opset 11.
            String min = w.constant("clamp_min", new float[] {(float) c.min()});
            String max = w.constant("clamp_max", new float[] {(float) c.max()});
            return w.node("Clip", List.of(x, min, max), null);
        } else if (layer instanceof LayerSpec.Standardize s) {
            expect(block, LambdaBlock.class, where);
            float[] mean = toFloats(s.mean());
            float[] std = toFloats(s.std());
            String m = w.constant("mean", mean, mean.length);
            String d = w.constant("std", std, std.length);
            return w.node("Div", List.of(w.node("Sub", List.of(x, m), null), d), null);
        }
        throw new UnsupportedLayerException("no ONNX mapping for " + where);
    }

    private static String energy(ModelKind kind, String output, GraphWriter w, String name) {
        if (kind == ModelKind.JEM) {
            String lse = w.node("ReduceLogSumExp", List.of(output), null, GraphWriter.ints("axes", 1), GraphWriter.intAttr("keepdims", 0));
            return w.node("Neg", List.of(lse), name);
        }
        return w.node("Reshape", List.of(output, w.longConstant("flat", -1)), name);
    }

    /** min over classes of (f - mu_c)^T P (f - mu_c); returns the output's name ({@code name}, or generated if null). */
    private static String mahalanobis(String features, FeatureGaussians g, GraphWriter w, String name) {
        int classes = g.classMeans().length;
        int d = g.dimension();
        float[] means = new float[classes * d];
        for (int c = 0; c < classes; c++) {
            System.arraycopy(g.classMeans()[c], 0, means, c * d, d);
        }
        float[] precision = new float[d * d];
        for (int r = 0; r < d; r++) {
            System.arraycopy(g.precision()[r], 0, precision, r * d, d);
        }
        String f = w.node("Unsqueeze", List.of(features, w.longConstant("axis1", 1)), null);
        String diff = w.node("Sub", List.of(f, w.constant("class_means", means, classes, d)), null);
        String projected = w.node("MatMul", List.of(diff, w.constant("precision", precision, d, d)), null);
        String product = w.node("Mul", List.of(projected, diff), null);
        String distances = w.node("ReduceSum", List.of(product, w.longConstant("axis2", 2)), null, GraphWriter.intAttr("keepdims", 0));
        return w.node("ReduceMin", List.of(distances), name, GraphWriter.ints("axes", 1), GraphWriter.intAttr("keepdims", 0));
    }

    /**
     * deep_mahalanobis: the tap activation {@code [B, C, H, W]} pooled to per-channel spatial means and standard
     * deviations (as {@code OodScorer.pooledActivations}), its Mahalanobis distance, and both distances standardised
     * and added.
     */
    private static void deepMahalanobis(String activation, String featureDistance, DeepFeatureGaussians deep, GraphWriter w) {
        String mean = w.node("ReduceMean", List.of(activation), null, GraphWriter.ints("axes", 2, 3), GraphWriter.intAttr("keepdims", 1));
        String centred = w.node("Sub", List.of(activation, mean), null);
        String variance = w.node("ReduceMean", List.of(w.node("Mul", List.of(centred, centred), null)), null,
                GraphWriter.ints("axes", 2, 3), GraphWriter.intAttr("keepdims", 0));
        String flatMean = w.node("Flatten", List.of(mean), null, GraphWriter.intAttr("axis", 1));
        String pooled = w.node("Concat", List.of(flatMean, w.node("Sqrt", List.of(variance), null)), null, GraphWriter.intAttr("axis", 1));
        String tapDistance = mahalanobis(pooled, deep.tapGaussians(), w, null);
        String tap = w.node("Div", List.of(w.node("Sub", List.of(tapDistance, w.constant("tap_center", new float[] {(float) deep.tapCenter()})), null),
                w.constant("tap_scale", new float[] {(float) deep.tapScale()})), null);
        String feature = w.node("Div", List.of(w.node("Sub", List.of(featureDistance,
                        w.constant("feature_center", new float[] {(float) deep.featureCenter()})), null),
                w.constant("feature_scale", new float[] {(float) deep.featureScale()})), null);
        w.node("Add", List.of(tap, feature), ScoreName.DEEP_MAHALANOBIS.id());
    }

    /**
     * pixel_statistics and ensemble (as {@link PixelStatistics#of} and {@link PixelStatistics#ensemble}): the input
     * averaged over channels, neighbour differences and the Laplacian as fixed convolutions, their mean absolute values,
     * the mean and the standard deviation, each {@code log(value + FLOOR)}; their Mahalanobis distance; and the larger of
     * it and {@code deepDistance}, each on its held-out scale.
     */
    private static void pixelStatistics(PixelStatistics pixels, String deepDistance, GraphWriter w) {
        String gray = w.node("ReduceMean", List.of(TensorNames.INPUT), null, GraphWriter.ints("axes", 1), GraphWriter.intAttr("keepdims", 1));
        String horizontal = meanAbsolute(w.node("Conv", List.of(gray, w.constant("horizontal", new float[] {-1, 1}, 1, 1, 1, 2)), null), w);
        String vertical = meanAbsolute(w.node("Conv", List.of(gray, w.constant("vertical", new float[] {-1, 1}, 1, 1, 2, 1)), null), w);
        String laplacian = meanAbsolute(w.node("Conv", List.of(gray, w.constant("laplacian",
                new float[] {0, -1, 0, -1, 4, -1, 0, -1, 0}, 1, 1, 3, 3)), null), w);
        String mean = w.node("ReduceMean", List.of(gray), null, GraphWriter.ints("axes", 1, 2, 3), GraphWriter.intAttr("keepdims", 1));
        String centred = w.node("Sub", List.of(gray, mean), null);
        String contrast = w.node("Sqrt", List.of(w.node("ReduceMean", List.of(w.node("Mul", List.of(centred, centred), null)), null,
                GraphWriter.ints("axes", 1, 2, 3), GraphWriter.intAttr("keepdims", 0))), null);
        String flatMean = w.node("Reshape", List.of(mean, w.longConstant("flat", -1)), null);
        List<String> columns = new ArrayList<>();
        for (String statistic : List.of(horizontal, vertical, laplacian, flatMean, contrast)) {
            columns.add(w.node("Unsqueeze", List.of(statistic, w.longConstant("axis1", 1)), null));
        }
        String statistics = w.node("Log", List.of(w.node("Add", List.of(w.node("Concat", columns, null, GraphWriter.intAttr("axis", 1)),
                w.constant("floor", new float[] {PixelStatistics.FLOOR})), null)), null);
        String distance = mahalanobis(statistics, pixels.gaussian(), w, ScoreName.PIXEL_STATISTICS.id());
        String deep = w.node("Div", List.of(w.node("Sub", List.of(deepDistance, w.constant("deep_center", new float[] {(float) pixels.deepCenter()})), null),
                w.constant("deep_spread", new float[] {(float) pixels.deepSpread()})), null);
        String pixel = w.node("Div", List.of(w.node("Sub", List.of(distance, w.constant("pixel_center", new float[] {(float) pixels.pixelCenter()})), null),
                w.constant("pixel_spread", new float[] {(float) pixels.pixelSpread()})), null);
        w.node("Max", List.of(deep, pixel), ScoreName.ENSEMBLE.id());
    }

    /** Mean absolute value over every axis but the batch, {@code [B]}. */
    private static String meanAbsolute(String x, GraphWriter w) {
        return w.node("ReduceMean", List.of(w.node("Abs", List.of(x), null)), null, GraphWriter.ints("axes", 1, 2, 3),
                GraphWriter.intAttr("keepdims", 0));
    }

    private static <T extends Block> T expect(Block block, Class<T> type, String where) {
        if (!type.isInstance(block)) {
            throw new UnsupportedLayerException(where + " is a " + block.getClass().getSimpleName() + ", expected " + type.getSimpleName());
        }
        return type.cast(block);
    }

    private static float[] toFloats(List<Double> values) {
        float[] out = new float[values.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = values.get(i).floatValue();
        }
        return out;
    }
}
