package lodi.model.bert;

import lodi.autograd.ElementwiseOps;
import lodi.autograd.Linear;
import lodi.autograd.Module;
import lodi.autograd.Variable;
import lodi.tensor.Tensor;

/**
 * The diffusion step as a vector: a sinusoidal embedding of t (in steps, t = time·T) through an MLP
 * D → 4D → D with SiLU, as in diffusion models since DDPM.
 */
final class TimestepEmbedding extends Module {
    private final Linear linear1;
    private final Linear linear2;
    private final int dim;

    TimestepEmbedding(int dim, long seed, String name) {
        this.dim = dim;
        linear1 = registerModule("linear_1", BertInit.linear(dim, 4 * dim, seed, name + ".linear_1"));
        linear2 = registerModule("linear_2", BertInit.linear(4 * dim, dim, seed, name + ".linear_2"));
    }

    /** steps [B] → [B, D]. */
    Variable forward(float[] steps) {
        return linear2.forward(ElementwiseOps.silu(linear1.forward(Variable.constant(sinusoidal(steps, dim)))));
    }

    /** [sin(t·ω_i), cos(t·ω_i)] with ω_i = 10000^(−i/(D/2)), the transformer's position code applied to t. */
    static Tensor sinusoidal(float[] steps, int dim) {
        int half = dim / 2;
        Tensor out = Tensor.zeros(steps.length, dim);
        for (int b = 0; b < steps.length; b++) {
            for (int i = 0; i < half; i++) {
                double angle = steps[b] * Math.exp(-Math.log(10000.0) * i / half);
                out.set(b * dim + i, (float) Math.sin(angle));
                out.set(b * dim + half + i, (float) Math.cos(angle));
            }
        }
        return out;
    }
}
