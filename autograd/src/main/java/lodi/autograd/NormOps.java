package lodi.autograd;

import java.util.Arrays;
import lodi.tensor.LayerNormKernel;
import lodi.tensor.Softmax;
import lodi.tensor.Tensor;

/**
 * Layer normalisation and softmax over the last dimension, on {@link LayerNormKernel} and {@link Softmax}.
 *
 * <p>Shape legend: R = rows (every leading dimension flattened), D = last dimension.
 */
public final class NormOps {
    private NormOps() {
    }

    /**
     * PyTorch's {@code F.layer_norm} over the last dimension: x [..., D], gamma [D], beta [D] →
     * (x − mean)/√(var + eps)·gamma + beta with the biased variance.
     */
    public static Variable layerNorm(Variable x, Variable gamma, Variable beta, float eps) {
        Tensor xv = x.value();
        Tensor g = gamma.value();
        Tensor b = beta.value();
        int rows = xv.rows();
        int cols = xv.cols();
        if (g.rank() != 1 || g.size() != cols || !g.sameShape(b)) {
            throw new IllegalArgumentException("layerNorm: input " + Arrays.toString(xv.shape()) + ", gamma "
                    + Arrays.toString(g.shape()) + ", beta " + Arrays.toString(b.shape()) + " (both must be [" + cols
                    + "])");
        }
        Tensor y = Tensor.zeros(xv.shape());
        float[] mean = new float[rows];
        float[] rstd = new float[rows];
        LayerNormKernel.forward(rows, cols, xv.data(), xv.offset(), g.data(), g.offset(), b.data(), b.offset(), eps,
                y.data(), y.offset(), mean, 0, rstd, 0);
        return Variable.op(y, dy -> {
            // inverts y = (x − mean)·rstd·gamma + beta, each gradient only where wanted
            Tensor dx = x.requiresGrad() ? x.gradBuffer() : null;
            Tensor dg = gamma.requiresGrad() ? gamma.gradBuffer() : null;
            Tensor db = beta.requiresGrad() ? beta.gradBuffer() : null;
            LayerNormKernel.backward(rows, cols, xv.data(), xv.offset(), g.data(), g.offset(), mean, 0, rstd, 0,
                    dy.data(), dy.offset(),
                    dx == null ? null : dx.data(), dx == null ? 0 : dx.offset(),
                    dg == null ? null : dg.data(), dg == null ? 0 : dg.offset(),
                    db == null ? null : db.data(), db == null ? 0 : db.offset());
        }, x, gamma, beta);
    }

    /** Softmax over the last dimension (numerically stable: the row max is subtracted first). */
    public static Variable softmax(Variable x) {
        Tensor xv = x.value();
        int rows = xv.rows();
        int cols = xv.cols();
        Tensor y = Tensor.zeros(xv.shape());
        Softmax.forward(rows, cols, xv.data(), xv.offset(), y.data(), y.offset());
        return Variable.op(y, dy -> {
            // inverts y = softmax(x): dx += y ⊙ (dy − Σ dy·y) per row
            Tensor dx = x.gradBuffer();
            Softmax.backward(rows, cols, y.data(), y.offset(), dy.data(), dy.offset(), dx.data(), dx.offset());
        }, x);
    }
}
