package lodi.model.bert;

import lodi.autograd.ElementwiseOps;
import lodi.autograd.LayerNorm;
import lodi.autograd.Module;
import lodi.autograd.RandomOps;
import lodi.autograd.UnaryModule;
import lodi.autograd.Variable;

/**
 * The end of a sub-layer (HuggingFace's BertSelfOutput and BertOutput): project, dropout, an optional
 * adapter, then the residual connection, normalised after it (post-LN) or not (pre-LN, where
 * {@link #norm} is applied to the sub-layer's input instead).
 */
final class BertOutput extends Module {
    UnaryModule dense;
    final LayerNorm norm;
    private final boolean preLayerNorm;
    private final float dropout;
    private OutputAdapter adapter;

    BertOutput(int in, int out, DenoiserConfig config, long seed, String name) {
        dense = registerModule("dense", BertInit.linear(in, out, seed, name + ".dense"));
        norm = registerModule("LayerNorm", new LayerNorm(out, (float) config.layerNormEps()));
        preLayerNorm = config.preLayerNorm();
        dropout = (float) config.hiddenDropout();
    }

    /** h [R, in], residual [R, out] → [R, out]. */
    Variable forward(Variable h, Variable residual, long dropoutSeed, long stream) {
        Variable y = RandomOps.dropout(dense.forward(h), dropout, dropoutSeed, stream, isTraining());
        if (adapter != null) {
            y = adapter.forward(y);
        }
        Variable sum = ElementwiseOps.add(y, residual);
        return preLayerNorm ? sum : norm.forward(sum);
    }

    void setAdapter(OutputAdapter newAdapter) {
        if (adapter != null) {
            throw new IllegalStateException("this sub-layer already has an adapter");
        }
        adapter = registerModule("adapter", newAdapter);
    }

    OutputAdapter adapter() {
        return adapter;
    }
}
