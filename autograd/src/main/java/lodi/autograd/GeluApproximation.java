package lodi.autograd;

/** Which GELU: PyTorch's {@code approximate="tanh"} (BERT's original code) or the exact erf form ("none"). */
public enum GeluApproximation {
    /** ½x(1 + tanh(√(2/π)(x + 0.044715x³))). */
    TANH,
    /** x·Φ(x) = ½x(1 + erf(x/√2)), HuggingFace's {@code "gelu"}. */
    ERF
}
