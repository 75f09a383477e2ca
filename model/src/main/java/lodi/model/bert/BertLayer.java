package lodi.model.bert;

import lodi.autograd.AttentionOps;
import lodi.autograd.ElementwiseOps;
import lodi.autograd.GeluApproximation;
import lodi.autograd.Linear;
import lodi.autograd.Module;
import lodi.autograd.Variable;

/**
 * One transformer layer with HuggingFace BERT's parameter names: {@code attention.self.{query,key,value}},
 * {@code attention.output.{dense,LayerNorm}}, {@code intermediate.dense}, {@code output.{dense,LayerNorm}}.
 *
 * <p>R = B·S rows, D = hidden size, H = heads, F = intermediate (FFN) size.
 */
public final class BertLayer extends Module {
    final SelfAttention selfAttention;
    final BertOutput attentionOutput;
    final Linear intermediate;
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
        Module intermediateHolder = registerModule("intermediate", new Holder());
        intermediate = intermediateHolder.registerModule("dense",
                BertInit.linear(config.hiddenSize(), config.intermediateSize(), seed, name + ".intermediate.dense"));
        output = registerModule("output",
                new BertOutput(config.intermediateSize(), config.hiddenSize(), config, seed, name + ".output"));
        heads = config.numHeads();
        preLayerNorm = config.preLayerNorm();
        gelu = config.hiddenAct().equals("gelu") ? GeluApproximation.ERF : GeluApproximation.TANH;
        streamBase = BertInit.stream(name);
    }

    /** x [B·S, D] → [B·S, D]; {@code keep} [B·S] marks real (non-padding) tokens. */
    Variable forward(Variable x, int batch, boolean[] keep, long dropoutSeed) {
        Variable attentionIn = preLayerNorm ? attentionOutput.norm.forward(x) : x;
        Variable context = selfAttention.forward(attentionIn, batch, heads, keep);
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

    /** The query, key, value, attention-output, FFN-up and FFN-down projections by their module path. */
    public java.util.Map<String, Linear> projections() {
        var all = new java.util.LinkedHashMap<String, Linear>();
        all.put("attention.self.query", selfAttention.query);
        all.put("attention.self.key", selfAttention.key);
        all.put("attention.self.value", selfAttention.value);
        all.put("attention.output.dense", attentionOutput.dense);
        all.put("intermediate.dense", intermediate);
        all.put("output.dense", output.dense);
        return all;
    }

    /** Multi-head self-attention: Q, K, V projections and the fused scaled-dot-product attention. */
    static final class SelfAttention extends Module {
        final Linear query;
        final Linear key;
        final Linear value;

        SelfAttention(int hidden, long seed, String name) {
            query = registerModule("query", BertInit.linear(hidden, hidden, seed, name + ".query"));
            key = registerModule("key", BertInit.linear(hidden, hidden, seed, name + ".key"));
            value = registerModule("value", BertInit.linear(hidden, hidden, seed, name + ".value"));
        }

        Variable forward(Variable x, int batch, int heads, boolean[] keep) {
            return AttentionOps.scaledDotProductAttention(query.forward(x), key.forward(x), value.forward(x), batch,
                    heads, keep);
        }
    }

    /** A module that only names a level of the hierarchy (HuggingFace's {@code attention}, {@code intermediate}). */
    static final class Holder extends Module {
    }
}
