package lodi.tensor;

/**
 * Fused multi-head scaled-dot-product attention, softmax(Q·Kᵀ/√Dh + mask)·V, forward and backward, in the
 * FlashAttention-2 manner: scores are computed a tile at a time with an online softmax, never as a whole
 * S×S matrix, and the backward recomputes them from Q, K and the saved row log-sum-exp.
 *
 * <pre>
 * B = batch, H = heads, S = sequence, Dh = head dim, D = H·Dh (model dim)
 * q, k, v, out, dOut, dq, dk, dv: [B, S, D] row-major, exactly what the Q/K/V Linear layers produce;
 *                                 head h of token s in batch b starts at ((b·S + s)·H + h)·Dh
 * lse:                            [B, H, S], log Σ_j exp(score_ij) per query row, saved for backward
 * keep:                           [B·S] key-padding mask, true = real token; null = no padding
 * </pre>
 *
 * Padded keys get zero weight. Padded queries are computed like real ones (callers ignore them); a query
 * whose batch has no real key at all outputs zeros, has lse = −∞, and passes no gradient.
 *
 * <p>Each (b, h) pair is one task that owns its output slices, and sums in a fixed order, so results are
 * bitwise identical for any thread count. The backward accumulates ({@code +=}) into dq, dk, dv; pass null
 * for a gradient that is not wanted.
 *
 * <p>This class checks the arguments and dispatches: {@link AttentionVector} is the Vector API form (score
 * tiles through {@link AttentionTiles}' micro-kernel, scratch in {@link AttentionWorkspace}),
 * {@link AttentionScalar} the same algorithm in plain loops ({@code LODI_SIMD=off}); {@link AttentionReference}
 * is the naive composition both are tested against.
 */
public final class Attention {
    private Attention() {
    }

    /** out = softmax(q·kᵀ/√Dh with padded keys excluded)·v per head; lse receives each row's log-sum-exp. */
    public static void forward(int batch, int heads, int seq, int headDim,
                               float[] q, int qOff, float[] k, int kOff, float[] v, int vOff, boolean[] keep,
                               float[] out, int outOff, float[] lse, int lseOff) {
        checkArguments(batch, heads, seq, headDim, keep, "q", q, qOff, "k", k, kOff, "v", v, vOff,
                "out", out, outOff);
        requireFits("lse", lse, lseOff, (long) batch * heads * seq);
        if (Simd.enabled()) {
            AttentionVector.forward(batch, heads, seq, headDim, q, qOff, k, kOff, v, vOff, keep, out, outOff, lse, lseOff);
        } else {
            AttentionScalar.forward(batch, heads, seq, headDim, q, qOff, k, kOff, v, vOff, keep, out, outOff, lse, lseOff);
        }
    }

    /**
     * Accumulates the gradients of {@link #forward} into dq, dk, dv (each may be null to skip it), given the
     * forward's inputs, its out and lse, and the output gradient dOut.
     */
    public static void backward(int batch, int heads, int seq, int headDim,
                                float[] q, int qOff, float[] k, int kOff, float[] v, int vOff, boolean[] keep,
                                float[] out, int outOff, float[] lse, int lseOff, float[] dOut, int dOutOff,
                                float[] dq, int dqOff, float[] dk, int dkOff, float[] dv, int dvOff) {
        checkArguments(batch, heads, seq, headDim, keep, "q", q, qOff, "k", k, kOff, "v", v, vOff,
                "out", out, outOff);
        long size = (long) batch * seq * heads * headDim;
        requireFits("lse", lse, lseOff, (long) batch * heads * seq);
        requireFits("dOut", dOut, dOutOff, size);
        if (dq != null) {
            requireFits("dq", dq, dqOff, size);
        }
        if (dk != null) {
            requireFits("dk", dk, dkOff, size);
        }
        if (dv != null) {
            requireFits("dv", dv, dvOff, size);
        }
        if (Simd.enabled()) {
            AttentionVector.backward(batch, heads, seq, headDim, q, qOff, k, kOff, v, vOff, keep, out, outOff, lse, lseOff,
                    dOut, dOutOff, dq, dqOff, dk, dkOff, dv, dvOff);
        } else {
            AttentionScalar.backward(batch, heads, seq, headDim, q, qOff, k, kOff, v, vOff, keep, out, outOff, lse, lseOff,
                    dOut, dOutOff, dq, dqOff, dk, dkOff, dv, dvOff);
        }
    }

    static float scale(int headDim) {
        return (float) (1.0 / Math.sqrt(headDim));
    }

    /** Validates sizes and that each [B, S, H·Dh] operand fits its array; shared with the reference. */
    static void checkArguments(int batch, int heads, int seq, int headDim, boolean[] keep,
                               String n1, float[] a1, int o1, String n2, float[] a2, int o2,
                               String n3, float[] a3, int o3, String n4, float[] a4, int o4) {
        if (batch < 0 || heads < 1 || seq < 0 || headDim < 1) {
            throw new IllegalArgumentException("attention needs batch ≥ 0, heads ≥ 1, seq ≥ 0, headDim ≥ 1; got B="
                    + batch + " H=" + heads + " S=" + seq + " Dh=" + headDim);
        }
        if (keep != null && keep.length != batch * seq) {
            throw new IllegalArgumentException("attention key mask has " + keep.length + " entries, expected B·S = "
                    + batch + "·" + seq + " = " + batch * seq);
        }
        long size = (long) batch * seq * heads * headDim;
        requireFits(n1, a1, o1, size);
        requireFits(n2, a2, o2, size);
        requireFits(n3, a3, o3, size);
        requireFits(n4, a4, o4, size);
    }

    static void requireFits(String name, float[] array, int offset, long size) {
        if (array == null || offset < 0 || offset + size > array.length) {
            throw new IllegalArgumentException("attention " + name + ": needs " + size + " floats at offset " + offset
                    + ", array has " + (array == null ? "none" : array.length));
        }
    }
}
