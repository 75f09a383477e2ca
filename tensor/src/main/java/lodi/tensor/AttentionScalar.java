package lodi.tensor;

import java.util.Arrays;

/**
 * {@link Attention}'s fused algorithm in plain loops ({@code LODI_SIMD=off}): one query row at a time, streaming
 * over key blocks with an online softmax; the backward recomputes each probability from the saved log-sum-exp.
 * Shapes as in {@link Attention}.
 */
final class AttentionScalar {
    private AttentionScalar() {
    }

    static void forward(Sequences sequences, int heads, int headDim,
                        float[] q, int qOff, float[] k, int kOff, float[] v, int vOff,
                        float[] out, int outOff, float[] lse, int lseOff) {
        float scale = Attention.scale(headDim);
        int d = heads * headDim;
        Parallel.forEach(sequences.count() * heads, 1, bh -> {
            int first = sequences.starts()[bh / heads];
            int seq = sequences.lengths()[bh / heads];
            int head = (bh % heads) * headDim;
            float[] acc = new float[headDim];
            float[] scores = new float[AttentionTiles.COL_BLOCK];
            for (int i = 0; i < seq; i++) {
                int qi = qOff + (first + i) * d + head;
                float max = Float.NEGATIVE_INFINITY;
                float sum = 0f;
                Arrays.fill(acc, 0f);
                for (int j0 = 0; j0 < seq; j0 += AttentionTiles.COL_BLOCK) {
                    int j1 = Math.min(seq, j0 + AttentionTiles.COL_BLOCK);
                    float blockMax = Float.NEGATIVE_INFINITY;
                    for (int j = j0; j < j1; j++) {
                        int kj = kOff + (first + j) * d + head;
                        float dot = 0f;
                        for (int x = 0; x < headDim; x++) {
                            dot += q[qi + x] * k[kj + x];
                        }
                        scores[j - j0] = dot * scale;
                        blockMax = Math.max(blockMax, scores[j - j0]);
                    }
                    // online softmax: rescale what was accumulated under the old running max
                    float newMax = Math.max(max, blockMax);
                    float correction = (float) Math.exp(max - newMax);
                    sum *= correction;
                    for (int x = 0; x < headDim; x++) {
                        acc[x] *= correction;
                    }
                    for (int j = j0; j < j1; j++) {
                        float p = (float) Math.exp(scores[j - j0] - newMax);
                        sum += p;
                        int vj = vOff + (first + j) * d + head;
                        for (int x = 0; x < headDim; x++) {
                            acc[x] += p * v[vj + x];
                        }
                    }
                    max = newMax;
                }
                int oi = outOff + (first + i) * d + head;
                for (int x = 0; x < headDim; x++) {
                    out[oi + x] = acc[x] / sum;
                }
                lse[lseOff + (first + i) * heads + bh % heads] = max + (float) Math.log(sum);
            }
        });
    }

    static void backward(Sequences sequences, int heads, int headDim,
                         float[] q, int qOff, float[] k, int kOff, float[] v, int vOff,
                         float[] out, int outOff, float[] lse, int lseOff, float[] dOut, int dOutOff,
                         float[] dq, int dqOff, float[] dk, int dkOff, float[] dv, int dvOff) {
        float scale = Attention.scale(headDim);
        int d = heads * headDim;
        Parallel.forEach(sequences.count() * heads, 1, bh -> {
            int first = sequences.starts()[bh / heads];
            int seq = sequences.lengths()[bh / heads];
            int head = (bh % heads) * headDim;
            float[] dqh = new float[seq * headDim];
            float[] dkh = new float[seq * headDim];
            float[] dvh = new float[seq * headDim];
            for (int i = 0; i < seq; i++) {
                float rowLse = lse[lseOff + (first + i) * heads + bh % heads];
                int qi = qOff + (first + i) * d + head;
                int oi = (first + i) * d + head;
                // D_i = Σ_x dO_ix·O_ix, which equals Σ_j P_ij·dP_ij
                float delta = 0f;
                for (int x = 0; x < headDim; x++) {
                    delta += dOut[dOutOff + oi + x] * out[outOff + oi + x];
                }
                for (int j = 0; j < seq; j++) {
                    int kj = kOff + (first + j) * d + head;
                    int vj = vOff + (first + j) * d + head;
                    float dot = 0f;
                    float dp = 0f;
                    for (int x = 0; x < headDim; x++) {
                        dot += q[qi + x] * k[kj + x];
                        dp += dOut[dOutOff + oi + x] * v[vj + x];
                    }
                    // recomputes P_ij = exp(s_ij − lse_i) of the forward's softmax
                    float p = (float) Math.exp(dot * scale - rowLse);
                    // inverts p = softmax(s): dS_ij = P_ij·(dP_ij − D_i), s_ij = scale·q_i·k_j
                    float ds = p * (dp - delta) * scale;
                    for (int x = 0; x < headDim; x++) {
                        dvh[j * headDim + x] += p * dOut[dOutOff + oi + x];
                        dqh[i * headDim + x] += ds * k[kj + x];
                        dkh[j * headDim + x] += ds * q[qi + x];
                    }
                }
            }
            for (int s = 0; s < seq; s++) {
                int at = (first + s) * d + head;
                for (int x = 0; x < headDim; x++) {
                    if (dq != null) {
                        dq[dqOff + at + x] += dqh[s * headDim + x];
                    }
                    if (dk != null) {
                        dk[dkOff + at + x] += dkh[s * headDim + x];
                    }
                    if (dv != null) {
                        dv[dvOff + at + x] += dvh[s * headDim + x];
                    }
                }
            }
        });
    }
}
