package lodi.model.io;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import lodi.tensor.Tensor;

/**
 * Reads the parts of an ONNX model ({@code onnx.proto}'s {@code ModelProto}) that an import needs: the
 * graph's initializers (the weights) and its nodes (op type, input and output names, tensor attributes such
 * as a {@code Constant}'s value). Everything else (opsets, value infos, metadata, sub-graphs) is skipped.
 *
 * <p>Field numbers, from onnx.proto: ModelProto.graph 7; GraphProto.node 1, initializer 5, input 11, output 12;
 * NodeProto.input 1, output 2, name 3, op_type 4, attribute 5; AttributeProto.name 1, t 5;
 * TensorProto.dims 1, data_type 2, float_data 4, int32_data 5, int64_data 7, name 8, raw_data 9,
 * data_location 14. Tensor data is little-endian, row-major.
 */
public final class Onnx {
    /** TensorProto.DataType values lodi reads. */
    public static final int FLOAT = 1;
    public static final int INT32 = 6;
    public static final int INT64 = 7;

    private Onnx() {
    }

    /** The graph: its nodes in order, its initializers by name, and the names of its inputs and outputs. */
    public record Graph(List<Node> nodes, Map<String, Initializer> initializers, List<String> inputs,
                        List<String> outputs) {
        /** The node that produces {@code value}, or null (a graph input or initializer). */
        public Node producer(String value) {
            for (Node node : nodes) {
                if (node.outputs().contains(value)) {
                    return node;
                }
            }
            return null;
        }

        /** Every node that reads {@code value}. */
        public List<Node> consumers(String value) {
            return nodes.stream().filter(n -> n.inputs().contains(value)).toList();
        }
    }

    /** One node: {@code opType(inputs) -> outputs}, with its tensor-valued attributes by name. */
    public record Node(String name, String opType, List<String> inputs, List<String> outputs,
                       Map<String, Initializer> tensorAttributes) {
    }

    /**
     * A stored tensor. Its values are in {@code raw} (little-endian bytes) or, for files that use the typed
     * fields, in {@code floats} or {@code longs}.
     */
    public record Initializer(String name, int dataType, long[] dims, ByteBuffer raw, float[] floats, long[] longs) {
        /** The tensor as float32, checking that its byte count matches its shape. */
        public Tensor toTensor() {
            if (dataType != FLOAT) {
                throw new IllegalArgumentException("tensor " + name + " has ONNX data type " + dataType
                        + ", not FLOAT (1)");
            }
            int[] shape = shape();
            long size = 1;
            for (int dim : shape) {
                size *= dim;
                if (size > Integer.MAX_VALUE / 4) {
                    throw new IllegalArgumentException("tensor " + name + " of shape " + Arrays.toString(shape)
                            + " is too large");
                }
            }
            long stored = raw != null ? raw.remaining() : 4L * (floats == null ? 0 : floats.length);
            if (stored != 4 * size) {
                throw new IllegalArgumentException("tensor " + name + " of shape " + Arrays.toString(shape) + " holds "
                        + stored + " bytes, not " + 4 * size);
            }
            float[] data = new float[(int) size];
            if (raw != null) {
                raw.duplicate().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(data);
            } else {
                System.arraycopy(floats, 0, data, 0, data.length);
            }
            return Tensor.of(data, shape.length == 0 ? new int[] {1} : shape);
        }

        /** An integer tensor's values (INT64 or INT32). */
        public long[] integers() {
            if (dataType != INT64 && dataType != INT32) {
                throw new IllegalArgumentException("tensor " + name + " has ONNX data type " + dataType
                        + ", not an integer type");
            }
            if (raw != null) {
                ByteBuffer bytes = raw.duplicate().order(ByteOrder.LITTLE_ENDIAN);
                int width = dataType == INT64 ? 8 : 4;
                long[] values = new long[bytes.remaining() / width];
                for (int i = 0; i < values.length; i++) {
                    values[i] = width == 8 ? bytes.getLong() : bytes.getInt();
                }
                return values;
            }
            return longs == null ? new long[0] : longs.clone();
        }

        public int[] shape() {
            int[] shape = new int[dims.length];
            for (int i = 0; i < dims.length; i++) {
                if (dims[i] < 0 || dims[i] > Integer.MAX_VALUE) {
                    throw new IllegalArgumentException("tensor " + name + " has dimension " + dims[i]);
                }
                shape[i] = (int) dims[i];
            }
            return shape;
        }
    }

