package lodi.autograd;

import java.util.Arrays;
import lodi.tensor.Gemm;
import lodi.tensor.Sums;
import lodi.tensor.Tensor;
import lodi.tensor.VectorOps;

/**
 * Matrix products with their backward passes.
 *
 * <p>Shape legend: R = rows (every leading dimension flattened), I = in features, O = out features.
 */
public final class MatrixOps {
    private MatrixOps() {
    }

    /**
     * y = x·Wᵀ + b, PyTorch's {@code F.linear}: x [..., I], weight [O, I], bias [O] or null → y [..., O].
     * A frozen weight or bias costs no gradient GEMM or sum: its backward step is skipped entirely.
     */
    public static Variable linear(Variable x, Variable weight, Variable bias) {
        Tensor xv = x.value();
        checkLinear("linear", x, weight, bias);
        int[] outShape = xv.shape();
        outShape[outShape.length - 1] = weight.value().dim(0);
        Tensor y = Tensor.uninitialized(outShape);
        affine(x, weight, bias, y.data(), y.offset());
        Variable[] inputs = bias == null ? new Variable[] {x, weight} : new Variable[] {x, weight, bias};
        return Variable.op(y, dy -> affineBackward(x, weight, bias, dy.data(), dy.offset()), inputs);
    }

    /** Checks x [..., I], weight [O, I], bias [O] or null, naming {@code op} and the shapes otherwise. */
    public static void checkLinear(String op, Variable x, Variable weight, Variable bias) {
        Tensor xv = x.value();
        Tensor w = weight.value();
        if (w.rank() != 2 || xv.cols() != w.dim(1) || (bias != null && bias.value().size() != w.dim(0))) {
            throw new IllegalArgumentException(op + ": input " + Arrays.toString(xv.shape()) + ", weight "
                    + Arrays.toString(w.shape()) + (bias == null ? "" : ", bias " + Arrays.toString(bias.shape())));
        }
    }

    /**
     * y[R,O] = x[R,I]·W[O,I]ᵀ (+ b[O] on every row), written to y from {@code yOff} with leading dimension O: the
     * forward of {@link #linear}, for fused ops that write more into the same output.
     */
    public static void affine(Variable x, Variable weight, Variable bias, float[] y, int yOff) {
        Tensor xv = x.value();
        Tensor w = weight.value();
        int rows = xv.rows();
        int in = w.dim(1);
        int out = w.dim(0);
        // y[R,O] = x[R,I] · W[O,I]ᵀ
        Gemm.sgemm(false, true, rows, out, in, 1f, xv.data(), xv.offset(), in, w.data(), w.offset(), in,
                0f, y, yOff, out);
        if (bias != null) {
            Tensor b = bias.value();
            VectorOps.addRowVector(rows, out, y, yOff, b.data(), b.offset());
        }
    }

    /**
     * The backward of {@link #affine} for the output gradient dy [R,O] at {@code dyOff}: accumulates into the
     * gradients of whichever of x, weight, bias require one. A frozen weight or bias costs no gradient GEMM or
     * sum: its step is skipped entirely.
     */
    public static void affineBackward(Variable x, Variable weight, Variable bias, float[] dy, int dyOff) {
        Tensor xv = x.value();
        Tensor w = weight.value();
        int rows = xv.rows();
        int in = w.dim(1);
        int out = w.dim(0);
        if (x.requiresGrad()) {
            // inverts y = x·Wᵀ: dx[R,I] += dy[R,O] · W[O,I] (written, beta 0, when it is the first to reach x)
            boolean first = x.gradIsEmpty();
            Tensor dx = first ? x.newGrad() : x.gradBuffer();
            Gemm.sgemm(false, false, rows, in, out, 1f, dy, dyOff, out, w.data(), w.offset(), in,
                    first ? 0f : 1f, dx.data(), dx.offset(), in);
        }
        if (weight.requiresGrad()) {
            // inverts y = x·Wᵀ: dW[O,I] += dy[R,O]ᵀ · x[R,I] (written, beta 0, when it is the first to reach W)
            boolean first = weight.gradIsEmpty();
            Tensor dw = first ? weight.newGrad() : weight.gradBuffer();
            Gemm.sgemm(true, false, out, in, rows, 1f, dy, dyOff, out, xv.data(), xv.offset(), in,
                    first ? 0f : 1f, dw.data(), dw.offset(), in);
        }
        if (bias != null && bias.requiresGrad()) {
            // inverts y += b (broadcast over rows): db[O] += Σ_rows dy[R,O]
            Tensor db = bias.gradBuffer();
            Sums.addColumnSums(rows, out, dy, dyOff, db.data(), db.offset());
        }
    }

    /**
     * c = op(a)·op(b) for matrices, op being an optional transpose: a [M,K] (or [K,M] with transA), b [K,N]
     * (or [N,K] with transB) → c [M,N].
     */
    public static Variable matmul(Variable a, boolean transA, Variable b, boolean transB) {
        Tensor av = a.value();
        Tensor bv = b.value();
        if (av.rank() != 2 || bv.rank() != 2) {
            throw new IllegalArgumentException("matmul wants matrices, got " + Arrays.toString(av.shape()) + " and "
                    + Arrays.toString(bv.shape()));
        }
        int m = transA ? av.dim(1) : av.dim(0);
        int n = transB ? bv.dim(0) : bv.dim(1);
        Tensor c = Tensor.zeros(m, n);
        Gemm.matmul(transA, transB, av, bv, c, false);
        return Variable.op(c, dc -> {
            if (a.requiresGrad()) {
                // inverts c = op(a)·op(b): d op(a) = dc·op(b)ᵀ, so da = dc·op(b)ᵀ, or its transpose op(b)·dcᵀ
                if (transA) {
                    Gemm.matmul(transB, true, bv, dc, a.gradBuffer(), true);
                } else {
                    Gemm.matmul(false, !transB, dc, bv, a.gradBuffer(), true);
                }
            }
            if (b.requiresGrad()) {
                // inverts c = op(a)·op(b): d op(b) = op(a)ᵀ·dc, so db = op(a)ᵀ·dc, or its transpose dcᵀ·op(a)
                if (transB) {
                    Gemm.matmul(true, transA, dc, av, b.gradBuffer(), true);
                } else {
                    Gemm.matmul(!transA, false, av, dc, b.gradBuffer(), true);
                }
            }
        }, a, b);
    }
}
