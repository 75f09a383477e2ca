package lodi.autograd;

/** A fully connected layer, y = x·Wᵀ + b, with weight [out, in] and bias [out] as in PyTorch. */
public final class Linear extends Module {
    private final Parameter weight;
    private final Parameter bias;

    /** PyTorch's default initialisation (weight and bias U(±1/√in)) from the given seed and stream. */
    public Linear(int in, int out, boolean withBias, long seed, long stream) {
        weight = registerParameter("weight", Init.kaimingUniform(seed, 2 * stream, out, in));
        bias = withBias
                ? registerParameter("bias", Init.uniform(seed, 2 * stream + 1, (float) (1.0 / Math.sqrt(in)), out))
                : null;
    }

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
