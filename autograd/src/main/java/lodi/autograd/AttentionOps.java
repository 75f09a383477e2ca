package lodi.autograd;

import java.util.Arrays;
import lodi.tensor.Attention;
import lodi.tensor.AttentionReference;
import lodi.tensor.Sequences;
import lodi.tensor.Tensor;

/**
 * Multi-head scaled-dot-product attention within each sequence of a batch, PyTorch's
 * {@code F.scaled_dot_product_attention} with a block-diagonal mask (FlashAttention's variable-length form),
 * over the layout the Q/K/V Linear layers produce.
 *
 * <p>Shape legend: T = token rows, H = heads, Dh = head dim, D = H·Dh. q, k, v: [T, D] (or any shape with T
 * rows of D columns) → output of q's shape. {@code sequences} places each sequence among the rows
 * ({@link Sequences}); a query attends to its own sequence's keys only, and rows in no sequence (padding)
 * output zeros and pass no gradient.
 */
public final class AttentionOps {
    private AttentionOps() {
    }

    /** The fused kernel ({@link Attention}); the backward recomputes probabilities from q, k and the saved lse. */
    public static Variable scaledDotProductAttention(Variable q, Variable k, Variable v, Sequences sequences,
                                                     int heads) {
        int headDim = headDim("scaledDotProductAttention", q, k, v, sequences, heads);
        Tensor qv = q.value();
        Tensor kv = k.value();
        Tensor vv = v.value();
        Tensor out = Tensor.zeros(qv.shape());
        float[] lse = new float[qv.rows() * heads];
        Attention.forward(sequences, heads, headDim, qv.data(), qv.offset(), kv.data(), kv.offset(),
                vv.data(), vv.offset(), out.data(), out.offset(), lse, 0);
        return Variable.op(out, dOut -> {
            // inverts out = softmax(q·kᵀ/√Dh within each sequence)·v
            Attention.backward(sequences, heads, headDim, qv.data(), qv.offset(), kv.data(), kv.offset(),
                    vv.data(), vv.offset(), out.data(), out.offset(), lse, 0, dOut.data(), dOut.offset(),
                    gradData(q), gradOffset(q), gradData(k), gradOffset(k), gradData(v), gradOffset(v));
        }, q, k, v);
    }

    /**
     * The same function as the naive composition ({@link AttentionReference}): materialised per-sequence
     * [H, L, L] probabilities kept for the backward. For tests and benchmarks.
     */
    public static Variable naiveScaledDotProductAttention(Variable q, Variable k, Variable v, Sequences sequences,
                                                          int heads) {
        int headDim = headDim("naiveScaledDotProductAttention", q, k, v, sequences, heads);
        Tensor qv = q.value();
        Tensor kv = k.value();
        Tensor vv = v.value();
        Tensor out = Tensor.zeros(qv.shape());
        float[] probs = new float[Math.toIntExact(AttentionReference.probsSize(sequences, heads))];
        AttentionReference.forward(sequences, heads, headDim, qv.data(), qv.offset(), kv.data(), kv.offset(),
                vv.data(), vv.offset(), out.data(), out.offset(), probs);
        return Variable.op(out, dOut -> {
            // inverts out = probs·v with probs = softmax(q·kᵀ/√Dh) within each sequence
            AttentionReference.backward(sequences, heads, headDim, qv.data(), qv.offset(), kv.data(),
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

    /** The head dim implied by q's shape, after checking q, k, v and the sequences agree. */
    private static int headDim(String op, Variable q, Variable k, Variable v, Sequences sequences, int heads) {
        Tensor qv = q.value();
        if (!qv.sameShape(k.value()) || !qv.sameShape(v.value())) {
            throw new IllegalArgumentException(op + ": q, k, v shapes differ: " + Arrays.toString(q.shape())
                    + ", " + Arrays.toString(k.shape()) + ", " + Arrays.toString(v.shape()));
        }
        int cols = qv.cols();
        if (heads < 1 || cols % heads != 0) {
            throw new IllegalArgumentException(op + ": q " + Arrays.toString(q.shape()) + " is not [T, H·Dh] for H="
                    + heads);
        }
        if (sequences.end() > qv.rows()) {
            throw new IllegalArgumentException(op + ": the sequences reach row " + sequences.end() + " but q "
                    + Arrays.toString(q.shape()) + " has " + qv.rows() + " rows");
        }
        return cols / heads;
    }
}
