package lodi.autograd;

/**
 * A fully connected layer, y = x·Wᵀ + b, with weight [out, in] and bias [out] as in PyTorch.
 *
 * <p>Shape legend: R = rows, I = in features, O = out features.
 */
public final class Linear extends Module implements UnaryModule {
    private final Parameter weight;
    private final Parameter bias;

    /** PyTorch's default initialisation (weight and bias U(±1/√in)) from the given seed and stream. */
    public Linear(int in, int out, boolean withBias, long seed, long stream) {
        weight = registerParameter("weight", Init.kaimingUniform(seed, 2 * stream, out, in));
        bias = withBias
                ? registerParameter("bias", Init.uniform(seed, 2 * stream + 1, (float) (1.0 / Math.sqrt(in)), out))
                : null;
    }

    /** x [R, I] → x·Wᵀ + b [R, O]. */
    @Override
    public Variable forward(Variable x) {
        return MatrixOps.linear(x, weight, bias);
    }

    public Parameter weight() {
        return weight;
    }

    /** The bias, or null for a layer without one. */
    public Parameter bias() {
        return bias;
    }

    public int inFeatures() {
        return weight.value().dim(1);
    }

    public int outFeatures() {
        return weight.value().dim(0);
    }
}
