package lodi.autograd;

import java.util.Arrays;
import lodi.tensor.Gemm;
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
        Tensor w = weight.value();
        int in = w.dim(1);
        int out = w.dim(0);
        if (w.rank() != 2 || xv.cols() != in || (bias != null && bias.value().size() != out)) {
            throw new IllegalArgumentException("linear: input " + Arrays.toString(xv.shape()) + ", weight "
                    + Arrays.toString(w.shape()) + (bias == null ? "" : ", bias " + Arrays.toString(bias.shape())));
        }
        int rows = xv.rows();
        int[] outShape = xv.shape();
        outShape[outShape.length - 1] = out;
        Tensor y = Tensor.zeros(outShape);
        // y[R,O] = x[R,I] · W[O,I]ᵀ
        Gemm.sgemm(false, true, rows, out, in, 1f, xv.data(), xv.offset(), in, w.data(), w.offset(), in,
                0f, y.data(), y.offset(), out);
        if (bias != null) {
            Tensor b = bias.value();
            VectorOps.addRowVector(rows, out, y.data(), y.offset(), b.data(), b.offset());
        }
        Variable[] inputs = bias == null ? new Variable[] {x, weight} : new Variable[] {x, weight, bias};
        return Variable.op(y, dy -> {
            if (x.requiresGrad()) {
                // inverts y = x·Wᵀ: dx[R,I] += dy[R,O] · W[O,I]
                Tensor dx = x.gradBuffer();
                Gemm.sgemm(false, false, rows, in, out, 1f, dy.data(), dy.offset(), out, w.data(), w.offset(), in,
                        1f, dx.data(), dx.offset(), in);
            }
            if (weight.requiresGrad()) {
                // inverts y = x·Wᵀ: dW[O,I] += dy[R,O]ᵀ · x[R,I]
                Tensor dw = weight.gradBuffer();
                Gemm.sgemm(true, false, out, in, rows, 1f, dy.data(), dy.offset(), out, xv.data(), xv.offset(), in,
                        1f, dw.data(), dw.offset(), in);
            }
            if (bias != null && bias.requiresGrad()) {
                // inverts y += b (broadcast over rows): db[O] += Σ_rows dy[R,O]
                Tensor db = bias.gradBuffer();
                VectorOps.addColumnSums(rows, out, dy.data(), dy.offset(), db.data(), db.offset());
            }
        }, inputs);
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
