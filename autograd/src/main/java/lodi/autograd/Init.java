package lodi.autograd;

import lodi.tensor.CounterRng;
import lodi.tensor.Tensor;

/**
 * Seeded parameter initialisers. Each takes a (seed, stream) pair so that every tensor of a model draws
 * from its own reproducible stream.
 */
public final class Init {
    private Init() {
    }

    /** N(0, std²) in every element. */
    public static Tensor normal(long seed, long stream, float std, int... shape) {
        Tensor t = Tensor.zeros(shape);
        for (int i = 0; i < t.size(); i++) {
            t.set(i, std * CounterRng.normal(seed, stream, i));
        }
        return t;
    }

    /** U(-bound, bound) in every element. */
    public static Tensor uniform(long seed, long stream, float bound, int... shape) {
        Tensor t = Tensor.zeros(shape);
        for (int i = 0; i < t.size(); i++) {
            t.set(i, bound * (2f * CounterRng.uniform(seed, stream, i) - 1f));
        }
        return t;
    }

    /**
     * PyTorch's default for a Linear weight of shape [out, in] (Kaiming-uniform with a = √5): U(±1/√in).
     */
    public static Tensor kaimingUniform(long seed, long stream, int out, int in) {
        return uniform(seed, stream, (float) (1.0 / Math.sqrt(in)), out, in);
    }
}
