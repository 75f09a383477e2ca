package lodi.tensor;

/**
 * Fused multi-head scaled-dot-product attention, softmax(Q·Kᵀ/√Dh)·V within each sequence, forward and backward,
 * in the FlashAttention-2 manner: scores are computed a tile at a time with an online softmax, never as a whole
 * S×S matrix, and the backward recomputes them from Q, K and the saved row log-sum-exp.
 *
 * <pre>
 * B = sequences, H = heads, L_b = length of sequence b, T = token rows, Dh = head dim, D = H·Dh (model dim)
 * q, k, v, out, dOut, dq, dk, dv: [T, D] row-major, exactly what the Q/K/V Linear layers produce;
 *                                 head h of row r starts at (r·H + h)·Dh
 * sequences:                      sequence b is rows starts[b] .. starts[b]+L_b−1 ({@link Sequences})
 * lse:                            [T, H], log Σ_j exp(score_rj) per query row and head, saved for backward
 * </pre>
 *
 * A query attends to the keys of its own sequence only (block-diagonal attention over packed rows). Rows in
 * no sequence (padding) are neither read nor written: their out and lse keep what they held and they pass
 * no gradient; an empty sequence costs nothing.
 *
 * <p>Each (b, h) pair is one task that owns its output slices, and sums in a fixed order, so results are
 * bitwise identical for any thread count and for any placement of the sequences among the rows. The backward
 * accumulates ({@code +=}) into dq, dk, dv; pass null for a gradient that is not wanted.
 *
 * <p>This class checks the arguments and dispatches: {@link AttentionVector} is the Vector API form (score
 * tiles through {@link AttentionTiles}' micro-kernel, scratch in {@link AttentionWorkspace}),
 * {@link AttentionScalar} the same algorithm in plain loops ({@code LODI_SIMD=off}); {@link AttentionReference}
 * is the naive composition both are tested against.
 */
public final class Attention {
    private Attention() {
    }

    /** out = softmax(q·kᵀ/√Dh over the query's sequence)·v per head; lse receives each row's log-sum-exp. */
    public static void forward(Sequences sequences, int heads, int headDim,
                               float[] q, int qOff, float[] k, int kOff, float[] v, int vOff,
                               float[] out, int outOff, float[] lse, int lseOff) {
        checkArguments(sequences, heads, headDim, "q", q, qOff, "k", k, kOff, "v", v, vOff, "out", out, outOff);
        requireFits("lse", lse, lseOff, (long) sequences.end() * heads);
        if (Simd.enabled()) {
            AttentionVector.forward(sequences, heads, headDim, q, qOff, k, kOff, v, vOff, out, outOff, lse, lseOff);
        } else {
            AttentionScalar.forward(sequences, heads, headDim, q, qOff, k, kOff, v, vOff, out, outOff, lse, lseOff);
        }
    }

    /**
     * Accumulates the gradients of {@link #forward} into dq, dk, dv (each may be null to skip it), given the
     * forward's inputs, its out and lse, and the output gradient dOut.
     */
    public static void backward(Sequences sequences, int heads, int headDim,
                                float[] q, int qOff, float[] k, int kOff, float[] v, int vOff,
                                float[] out, int outOff, float[] lse, int lseOff, float[] dOut, int dOutOff,
                                float[] dq, int dqOff, float[] dk, int dkOff, float[] dv, int dvOff) {
        checkArguments(sequences, heads, headDim, "q", q, qOff, "k", k, kOff, "v", v, vOff, "out", out, outOff);
        long size = (long) sequences.end() * heads * headDim;
        requireFits("lse", lse, lseOff, (long) sequences.end() * heads);
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
            AttentionVector.backward(sequences, heads, headDim, q, qOff, k, kOff, v, vOff, out, outOff, lse, lseOff,
                    dOut, dOutOff, dq, dqOff, dk, dkOff, dv, dvOff);
        } else {
            AttentionScalar.backward(sequences, heads, headDim, q, qOff, k, kOff, v, vOff, out, outOff, lse, lseOff,
                    dOut, dOutOff, dq, dqOff, dk, dkOff, dv, dvOff);
        }
    }

    static float scale(int headDim) {
        return (float) (1.0 / Math.sqrt(headDim));
    }

    /** Validates sizes and that each [T, H·Dh] operand fits its array; shared with the reference. */
    static void checkArguments(Sequences sequences, int heads, int headDim,
                               String n1, float[] a1, int o1, String n2, float[] a2, int o2,
                               String n3, float[] a3, int o3, String n4, float[] a4, int o4) {
        if (heads < 1 || headDim < 1) {
            throw new IllegalArgumentException("attention needs heads ≥ 1 and headDim ≥ 1; got H=" + heads
                    + " Dh=" + headDim);
        }
        long size = (long) sequences.end() * heads * headDim;
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