    /** Reads an {@code .onnx} file (memory-mapped). */
    public static Graph read(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            if (channel.size() > Integer.MAX_VALUE) {
                throw new IllegalArgumentException(file + ": ONNX files over 2 GiB (external data) are not supported");
            }
            ByteBuffer bytes = channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size());
            return parse(bytes, file.toString());
        }
    }

    /** Reads an ONNX model from a stream (a resource inside a jar); {@code origin} names it in errors. */
    public static Graph read(InputStream in, String origin) throws IOException {
        return parse(ByteBuffer.wrap(in.readAllBytes()), origin);
    }

    private static Graph parse(ByteBuffer bytes, String origin) {
        try {
            ProtoReader model = new ProtoReader(bytes, 0);
            Graph graph = null;
            while (model.hasMore()) {
                if (model.nextField() == 7) {
                    graph = graph(model.readMessage());
                } else {
                    model.skip();
                }
            }
            if (graph == null) {
                throw new IllegalArgumentException("no graph (is it an ONNX model?)");
            }
            return graph;
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(origin + ": not a readable ONNX model: " + e.getMessage(), e);
        }
    }

    private static Graph graph(ProtoReader in) {
        List<Node> nodes = new ArrayList<>();
        Map<String, Initializer> initializers = new LinkedHashMap<>();
        List<String> inputs = new ArrayList<>();
        List<String> outputs = new ArrayList<>();
        while (in.hasMore()) {
            switch (in.nextField()) {
                case 1 -> nodes.add(node(in.readMessage()));
                case 5 -> {
                    Initializer tensor = tensor(in.readMessage());
                    initializers.put(tensor.name(), tensor);
                }
                case 11 -> inputs.add(valueName(in.readMessage()));
                case 12 -> outputs.add(valueName(in.readMessage()));
                default -> in.skip();
            }
        }
        return new Graph(List.copyOf(nodes), initializers, List.copyOf(inputs), List.copyOf(outputs));
    }

    private static Node node(ProtoReader in) {
        String name = "";
        String opType = "";
        List<String> inputs = new ArrayList<>();
        List<String> outputs = new ArrayList<>();
        Map<String, Initializer> attributes = new LinkedHashMap<>();
        while (in.hasMore()) {
            switch (in.nextField()) {
                case 1 -> inputs.add(in.readString());
                case 2 -> outputs.add(in.readString());
                case 3 -> name = in.readString();
                case 4 -> opType = in.readString();
                case 5 -> attribute(in.readMessage(), attributes);
                default -> in.skip();
            }
        }
        return new Node(name, opType, List.copyOf(inputs), List.copyOf(outputs), attributes);
    }

    /** Keeps a tensor-valued attribute ({@code t}); other attribute kinds are not needed. */
    private static void attribute(ProtoReader in, Map<String, Initializer> into) {
        String name = "";
        Initializer value = null;
        while (in.hasMore()) {
            switch (in.nextField()) {
                case 1 -> name = in.readString();
                case 5 -> value = tensor(in.readMessage());
                default -> in.skip();
            }
        }
        if (value != null) {
            into.put(name, value);
        }
    }

    /** ValueInfoProto: only its name (field 1). */
    private static String valueName(ProtoReader in) {
        String name = "";
        while (in.hasMore()) {
            if (in.nextField() == 1) {
                name = in.readString();
            } else {
                in.skip();
            }
        }
        return name;
    }

    private static Initializer tensor(ProtoReader in) {
        String name = "";
        int dataType = 0;
        List<Long> dims = new ArrayList<>();
        ByteBuffer raw = null;
        List<Float> floats = new ArrayList<>();
        List<Long> longs = new ArrayList<>();
        while (in.hasMore()) {
            switch (in.nextField()) {
                case 1 -> readIntegers(in, dims);
                case 2 -> dataType = (int) in.readVarint();
                case 4 -> readFloats(in, floats);
                case 5, 7 -> readIntegers(in, longs);
                case 8 -> name = in.readString();
                case 9 -> raw = in.readBytes();
                case 14 -> {
                    if (in.readVarint() != 0) {
                        throw in.malformed("tensor " + name + " keeps its data in an external file (not supported)");
                    }
                }
                default -> in.skip();
            }
        }
        float[] floatValues = new float[floats.size()];
        for (int i = 0; i < floatValues.length; i++) {
            floatValues[i] = floats.get(i);
        }
        return new Initializer(name, dataType, dims.stream().mapToLong(Long::longValue).toArray(), raw,
                floats.isEmpty() ? null : floatValues, longs.isEmpty() ? null : longs.stream().mapToLong(Long::longValue).toArray());
    }

    /** A repeated integer field, packed (one length-delimited run) or not (one varint per entry). */
    private static void readIntegers(ProtoReader in, List<Long> into) {
        if (in.wireType() == ProtoReader.LENGTH_DELIMITED) {
            ProtoReader packed = in.readMessage();
            while (packed.hasMore()) {
                into.add(packed.readVarint());
            }
        } else {
            into.add(in.readVarint());
        }
    }

    private static void readFloats(ProtoReader in, List<Float> into) {
        if (in.wireType() == ProtoReader.LENGTH_DELIMITED) {
            ByteBuffer packed = in.readBytes();
            while (packed.remaining() >= 4) {
                into.add(packed.getFloat());
            }
            if (packed.hasRemaining()) {
                throw in.malformed("a packed float array whose length is not a multiple of 4");
            }
        } else {
            into.add(in.readFloat());
        }
    }
}
