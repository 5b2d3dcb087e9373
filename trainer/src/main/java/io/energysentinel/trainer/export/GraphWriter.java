package io.energysentinel.trainer.export;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import java.util.List;

/** Appends nodes and float initializers to an ONNX graph under unique, readable names. */
final class GraphWriter {
    private final GraphProto.Builder graph;
    private final String prefix;
    private int counter;

    GraphWriter(GraphProto.Builder graph, String prefix) {
        this.graph = graph;
        this.prefix = prefix;
    }

    /** A writer for the same graph whose names start with {@code childPrefix}. */
    GraphWriter scoped(String childPrefix) {
        return new GraphWriter(graph, prefix + childPrefix);
    }

    /** Adds a float initializer and returns its name. */
    String constant(String name, float[] values, long... dims) {
        String full = unique(name);
        TensorProto.Builder t = TensorProto.newBuilder().setName(full).setDataType(TensorProto.DataType.FLOAT.getNumber());
        for (long d : dims) {
            t.addDims(d);
        }
        for (float v : values) {
            t.addFloatData(v);
        }
        graph.addInitializer(t);
        return full;
    }

    /** Adds an int64 initializer (shapes, axes) and returns its name. */
    String longConstant(String name, long... values) {
        String full = unique(name);
        TensorProto.Builder t = TensorProto.newBuilder().setName(full).setDataType(TensorProto.DataType.INT64.getNumber())
                .addDims(values.length);
        for (long v : values) {
            t.addInt64Data(v);
        }
        graph.addInitializer(t);
        return full;
    }

    /** Adds a node with one output named after {@code op} (or {@code output} when given) and returns the output. */
    String node(String op, List<String> inputs, String output, AttributeProto... attributes) {
        String out = output != null ? output : unique(op.toLowerCase());
        NodeProto.Builder n = NodeProto.newBuilder().setOpType(op).setName(unique(op + "_node")).addAllInput(inputs).addOutput(out);
        for (AttributeProto a : attributes) {
            n.addAttribute(a);
        }
        graph.addNode(n);
        return out;
    }

    static AttributeProto ints(String name, long... values) {
        AttributeProto.Builder a = AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
        for (long v : values) {
            a.addInts(v);
        }
        return a.build();
    }

    static AttributeProto intAttr(String name, long value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT).setI(value).build();
    }

    static AttributeProto floatAttr(String name, float value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.FLOAT).setF(value).build();
    }

    /** A float tensor value-info whose first dimension is the symbolic batch. */
    static ValueInfoProto floatValue(String name, List<Integer> dimsAfterBatch) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder()
                .addDim(TensorShapeProto.Dimension.newBuilder().setDimParam("batch"));
        for (int d : dimsAfterBatch) {
            shape.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        }
        TypeProto type = TypeProto.newBuilder().setTensorType(TypeProto.Tensor.newBuilder()
                .setElemType(TensorProto.DataType.FLOAT.getNumber()).setShape(shape)).build();
        return ValueInfoProto.newBuilder().setName(name).setType(type).build();
    }

    private String unique(String name) {
        return prefix + name + "_" + (counter++);
    }
}
