package lodi.autograd;

import java.util.Arrays;
import lodi.tensor.Activations;
import lodi.tensor.BufferPool;
import lodi.tensor.Sums;
import lodi.tensor.Tensor;
import lodi.tensor.VectorOps;

/**
 * Elementwise arithmetic and activations with their backward passes, on the {@code lodi.tensor} kernels.
 *
 * <p>Shape legend: R = rows (every leading dimension flattened), D = last dimension, n = element count.
 *
 * <p>Binary ops need equal shapes. The one broadcast is {@link #addBias}: a [D] vector added to every row of
 * [..., D]. Backward steps skip inputs that do not require a gradient.
 */
public final class ElementwiseOps {
    private ElementwiseOps() {
    }

    private static void requireSameShape(String op, Variable a, Variable b) {
        if (!a.value().sameShape(b.value())) {
            throw new IllegalArgumentException(op + ": shapes " + Arrays.toString(a.shape()) + " and "
                    + Arrays.toString(b.shape()) + " differ");
        }
    }

    /** y = a + b. */
    public static Variable add(Variable a, Variable b) {
        requireSameShape("add", a, b);
        Tensor av = a.value();
        Tensor bv = b.value();
        Tensor y = Tensor.uninitialized(av.shape());
        int n = y.size();
        VectorOps.add(n, av.data(), av.offset(), bv.data(), bv.offset(), y.data(), y.offset());
        return Variable.op(y, dy -> {
            // inverts y = a + b: da += dy, db += dy
            accumulate(a, dy, 1f);
            accumulate(b, dy, 1f);
        }, a, b);
    }

    /** y = a − b. */
    public static Variable sub(Variable a, Variable b) {
        requireSameShape("sub", a, b);
        Tensor av = a.value();
        Tensor bv = b.value();
        Tensor y = av.copy();
        VectorOps.axpy(y.size(), -1f, bv.data(), bv.offset(), y.data(), y.offset());
        return Variable.op(y, dy -> {
            // inverts y = a − b: da += dy, db −= dy
            accumulate(a, dy, 1f);
            accumulate(b, dy, -1f);
        }, a, b);
    }

    /** y = a ⊙ b (elementwise product). */
    public static Variable mul(Variable a, Variable b) {
        requireSameShape("mul", a, b);
        Tensor av = a.value();
        Tensor bv = b.value();
        Tensor y = Tensor.uninitialized(av.shape());
        int n = y.size();
        VectorOps.mul(n, av.data(), av.offset(), bv.data(), bv.offset(), y.data(), y.offset());
        return Variable.op(y, dy -> {
            // inverts y = a ⊙ b: da += dy ⊙ b, db += dy ⊙ a
            if (a.requiresGrad()) {
                Tensor da = a.gradBuffer();
                VectorOps.addProduct(n, dy.data(), dy.offset(), bv.data(), bv.offset(), da.data(), da.offset());
            }
            if (b.requiresGrad()) {
                Tensor db = b.gradBuffer();
                VectorOps.addProduct(n, dy.data(), dy.offset(), av.data(), av.offset(), db.data(), db.offset());
            }
        }, a, b);
    }

    /** y = alpha·x for a constant alpha. */
    public static Variable scale(Variable x, float alpha) {
        Tensor xv = x.value();
        Tensor y = Tensor.uninitialized(xv.shape());
        VectorOps.scale(y.size(), alpha, xv.data(), xv.offset(), y.data(), y.offset());
        // inverts y = alpha·x: dx += alpha·dy
        return Variable.op(y, dy -> accumulate(x, dy, alpha), x);
    }

