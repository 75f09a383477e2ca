package lodi.tensor;

/**
 * Attention as the plain composition a textbook (or PyTorch eager) would write: materialise the scores with
 * a batched GEMM, mask, softmax each row, multiply by V; the backward runs the same steps in reverse. It is
 * the obviously-correct yardstick for {@link Attention} and the "naive" side of its benchmark.
 *
 * <pre>
 * B = batch, H = heads, S = sequence, Dh = head dim, D = H·Dh
 * q, k, v, out, dOut, dq, dk, dv: [B, S, D] as in {@link Attention}
 * probs, dScores:                 [B, H, S, S], one S×S matrix per (b, h)
 * keep:                           [B·S] key-padding mask, true = real token; null = no padding
 * </pre>
 */
public final class AttentionReference {
    private AttentionReference() {
    }

    /** out = probs·V with probs = masked softmax(Q·Kᵀ/√Dh); probs is kept for {@link #backward}. */
    public static void forward(int batch, int heads, int seq, int headDim,
                               float[] q, int qOff, float[] k, int kOff, float[] v, int vOff, boolean[] keep,
                               float[] out, int outOff, float[] probs) {
        Attention.checkArguments(batch, heads, seq, headDim, keep, "q", q, qOff, "k", k, kOff, "v", v, vOff,
                "out", out, outOff);
        Attention.requireFits("probs", probs, 0, (long) batch * heads * seq * seq);
        int d = heads * headDim;
        int square = seq * seq;
        for (int b = 0; b < batch; b++) {
            int at = b * seq * d;
            // scores_bh = scale · Q_bh · K_bhᵀ, one GEMM per head
            Gemm.sgemmBatched(false, true, seq, seq, headDim, Attention.scale(headDim),
                    q, qOff + at, d, headDim, k, kOff + at, d, headDim,
                    0f, probs, b * heads * square, seq, square, heads);
        }
        Parallel.forEach(batch * heads * seq, 64, row -> maskedSoftmaxRow(probs, row, seq, keep, row / (heads * seq)));
        for (int b = 0; b < batch; b++) {
            int at = b * seq * d;
            // out_bh = probs_bh · V_bh
            Gemm.sgemmBatched(false, false, seq, headDim, seq, 1f,
                    probs, b * heads * square, seq, square, v, vOff + at, d, headDim,
                    0f, out, outOff + at, d, headDim, heads);
        }
    }

    /**
     * Accumulates the gradients of {@link #forward} into dq, dk, dv (each may be null to skip it).
     * dScores is scratch of probs' size.
     */
    public static void backward(int batch, int heads, int seq, int headDim,
                                float[] q, int qOff, float[] k, int kOff, float[] v, int vOff, float[] probs,
                                float[] dOut, int dOutOff, float[] dScores,
                                float[] dq, int dqOff, float[] dk, int dkOff, float[] dv, int dvOff) {
        Attention.checkArguments(batch, heads, seq, headDim, null, "q", q, qOff, "k", k, kOff, "v", v, vOff,
                "dOut", dOut, dOutOff);
        long square = (long) seq * seq;
        Attention.requireFits("probs", probs, 0, batch * heads * square);
        Attention.requireFits("dScores", dScores, 0, batch * heads * square);
        int d = heads * headDim;
        int sq = seq * seq;
        float scale = Attention.scale(headDim);
        for (int b = 0; b < batch; b++) {
            int at = b * seq * d;
            int pb = b * heads * sq;
            if (dv != null) {
                // inverts out = probs·V: dV_bh += probs_bhᵀ · dOut_bh
                Gemm.sgemmBatched(true, false, seq, headDim, seq, 1f, probs, pb, seq, sq,
                        dOut, dOutOff + at, d, headDim, 1f, dv, dvOff + at, d, headDim, heads);
            }
            // inverts out = probs·V: dProbs_bh = dOut_bh · V_bhᵀ
            Gemm.sgemmBatched(false, true, seq, seq, headDim, 1f, dOut, dOutOff + at, d, headDim,
                    v, vOff + at, d, headDim, 0f, dScores, pb, seq, sq, heads);
        }
        Parallel.forEach(batch * heads * seq, 64, row -> softmaxBackwardRow(probs, dScores, row, seq));
        for (int b = 0; b < batch; b++) {
            int at = b * seq * d;
            int pb = b * heads * sq;
            if (dq != null) {
                // inverts scores = scale·Q·Kᵀ: dQ_bh += scale · dScores_bh · K_bh
                Gemm.sgemmBatched(false, false, seq, headDim, seq, scale, dScores, pb, seq, sq,
                        k, kOff + at, d, headDim, 1f, dq, dqOff + at, d, headDim, heads);
            }
            if (dk != null) {
                // inverts scores = scale·Q·Kᵀ: dK_bh += scale · dScores_bhᵀ · Q_bh
                Gemm.sgemmBatched(true, false, seq, headDim, seq, scale, dScores, pb, seq, sq,
                        q, qOff + at, d, headDim, 1f, dk, dkOff + at, d, headDim, heads);
            }
        }
    }

    /**
     * Row {@code row} of [B·H·S, S], in batch {@code batchIndex}: softmax over kept keys, 0 for padded ones,
     * all 0 when none is kept.
     */
    private static void maskedSoftmaxRow(float[] probs, int row, int seq, boolean[] keep, int batchIndex) {
        int at = row * seq;
        int keyBase = batchIndex * seq;
        float max = Float.NEGATIVE_INFINITY;
        for (int j = 0; j < seq; j++) {
            if (keep == null || keep[keyBase + j]) {
                max = Math.max(max, probs[at + j]);
            }
        }
        float sum = 0f;
        for (int j = 0; j < seq; j++) {
            boolean kept = keep == null || keep[keyBase + j];
            float e = kept ? (float) Math.exp(probs[at + j] - max) : 0f;
            probs[at + j] = e;
            sum += e;
        }
        for (int j = 0; j < seq; j++) {
            probs[at + j] = sum == 0f ? 0f : probs[at + j] / sum;
        }
    }

    /** inverts p = softmax(s) for one row: ds_j = p_j·(dp_j − Σ_i p_i·dp_i), in place over dp. */
    private static void softmaxBackwardRow(float[] probs, float[] dScores, int row, int seq) {
        int at = row * seq;
        float dot = 0f;
        for (int j = 0; j < seq; j++) {
            dot += probs[at + j] * dScores[at + j];
        }
        for (int j = 0; j < seq; j++) {
            dScores[at + j] = probs[at + j] * (dScores[at + j] - dot);
        }
    }
}
