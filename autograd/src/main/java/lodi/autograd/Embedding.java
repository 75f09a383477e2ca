package lodi.autograd;

/** A lookup table of learned vectors, PyTorch's {@code nn.Embedding}: weight [num, dim]. */
public final class Embedding extends Module {
    private final Parameter weight;

    /** weight ~ N(0, 0.02²) (BERT's initialiser range) from the given seed and stream. */
    public Embedding(int num, int dim, long seed, long stream) {
        weight = registerParameter("weight", Init.normal(seed, stream, 0.02f, num, dim));
    }

    /** ids [N] → [outShapePrefix..., dim] (default [N, dim]); see {@link EmbeddingOps#embedding}. */
    public Variable forward(int[] ids, int... outShapePrefix) {
        return EmbeddingOps.embedding(weight, ids, outShapePrefix);
    }

    public Parameter weight() {
        return weight;
    }

    public int num() {
        return weight.value().dim(0);
    }

    public int dim() {
        return weight.value().dim(1);
    }
}
