package lodi.autograd;

import lodi.tensor.DropoutKernel;
import lodi.tensor.Tensor;

/** Ops that draw random numbers, all from the counter-based RNG so that a seed reproduces them exactly. */
public final class RandomOps {
    private RandomOps() {
    }

    /**
     * Inverted dropout, PyTorch's {@code F.dropout}: while training, each element is zeroed with probability p and
     * the rest are scaled by 1/(1 − p); element i's fate is a pure function of (seed, stream, i). Returns x itself
     * when not training or p = 0.
     */
    public static Variable dropout(Variable x, float p, long seed, long stream, boolean training) {
        DropoutKernel.keepScale(p);
        if (!training || p == 0f) {
            return x;
        }
        Tensor xv = x.value();
        Tensor y = Tensor.zeros(xv.shape());
        DropoutKernel.forward(xv.data(), xv.offset(), y.data(), y.offset(), xv.size(), p, seed, stream);
        return Variable.op(y, dy -> {
            if (x.requiresGrad()) {
                // inverts y = keep ? x/(1 − p) : 0 with the same (seed, stream): dx += keep ? dy/(1 − p) : 0
                Tensor dx = x.gradBuffer();
                DropoutKernel.backward(dy.data(), dy.offset(), dx.data(), dx.offset(), xv.size(), p, seed, stream,
                        true);
            }
        }, x);
    }
}