    /** y = x + b with x [..., D] and b [D] added to every row: the only broadcasting op. */
    public static Variable addBias(Variable x, Variable bias) {
        Tensor xv = x.value();
        Tensor bv = bias.value();
        if (bv.rank() != 1 || bv.size() != xv.cols()) {
            throw new IllegalArgumentException("addBias: input " + Arrays.toString(xv.shape()) + " and bias "
                    + Arrays.toString(bv.shape()) + " (the bias must be [" + xv.cols() + "])");
        }
        int rows = xv.rows();
        int cols = xv.cols();
        Tensor y = xv.copy();
        VectorOps.addRowVector(rows, cols, y.data(), y.offset(), bv.data(), bv.offset());
        return Variable.op(y, dy -> {
            // inverts y = x + b: dx += dy
            accumulate(x, dy, 1f);
            if (bias.requiresGrad()) {
                // inverts the broadcast of b over rows: db[D] += Σ_rows dy[R,D]
                Tensor db = bias.gradBuffer();
                Sums.addColumnSums(rows, cols, dy.data(), dy.offset(), db.data(), db.offset());
            }
        }, x, bias);
    }

    /** into.grad += alpha·dy when {@code into} requires a gradient. */
    private static void accumulate(Variable into, Tensor dy, float alpha) {
        if (!into.requiresGrad()) {
            return;
        }
        if (into.gradIsEmpty()) {
            Tensor g = into.newGrad();
            VectorOps.axpyOntoZeros(dy.size(), alpha, dy.data(), dy.offset(), g.data(), g.offset());
        } else {
            Tensor g = into.gradBuffer();
            VectorOps.axpy(dy.size(), alpha, dy.data(), dy.offset(), g.data(), g.offset());
        }
    }

    // ---- activations: y = f(x), dx += dy·f'(x) ---------------------------------------------------------

    @FunctionalInterface
    private interface Forward {
        void run(int n, float[] x, int xOff, float[] y, int yOff);
    }

    @FunctionalInterface
    private interface Backward {
        void run(int n, float[] x, int xOff, float[] dy, int dyOff, float[] dx, int dxOff);
    }

    private static Variable pointwise(Variable x, Forward forward, Backward backward) {
        Tensor xv = x.value();
        Tensor y = Tensor.uninitialized(xv.shape());
        int n = y.size();
        forward.run(n, xv.data(), xv.offset(), y.data(), y.offset());
        return Variable.op(y, dy -> {
            // inverts y = f(x): dx += dy·f'(x), the kernel's backward reading x
            Tensor dx = x.gradBuffer();
            backward.run(n, xv.data(), xv.offset(), dy.data(), dy.offset(), dx.data(), dx.offset());
        }, x);
    }

    /** GELU, exact (erf) or with the tanh approximation. */
    public static Variable gelu(Variable x, GeluApproximation approximation) {
        return switch (approximation) {
            case TANH -> pointwise(x, Activations::geluTanh, Activations::geluTanhBackward);
            case ERF -> geluErf(x);
        };
    }

    /** y = x·Φ(x); the forward keeps Φ(x) for the backward, which then only needs φ(x). */
    private static Variable geluErf(Variable x) {
        Tensor xv = x.value();
        Tensor y = Tensor.uninitialized(xv.shape());
        int n = y.size();
        float[] cdf = Autograd.gradEnabled() && x.requiresGrad() ? BufferPool.uninitialized(n) : null;
        Activations.geluErf(n, xv.data(), xv.offset(), y.data(), y.offset(), cdf, 0);
        return Variable.op(y, dy -> {
            // inverts y = x·Φ(x): dx += dy·(Φ(x) + x·φ(x)), Φ(x) as the forward saved it
            Tensor dx = x.gradBuffer();
            Activations.geluErfBackward(n, xv.data(), xv.offset(), cdf, 0, dy.data(), dy.offset(), dx.data(), dx.offset());
        }, x);
    }

    public static Variable relu(Variable x) {
        return pointwise(x, Activations::relu, Activations::reluBackward);
    }

    /** SiLU (swish): x·σ(x). */
    public static Variable silu(Variable x) {
        return pointwise(x, Activations::silu, Activations::siluBackward);
    }

    public static Variable tanh(Variable x) {
        return pointwise(x, Activations::tanh, Activations::tanhBackward);
    }
}
