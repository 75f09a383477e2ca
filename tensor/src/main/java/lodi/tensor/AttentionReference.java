package lodi.tensor;

/**
 * Attention as the plain composition a textbook (or PyTorch eager) would write: materialise the scores with
 * a batched GEMM, softmax each row, multiply by V; the backward runs the same steps in reverse. It is the
 * obviously-correct yardstick for {@link Attention} and the "naive" side of its benchmark.
 *
 * <pre>
 * B = sequences, H = heads, L_b = length of sequence b, T = token rows, Dh = head dim, D = H·Dh
 * q, k, v, out, dOut, dq, dk, dv: [T, D] as in {@link Attention}, sequences placed by {@link Sequences}
 * probs, dScores:                 per sequence b, [H, L_b, L_b] one after another ({@link #probsSize})
 * </pre>
 */
public final class AttentionReference {
    private AttentionReference() {
    }

    /** Floats of the probability matrices: Σ_b H·L_b². */
    public static long probsSize(Sequences sequences, int heads) {
        long size = 0;
        for (int length : sequences.lengths()) {
            size += (long) heads * length * length;
        }
        return size;
    }

    /** out = probs·V with probs = softmax(Q·Kᵀ/√Dh) within each sequence; probs is kept for {@link #backward}. */
    public static void forward(Sequences sequences, int heads, int headDim,
                               float[] q, int qOff, float[] k, int kOff, float[] v, int vOff,
                               float[] out, int outOff, float[] probs) {
        Attention.checkArguments(sequences, heads, headDim, "q", q, qOff, "k", k, kOff, "v", v, vOff,
                "out", out, outOff);
        Attention.requireFits("probs", probs, 0, probsSize(sequences, heads));
        int d = heads * headDim;
        int pb = 0;
        for (int b = 0; b < sequences.count(); b++) {
            int seq = sequences.lengths()[b];
            if (seq == 0) {
                continue;
            }
            int at = sequences.starts()[b] * d;
            int square = seq * seq;
            // scores_bh = scale · Q_bh · K_bhᵀ, one GEMM per head
            Gemm.sgemmBatched(false, true, seq, seq, headDim, Attention.scale(headDim),
                    q, qOff + at, d, headDim, k, kOff + at, d, headDim,
                    0f, probs, pb, seq, square, heads);
            int from = pb;
            Parallel.forEach(heads * seq, 64, row -> softmaxRow(probs, from + row * seq, seq));
            // out_bh = probs_bh · V_bh
            Gemm.sgemmBatched(false, false, seq, headDim, seq, 1f,
                    probs, pb, seq, square, v, vOff + at, d, headDim,
                    0f, out, outOff + at, d, headDim, heads);
            pb += heads * square;
        }
    }

    /**
     * Accumulates the gradients of {@link #forward} into dq, dk, dv (each may be null to skip it).
     * dScores is scratch of probs' size.
     */
    public static void backward(Sequences sequences, int heads, int headDim,
                                float[] q, int qOff, float[] k, int kOff, float[] v, int vOff, float[] probs,
                                float[] dOut, int dOutOff, float[] dScores,
                                float[] dq, int dqOff, float[] dk, int dkOff, float[] dv, int dvOff) {
        Attention.checkArguments(sequences, heads, headDim, "q", q, qOff, "k", k, kOff, "v", v, vOff,
                "dOut", dOut, dOutOff);
        Attention.requireFits("probs", probs, 0, probsSize(sequences, heads));
        Attention.requireFits("dScores", dScores, 0, probsSize(sequences, heads));
        int d = heads * headDim;
        float scale = Attention.scale(headDim);
        int pb = 0;
        for (int b = 0; b < sequences.count(); b++) {
            int seq = sequences.lengths()[b];
            if (seq == 0) {
                continue;
            }
            int at = sequences.starts()[b] * d;
            int sq = seq * seq;
            if (dv != null) {
                // inverts out = probs·V: dV_bh += probs_bhᵀ · dOut_bh
                Gemm.sgemmBatched(true, false, seq, headDim, seq, 1f, probs, pb, seq, sq,
                        dOut, dOutOff + at, d, headDim, 1f, dv, dvOff + at, d, headDim, heads);
            }
            // inverts out = probs·V: dProbs_bh = dOut_bh · V_bhᵀ
            Gemm.sgemmBatched(false, true, seq, seq, headDim, 1f, dOut, dOutOff + at, d, headDim,
                    v, vOff + at, d, headDim, 0f, dScores, pb, seq, sq, heads);
            int from = pb;
            Parallel.forEach(heads * seq, 64, row -> softmaxBackwardRow(probs, dScores, from + row * seq, seq));
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
            pb += heads * sq;
        }
    }

    /** The row of {@code seq} scores at {@code at}, replaced by its softmax. */
    private static void softmaxRow(float[] probs, int at, int seq) {
        float max = Float.NEGATIVE_INFINITY;
        for (int j = 0; j < seq; j++) {
            max = Math.max(max, probs[at + j]);
        }
        float sum = 0f;
        for (int j = 0; j < seq; j++) {
            float e = (float) Math.exp(probs[at + j] - max);
            probs[at + j] = e;
            sum += e;
        }
        for (int j = 0; j < seq; j++) {
            probs[at + j] = probs[at + j] / sum;
        }
    }

    /** inverts p = softmax(s) for one row: ds_j = p_j·(dp_j − Σ_i p_i·dp_i), in place over dp. */
    private static void softmaxBackwardRow(float[] probs, float[] dScores, int at, int seq) {
        float dot = 0f;
        for (int j = 0; j < seq; j++) {
            dot += probs[at + j] * dScores[at + j];
        }
        for (int j = 0; j < seq; j++) {
            dScores[at + j] = probs[at + j] * (dScores[at + j] - dot);
        }
    }
}
