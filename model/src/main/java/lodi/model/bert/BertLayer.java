package lodi.model.bert;

import lodi.autograd.AttentionOps;
import lodi.autograd.ElementwiseOps;
import lodi.autograd.GeluApproximation;
import lodi.autograd.Linear;
import lodi.autograd.Module;
import lodi.autograd.UnaryModule;
import lodi.autograd.Variable;
import lodi.tensor.Sequences;

/**
 * One transformer layer with HuggingFace BERT's parameter names: {@code attention.self.{query,key,value}},
 * {@code attention.output.{dense,LayerNorm}}, {@code intermediate.dense}, {@code output.{dense,LayerNorm}}.
 *
 * <p>T = flat positions, D = hidden size, H = heads, F = intermediate (FFN) size.
 */
public final class BertLayer extends Module {
    final SelfAttention selfAttention;
    final BertOutput attentionOutput;
    private final Module intermediateHolder;
    private UnaryModule intermediate;
    final BertOutput output;
    private final int heads;
    private final boolean preLayerNorm;
    private final GeluApproximation gelu;
    private final long streamBase;

    BertLayer(DenoiserConfig config, long seed, String name) {
        Module attention = registerModule("attention", new Holder());
        selfAttention = attention.registerModule("self", new SelfAttention(config.hiddenSize(), seed, name + ".attention.self"));
        attentionOutput = attention.registerModule("output",
                new BertOutput(config.hiddenSize(), config.hiddenSize(), config, seed, name + ".attention.output"));
        intermediateHolder = registerModule("intermediate", new Holder());
        intermediate = intermediateHolder.registerModule("dense",
                BertInit.linear(config.hiddenSize(), config.intermediateSize(), seed, name + ".intermediate.dense"));
        output = registerModule("output",
                new BertOutput(config.intermediateSize(), config.hiddenSize(), config, seed, name + ".output"));
        heads = config.numHeads();
        preLayerNorm = config.preLayerNorm();
        gelu = config.gelu();
        streamBase = BertInit.stream(name);
    }

    /** x [T, D] → [T, D]; attention stays within each of the {@code sequences} (rows of the batch). */
    Variable forward(Variable x, Sequences sequences, long dropoutSeed) {
        Variable attentionIn = preLayerNorm ? attentionOutput.norm.forward(x) : x;
        Variable context = selfAttention.forward(attentionIn, sequences, heads);
        x = attentionOutput.forward(context, x, dropoutSeed, streamBase);
        Variable ffnIn = preLayerNorm ? output.norm.forward(x) : x;
        Variable hidden = ElementwiseOps.gelu(intermediate.forward(ffnIn), gelu);
        return output.forward(hidden, x, dropoutSeed, streamBase + 1);
    }

    /** Inserts an adapter after the attention output projection ({@code attention.output.adapter}). */
    public void setAttentionAdapter(OutputAdapter adapter) {
        attentionOutput.setAdapter(adapter);
    }

    /** Inserts an adapter after the FFN output projection ({@code output.adapter}). */
    public void setOutputAdapter(OutputAdapter adapter) {
        output.setAdapter(adapter);
    }

    /** The paths of the query, key, value, attention-output, FFN-up and FFN-down projections. */
    public static final java.util.List<String> PROJECTIONS = java.util.List.of("attention.self.query",
            "attention.self.key", "attention.self.value", "attention.output.dense", "intermediate.dense", "output.dense");

    /** The projection at {@code path} (one of {@link #PROJECTIONS}) as this layer was built. */
    public Linear projection(String path) {
        UnaryModule module = projectionModule(path);
        if (!(module instanceof Linear linear)) {
            throw new IllegalStateException(path + " is already wrapped by " + module.getClass().getSimpleName());
        }
        return linear;
    }

    /**
     * Puts {@code module} in the place of the projection at {@code path}, under the same name (a method's layer
     * that wraps the projection, as HuggingFace PEFT's LoRA layer does).
     */
    public <M extends Module & UnaryModule> void replaceProjection(String path, M module) {
        projectionModule(path); // the path must name a projection
        switch (path) {
            case "attention.self.query" -> selfAttention.query = selfAttention.replaceModule("query", module);
            case "attention.self.key" -> selfAttention.key = selfAttention.replaceModule("key", module);
            case "attention.self.value" -> selfAttention.value = selfAttention.replaceModule("value", module);
            case "attention.output.dense" -> attentionOutput.dense = attentionOutput.replaceModule("dense", module);
            case "intermediate.dense" -> intermediate = intermediateHolder.replaceModule("dense", module);
            default -> output.dense = output.replaceModule("dense", module);
        }
    }

    private UnaryModule projectionModule(String path) {
        return switch (path) {
            case "attention.self.query" -> selfAttention.query;
            case "attention.self.key" -> selfAttention.key;
            case "attention.self.value" -> selfAttention.value;
            case "attention.output.dense" -> attentionOutput.dense;
            case "intermediate.dense" -> intermediate;
            case "output.dense" -> output.dense;
            default -> throw new IllegalArgumentException("no projection '" + path + "'; projections: " + PROJECTIONS);
        };
    }

    /** Multi-head self-attention: Q, K, V projections and the fused scaled-dot-product attention. */
    static final class SelfAttention extends Module {
        UnaryModule query;
        UnaryModule key;
        UnaryModule value;

        SelfAttention(int hidden, long seed, String name) {
            query = registerModule("query", BertInit.linear(hidden, hidden, seed, name + ".query"));
            key = registerModule("key", BertInit.linear(hidden, hidden, seed, name + ".key"));
            value = registerModule("value", BertInit.linear(hidden, hidden, seed, name + ".value"));
        }

        Variable forward(Variable x, Sequences sequences, int heads) {
            return AttentionOps.scaledDotProductAttention(query.forward(x), key.forward(x), value.forward(x),
                    sequences, heads);
        }
    }

    /** A module that only names a level of the hierarchy (HuggingFace's {@code attention}, {@code intermediate}). */
    static final class Holder extends Module {
    }
}
