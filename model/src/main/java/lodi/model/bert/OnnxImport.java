package lodi.model.bert;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import lodi.model.io.Onnx;
import lodi.tensor.Tensor;

/**
 * A BERT-family encoder exported to ONNX (HuggingFace's {@code torch.onnx} export, as sentence-transformers
 * ships it) as HuggingFace-named tensors that {@link Checkpoints#loadBackbone} loads.
 *
 * <p>The export keeps HuggingFace's names on the embeddings, every bias and every LayerNorm
 * ({@code encoder.layer.0.attention.self.query.bias}), but the projection weights of each layer are anonymous
 * ({@code onnx::MatMul_787}) and stored [in, out]. Each is the second input of a {@code MatMul} whose output
 * feeds an {@code Add} with the projection's named bias: that bias names the weight, which is transposed to
 * HuggingFace's [out, in]. The head count is not a tensor: it is the third entry of the shape that the first
 * layer's query is reshaped to ({@code [batch, seq, heads, head_dim]}).
 */
public final class OnnxImport {
    private OnnxImport() {
    }

    /**
     * Every weight of the graph under its HuggingFace name; {@code origin} names the file in errors.
     *
     * @throws IllegalArgumentException when a weight matrix cannot be named by the pattern above
     */
    public static Map<String, Tensor> huggingFaceTensors(Onnx.Graph graph, String origin) {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        for (Onnx.Initializer initializer : graph.initializers().values()) {
            if (!anonymous(initializer.name()) && initializer.dataType() == Onnx.FLOAT) {
                tensors.put(initializer.name(), initializer.toTensor());
            }
        }
        for (Onnx.Node node : graph.nodes()) {
            if (!node.opType().equals("MatMul") || node.inputs().size() != 2) {
                continue;
            }
            Onnx.Initializer weight = graph.initializers().get(node.inputs().get(1));
            if (weight == null) {
                continue; // an activation product (attention scores), not a projection
            }
            String bias = namedBias(graph, node.outputs().getFirst());
            if (bias == null) {
                problems.add("MatMul '" + node.name() + "' with weight " + weight.name()
                        + " feeds no Add with a named '.bias' tensor (unsupported op pattern)");
                continue;
            }
            String name = bias.substring(0, bias.length() - ".bias".length()) + ".weight";
            Tensor inOut = weight.toTensor();
            if (inOut.rank() != 2) {
                problems.add(weight.name() + " (for " + name + ") has rank " + inOut.rank() + ", not 2");
                continue;
            }
            tensors.put(name, transpose(inOut));
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(origin + ": " + String.join("; ", problems));
        }
        return tensors;
    }

    /**
     * The encoder's shape read from the graph, with the diffusion settings (time conditioning, timesteps,
     * dropout, tying) of {@code diffusion}: sizes from the tensors' shapes, the head count from the query reshape,
     * BERT's GELU (erf) and LayerNorm ε 1e-12.
     */
    public static DenoiserConfig config(Onnx.Graph graph, Map<String, Tensor> tensors, String origin,
                                        DenoiserConfig diffusion) {
        Tensor words = require(tensors, "embeddings.word_embeddings.weight", origin);
        Tensor positions = require(tensors, "embeddings.position_embeddings.weight", origin);
        Tensor types = require(tensors, "embeddings.token_type_embeddings.weight", origin);
        Tensor intermediate = require(tensors, "encoder.layer.0.intermediate.dense.weight", origin);
        int layers = 0;
        while (tensors.containsKey("encoder.layer." + layers + ".attention.self.query.weight")) {
            layers++;
        }
        int hidden = words.dim(1);
        int heads = heads(graph, hidden, origin);
        return new DenoiserConfig(words.dim(0), hidden, layers, heads, intermediate.dim(0), positions.dim(0),
                types.dim(0), 1e-12, diffusion.hiddenDropout(), "gelu", diffusion.tieWordEmbeddings(), false,
                diffusion.timeConditioning(), diffusion.numTimesteps());
    }

    private static boolean anonymous(String name) {
        return name.startsWith("onnx::") || name.isEmpty();
    }

    /** The named {@code .bias} initializer added to {@code value} by the Add that reads it, or null. */
    private static String namedBias(Onnx.Graph graph, String value) {
        for (Onnx.Node add : graph.consumers(value)) {
            if (!add.opType().equals("Add")) {
                continue;
            }
            for (String input : add.inputs()) {
                if (!input.equals(value) && input.endsWith(".bias") && graph.initializers().containsKey(input)) {
                    return input;
                }
            }
        }
        return null;
    }

    /** The head count: entry 2 of the shape the first query projection is reshaped to. */
    private static int heads(Onnx.Graph graph, int hidden, String origin) {
        String queryBias = "encoder.layer.0.attention.self.query.bias";
        for (Onnx.Node add : graph.nodes()) {
            if (!add.opType().equals("Add") || !add.inputs().contains(queryBias)) {
                continue;
            }
            for (Onnx.Node reshape : graph.consumers(add.outputs().getFirst())) {
                if (reshape.opType().equals("Reshape") && reshape.inputs().size() == 2) {
                    long heads = shapeEntry(graph, reshape.inputs().get(1), 2);
                    if (heads > 0 && hidden % heads == 0) {
                        return (int) heads;
                    }
                }
            }
        }
        throw new IllegalArgumentException(origin + ": cannot find the attention head count (no Reshape of the first"
                + " query projection to [batch, seq, heads, head_dim])");
    }

    /** Entry {@code index} of a shape given as a constant or as a Concat of constants and dynamic sizes; -1 if unknown. */
    private static long shapeEntry(Onnx.Graph graph, String shape, int index) {
        long[] constant = constant(graph, shape);
        if (constant != null) {
            return constant.length > index ? constant[index] : -1;
        }
        Onnx.Node concat = graph.producer(shape);
        if (concat == null || !concat.opType().equals("Concat") || concat.inputs().size() <= index) {
            return -1;
        }
        long[] entry = constant(graph, concat.inputs().get(index));
        return entry != null && entry.length == 1 ? entry[0] : -1;
    }

    /** The integer values of an initializer or a Constant node's output; null if it is neither. */
    private static long[] constant(Onnx.Graph graph, String value) {
        Onnx.Initializer initializer = graph.initializers().get(value);
        if (initializer == null) {
            Onnx.Node producer = graph.producer(value);
            if (producer != null && producer.opType().equals("Constant")) {
                initializer = producer.tensorAttributes().get("value");
            }
        }
        if (initializer == null || (initializer.dataType() != Onnx.INT64 && initializer.dataType() != Onnx.INT32)) {
            return null;
        }
        return initializer.integers();
    }

    private static Tensor require(Map<String, Tensor> tensors, String name, String origin) {
        Tensor tensor = tensors.get(name);
        if (tensor == null) {
            throw new IllegalArgumentException(origin + ": missing tensor " + name + " (not a BERT-family encoder?)");
        }
        return tensor;
    }

    /** [in, out] → [out, in]. */
    private static Tensor transpose(Tensor inOut) {
        int in = inOut.dim(0);
        int out = inOut.dim(1);
        float[] source = inOut.data();
        float[] target = new float[in * out];
        for (int i = 0; i < in; i++) {
            for (int o = 0; o < out; o++) {
                target[o * in + i] = source[inOut.offset() + i * out + o];
            }
        }
        return Tensor.of(target, out, in);
    }
}
