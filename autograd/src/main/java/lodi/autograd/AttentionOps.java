package lodi.autograd;

import java.util.Arrays;
import lodi.tensor.Attention;
import lodi.tensor.AttentionReference;
import lodi.tensor.Tensor;

/**
 * Multi-head scaled-dot-product attention, PyTorch's {@code F.scaled_dot_product_attention} with a key-padding
 * mask, over the layout the Q/K/V Linear layers produce.
 *
 * <p>Shape legend: B = batch, S = sequence, H = heads, Dh = head dim, D = H·Dh. q, k, v: [B, S, D] (or any
 * shape with B·S rows of D columns) → output of q's shape. keep: [B·S], true = real token, null = no padding;
 * padded keys get zero weight, and a batch with no real key outputs zeros.
 */
public final class AttentionOps {
    private AttentionOps() {
    }

    /** The fused kernel ({@link Attention}); the backward recomputes probabilities from q, k and the saved lse. */
    public static Variable scaledDotProductAttention(Variable q, Variable k, Variable v, int batch, int heads,
                                                     boolean[] keep) {
        Dims dims = Dims.of("scaledDotProductAttention", q, k, v, batch, heads, keep);
        Tensor qv = q.value();
        Tensor kv = k.value();
        Tensor vv = v.value();
        Tensor out = Tensor.zeros(qv.shape());
        float[] lse = new float[batch * heads * dims.seq];
        Attention.forward(batch, heads, dims.seq, dims.headDim, qv.data(), qv.offset(), kv.data(), kv.offset(),
                vv.data(), vv.offset(), keep, out.data(), out.offset(), lse, 0);
        return Variable.op(out, dOut -> {
            // inverts out = softmax(q·kᵀ/√Dh + mask)·v
            Attention.backward(batch, heads, dims.seq, dims.headDim, qv.data(), qv.offset(), kv.data(), kv.offset(),
                    vv.data(), vv.offset(), keep, out.data(), out.offset(), lse, 0, dOut.data(), dOut.offset(),
                    gradData(q), gradOffset(q), gradData(k), gradOffset(k), gradData(v), gradOffset(v));
        }, q, k, v);
    }

    /**
     * The same function as the naive composition ({@link AttentionReference}): materialised [B, H, S, S]
     * probabilities kept for the backward. For tests and benchmarks.
     */
    public static Variable naiveScaledDotProductAttention(Variable q, Variable k, Variable v, int batch, int heads,
                                                          boolean[] keep) {
        Dims dims = Dims.of("naiveScaledDotProductAttention", q, k, v, batch, heads, keep);
        Tensor qv = q.value();
        Tensor kv = k.value();
        Tensor vv = v.value();
        Tensor out = Tensor.zeros(qv.shape());
        float[] probs = new float[batch * heads * dims.seq * dims.seq];
        AttentionReference.forward(batch, heads, dims.seq, dims.headDim, qv.data(), qv.offset(), kv.data(),
                kv.offset(), vv.data(), vv.offset(), keep, out.data(), out.offset(), probs);
        return Variable.op(out, dOut -> {
            // inverts out = probs·v with probs = masked softmax(q·kᵀ/√Dh)
            AttentionReference.backward(batch, heads, dims.seq, dims.headDim, qv.data(), qv.offset(), kv.data(),
                    kv.offset(), vv.data(), vv.offset(), probs, dOut.data(), dOut.offset(), new float[probs.length],
                    gradData(q), gradOffset(q), gradData(k), gradOffset(k), gradData(v), gradOffset(v));
        }, q, k, v);
    }

    /** The gradient buffer's storage for an input that requires a gradient; null tells the kernel to skip it. */
    private static float[] gradData(Variable x) {
        return x.requiresGrad() ? x.gradBuffer().data() : null;
    }

    private static int gradOffset(Variable x) {
        return x.requiresGrad() ? x.gradBuffer().offset() : 0;
    }

    /** Sequence length and head dim implied by q's shape, after checking q, k, v and the mask agree. */
    private record Dims(int seq, int headDim) {
        static Dims of(String op, Variable q, Variable k, Variable v, int batch, int heads, boolean[] keep) {
            Tensor qv = q.value();
            if (!qv.sameShape(k.value()) || !qv.sameShape(v.value())) {
                throw new IllegalArgumentException(op + ": q, k, v shapes differ: " + Arrays.toString(q.shape())
                        + ", " + Arrays.toString(k.shape()) + ", " + Arrays.toString(v.shape()));
            }
            int rows = qv.rows();
            int cols = qv.cols();
            if (batch < 1 || heads < 1 || rows % batch != 0 || cols % heads != 0) {
                throw new IllegalArgumentException(op + ": q " + Arrays.toString(q.shape()) + " is not [B·S, H·Dh] for B="
                        + batch + ", H=" + heads);
            }
            int seq = rows / batch;
            if (keep != null && keep.length != rows) {
                throw new IllegalArgumentException(op + ": key mask has " + keep.length + " entries, q "
                        + Arrays.toString(q.shape()) + " has B·S = " + rows + " tokens");
            }
            return new Dims(seq, cols / heads);
        }
    }
}
