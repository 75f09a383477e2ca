package lodi.autograd;

import lodi.tensor.LayerNormKernel;
import lodi.tensor.Tensor;

/**
 * Layer normalisation over the last dimension with a learnt scale {@code weight} (gamma, ones) and shift
 * {@code bias} (beta, zeros), as PyTorch's {@code nn.LayerNorm}. The default eps is BERT's 1e-12.
 */
public final class LayerNorm extends Module {
    private final Parameter weight;
    private final Parameter bias;
    private final float eps;

    public LayerNorm(int normalizedShape) {
        this(normalizedShape, LayerNormKernel.DEFAULT_EPS);
    }

    public LayerNorm(int normalizedShape, float eps) {
        this.weight = registerParameter("weight", Tensor.full(1f, normalizedShape));
        this.bias = registerParameter("bias", Tensor.zeros(normalizedShape));
        this.eps = eps;
    }

    public Variable forward(Variable x) {
        return NormOps.layerNorm(x, weight, bias, eps);
    }

    public Parameter weight() {
        return weight;
    }

    public Parameter bias() {
        return bias;
    }

    public float eps() {
        return eps;
    }
}
