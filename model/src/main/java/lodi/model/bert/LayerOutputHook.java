package lodi.model.bert;

import lodi.autograd.Variable;
import lodi.model.TokenBatch;

/**
 * Maps each transformer layer's output hidden states before the next layer (or the output head) reads them: the
 * place where a method perturbs the denoiser's whole hidden-state trajectory rather than its final states only.
 *
 * <p>T = flat positions, D = hidden size.
 */
@FunctionalInterface
public interface LayerOutputHook {
    /**
     * Layer {@code layer}'s output [T, D] for {@code batch} at the rows' diffusion times → the states the next layer
     * reads [T, D].
     */
    Variable apply(int layer, Variable hidden, TokenBatch batch, float[] times);
}
