package lodi.tensor;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

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
 */
public final class Attention {
    private static final VectorSpecies<Float> F = Simd.F;
    private static final int LANES = F.length();
    /** Micro-kernel tiles: 6 or MR rows by NR = two vectors of columns; row counts are multiples of MR. */
    private static final int MR = 4;
    private static final int NR = 2 * LANES;
    /**
     * Score tiles are ROW_BLOCK × COL_BLOCK: queries × keys in the forward, keys × queries in the backward.
     * Both are multiples of NR, so every tile splits into whole micro-kernel tiles; the wide column block
     * covers S = 128 in one tile, so the per-row softmax bookkeeping runs once per row.
     */
    private static final int ROW_BLOCK = Math.max(64, NR);
    private static final int COL_BLOCK = 2 * ROW_BLOCK;

    private static final ThreadLocal<Workspace> WORKSPACE = ThreadLocal.withInitial(Workspace::new);

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
            forwardVector(batch, heads, seq, headDim, q, qOff, k, kOff, v, vOff, keep, out, outOff, lse, lseOff);
        } else {
            forwardScalar(batch, heads, seq, headDim, q, qOff, k, kOff, v, vOff, keep, out, outOff, lse, lseOff);
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
            backwardVector(batch, heads, seq, headDim, q, qOff, k, kOff, v, vOff, keep, out, outOff, lse, lseOff,
                    dOut, dOutOff, dq, dqOff, dk, dkOff, dv, dvOff);
        } else {
            backwardScalar(batch, heads, seq, headDim, q, qOff, k, kOff, v, vOff, keep, out, outOff, lse, lseOff,
                    dOut, dOutOff, dq, dqOff, dk, dkOff, dv, dvOff);
        }
    }

    // ---------------------------------------------------------------------------------------------------
    // Scalar form of the fused algorithm: one query row at a time, streaming over key blocks.

    static void forwardScalar(int batch, int heads, int seq, int headDim,
                              float[] q, int qOff, float[] k, int kOff, float[] v, int vOff, boolean[] keep,
                              float[] out, int outOff, float[] lse, int lseOff) {
        float scale = scale(headDim);
        int d = heads * headDim;
        Parallel.forEach(batch * heads, 1, bh -> {
            int b = bh / heads;
            int head = (bh % heads) * headDim;
            float[] acc = new float[headDim];
            float[] scores = new float[COL_BLOCK];
            for (int i = 0; i < seq; i++) {
                int qi = qOff + (b * seq + i) * d + head;
                float max = Float.NEGATIVE_INFINITY;
                float sum = 0f;
                Arrays.fill(acc, 0f);
                for (int j0 = 0; j0 < seq; j0 += COL_BLOCK) {
                    int j1 = Math.min(seq, j0 + COL_BLOCK);
                    float blockMax = Float.NEGATIVE_INFINITY;
                    for (int j = j0; j < j1; j++) {
                        if (keep == null || keep[b * seq + j]) {
                            int kj = kOff + (b * seq + j) * d + head;
                            float dot = 0f;
                            for (int x = 0; x < headDim; x++) {
                                dot += q[qi + x] * k[kj + x];
                            }
                            scores[j - j0] = dot * scale;
                            blockMax = Math.max(blockMax, scores[j - j0]);
                        }
                    }
                    if (blockMax == Float.NEGATIVE_INFINITY) {
                        continue;
                    }
                    // online softmax: rescale what was accumulated under the old running max
                    float newMax = Math.max(max, blockMax);
                    float correction = (float) Math.exp(max - newMax);
                    sum *= correction;
                    for (int x = 0; x < headDim; x++) {
                        acc[x] *= correction;
                    }
                    for (int j = j0; j < j1; j++) {
                        if (keep == null || keep[b * seq + j]) {
                            float p = (float) Math.exp(scores[j - j0] - newMax);
                            sum += p;
                            int vj = vOff + (b * seq + j) * d + head;
                            for (int x = 0; x < headDim; x++) {
                                acc[x] += p * v[vj + x];
                            }
                        }
                    }
                    max = newMax;
                }
                int oi = outOff + (b * seq + i) * d + head;
                for (int x = 0; x < headDim; x++) {
                    out[oi + x] = sum == 0f ? 0f : acc[x] / sum;
                }
                lse[lseOff + bh * seq + i] = sum == 0f ? Float.NEGATIVE_INFINITY : max + (float) Math.log(sum);
            }
        });
    }

    static void backwardScalar(int batch, int heads, int seq, int headDim,
                               float[] q, int qOff, float[] k, int kOff, float[] v, int vOff, boolean[] keep,
                               float[] out, int outOff, float[] lse, int lseOff, float[] dOut, int dOutOff,
                               float[] dq, int dqOff, float[] dk, int dkOff, float[] dv, int dvOff) {
        float scale = scale(headDim);
        int d = heads * headDim;
        Parallel.forEach(batch * heads, 1, bh -> {
            int b = bh / heads;
            int head = (bh % heads) * headDim;
            float[] dqh = new float[seq * headDim];
            float[] dkh = new float[seq * headDim];
            float[] dvh = new float[seq * headDim];
            for (int i = 0; i < seq; i++) {
                float rowLse = lse[lseOff + bh * seq + i];
                if (rowLse == Float.NEGATIVE_INFINITY) {
                    continue;
                }
                int qi = qOff + (b * seq + i) * d + head;
                int oi = (b * seq + i) * d + head;
                // D_i = Σ_x dO_ix·O_ix, which equals Σ_j P_ij·dP_ij
                float delta = 0f;
                for (int x = 0; x < headDim; x++) {
                    delta += dOut[dOutOff + oi + x] * out[outOff + oi + x];
                }
                for (int j = 0; j < seq; j++) {
                    if (keep != null && !keep[b * seq + j]) {
                        continue;
                    }
                    int kj = kOff + (b * seq + j) * d + head;
                    int vj = vOff + (b * seq + j) * d + head;
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
                int at = (b * seq + s) * d + head;
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

    // ---------------------------------------------------------------------------------------------------
    // Vector form. Every product below is a sequence of whole MR×NR micro-kernel tiles with no tails: a head's
    // rows are packed into zero-padded scratch (rows and head dim rounded up to NR); the backward reads them in
    // place (row stride D) when Dh and S are multiples of NR, which measured faster there (and slower in the
    // forward). The transposed operands (scale·K)ᵀ, (scale·Q)ᵀ and dOᵀ are always packed. Packing is O(S·Dh),
    // the products O(S²·Dh).

    static void forwardVector(int batch, int heads, int seq, int headDim,
                              float[] q, int qOff, float[] k, int kOff, float[] v, int vOff, boolean[] keep,
                              float[] out, int outOff, float[] lse, int lseOff) {
        float scale = scale(headDim);
        int d = heads * headDim;
        int sp = roundUp(seq, NR);
        int dp = roundUp(headDim, NR);
        Parallel.forEach(batch * heads, 1, bh -> {
            int b = bh / heads;
            int headBase = b * seq * d + (bh % heads) * headDim;
            int keyEnd = keyEnd(keep, b, seq);
            if (keyEnd == 0) {
                for (int i = 0; i < seq; i++) {
                    Arrays.fill(out, outOff + headBase + i * d, outOff + headBase + i * d + headDim, 0f);
                }
                Arrays.fill(lse, lseOff + bh * seq, lseOff + (bh + 1) * seq, Float.NEGATIVE_INFINITY);
                return;
            }
            int kp = roundUp(keyEnd, NR);
            Workspace w = WORKSPACE.get().ensure(sp, dp);
            packRows(q, qOff + headBase, d, seq, headDim, w.qRows, sp, dp);
            packColumns(k, kOff + headBase, d, keyEnd, headDim, scale, w.kCols, kp);
            packRows(v, vOff + headBase, d, keyEnd, headDim, w.vRows, kp, dp);
            keyBias(keep, b, seq, keyEnd, w.bias, kp);
            float[] tile = w.tileA;
            float[] o = w.acc1;
            for (int i0 = 0; i0 < sp; i0 += ROW_BLOCK) {
                int rows = Math.min(ROW_BLOCK, sp - i0);
                Arrays.fill(w.rowMax, i0, i0 + rows, Float.NEGATIVE_INFINITY);
                Arrays.fill(w.rowSum, i0, i0 + rows, 0f);
                Arrays.fill(o, i0 * dp, (i0 + rows) * dp, 0f);
                for (int j0 = 0; j0 < kp; j0 += COL_BLOCK) {
                    int cols = Math.min(COL_BLOCK, kp - j0);
                    int kept = keptCount(w.bias, j0, cols);
                    if (kept == 0) {
                        continue;
                    }
                    // tile = Q[i0.., :] · (scale·K)ᵀ[:, j0..]
                    product(rows, cols, headDim, w.qRows, i0 * dp, dp, 1, w.kCols, j0, kp, tile, 0, COL_BLOCK, false);
                    float[] bias = kept == cols ? null : w.bias;
                    onlineSoftmaxTile(tile, rows, cols, bias, j0, w.rowMax, w.rowSum, o, i0, dp);
                    // O[i0.., :] += P · V[j0.., :]
                    product(rows, dp, cols, tile, 0, COL_BLOCK, 1, w.vRows, j0 * dp, dp, o, i0 * dp, dp, true);
                }
            }
            for (int i = 0; i < seq; i++) {
                float inverse = 1f / w.rowSum[i];
                scaledCopy(o, i * dp, out, outOff + headBase + i * d, headDim, inverse);
                lse[lseOff + bh * seq + i] = w.rowMax[i] + (float) Math.log(w.rowSum[i]);
            }
        });
    }

    /**
     * One key block of the online softmax for a block of query rows: adds the key bias (0 or −∞; null when
     * every key of the block is kept) to the scores, raises the running max, rescales the running sum and the
     * output rows by exp(oldMax − newMax), and leaves P = exp(score − newMax) in the tile. The caller
     * guarantees the block holds at least one kept key, so newMax is finite.
     */
    private static void onlineSoftmaxTile(float[] tile, int rows, int cols, float[] bias, int j0,
                                          float[] rowMax, float[] rowSum, float[] o, int i0, int dp) {
        for (int r = 0; r < rows; r++) {
            int t = r * COL_BLOCK;
            FloatVector max = FloatVector.broadcast(F, Float.NEGATIVE_INFINITY);
            if (bias == null) {
                for (int c = 0; c < cols; c += LANES) {
                    max = max.max(FloatVector.fromArray(F, tile, t + c));
                }
            } else {
                for (int c = 0; c < cols; c += LANES) {
                    FloatVector s = FloatVector.fromArray(F, tile, t + c).add(FloatVector.fromArray(F, bias, j0 + c));
                    s.intoArray(tile, t + c);
                    max = max.max(s);
                }
            }
            float oldMax = rowMax[i0 + r];
            float newMax = Math.max(oldMax, max.reduceLanes(VectorOperators.MAX));
            FloatVector shift = FloatVector.broadcast(F, newMax);
            FloatVector sum = FloatVector.zero(F);
            for (int c = 0; c < cols; c += LANES) {
                FloatVector p = VectorMath.exp(FloatVector.fromArray(F, tile, t + c).sub(shift));
                p.intoArray(tile, t + c);
                sum = sum.add(p);
            }
            float rowTotal = VectorMath.sum(sum);
            rowMax[i0 + r] = newMax;
            if (oldMax == Float.NEGATIVE_INFINITY) {
                rowSum[i0 + r] = rowTotal; // first key block of this row: nothing accumulated to rescale
                continue;
            }
            float correction = VectorMath.expScalar(oldMax - newMax);
            rowSum[i0 + r] = rowSum[i0 + r] * correction + rowTotal;
            if (correction != 1f) {
                FloatVector factor = FloatVector.broadcast(F, correction);
                int row = (i0 + r) * dp;
                for (int x = 0; x < dp; x += LANES) {
                    FloatVector.fromArray(F, o, row + x).mul(factor).intoArray(o, row + x);
                }
            }
        }
    }

    static void backwardVector(int batch, int heads, int seq, int headDim,
                               float[] q, int qOff, float[] k, int kOff, float[] v, int vOff, boolean[] keep,
                               float[] out, int outOff, float[] lse, int lseOff, float[] dOut, int dOutOff,
                               float[] dq, int dqOff, float[] dk, int dkOff, float[] dv, int dvOff) {
        float scale = scale(headDim);
        int d = heads * headDim;
        int sp = roundUp(seq, NR);
        int dp = roundUp(headDim, NR);
        boolean needScores = dq != null || dk != null;
        Parallel.forEach(batch * heads, 1, bh -> {
            int b = bh / heads;
            int headBase = b * seq * d + (bh % heads) * headDim;
            int keyEnd = keyEnd(keep, b, seq);
            if (keyEnd == 0) {
                return;
            }
            int kp = roundUp(keyEnd, NR);
            Workspace w = WORKSPACE.get().ensure(sp, dp);
            // Keys are the tile rows here and queries the columns, so the exp and dS steps vectorise over
            // queries against the per-query lse and D, and dK, dV accumulate as plain row products.
            boolean inPlace = dp == headDim && sp == seq;
            if (!inPlace) {
                packRows(q, qOff + headBase, d, seq, headDim, w.qRows, sp, dp);
                packRows(k, kOff + headBase, d, keyEnd, headDim, w.kRows, kp, dp);
                packRows(v, vOff + headBase, d, keyEnd, headDim, w.vRows, kp, dp);
                packRows(dOut, dOutOff + headBase, d, seq, headDim, w.dOutRows, sp, dp);
            }
            int ld = inPlace ? d : dp;
            float[] qs = inPlace ? q : w.qRows;
            int qs0 = inPlace ? qOff + headBase : 0;
            float[] ks = inPlace ? k : w.kRows;
            int ks0 = inPlace ? kOff + headBase : 0;
            float[] vs = inPlace ? v : w.vRows;
            int vs0 = inPlace ? vOff + headBase : 0;
            float[] dos = inPlace ? dOut : w.dOutRows;
            int dos0 = inPlace ? dOutOff + headBase : 0;
            packColumns(qs, qs0, ld, seq, headDim, scale, w.qCols, sp);
            packColumns(dos, dos0, ld, seq, headDim, 1f, w.dOutCols, sp);
            keyBias(keep, b, seq, keyEnd, w.bias, kp);
            for (int i = 0; i < sp; i++) {
                if (i < seq) {
                    // D_i = rowsum(dO ⊙ O), which equals Σ_j P_ij·dP_ij
                    w.delta[i] = dot(dos, dos0 + i * ld, out, outOff + headBase + i * d, headDim);
                    w.lse[i] = lse[lseOff + bh * seq + i];
                } else {
                    w.delta[i] = 0f;
                    w.lse[i] = Float.POSITIVE_INFINITY; // padded queries get P = 0
                }
            }
            Arrays.fill(w.acc1, 0, sp * dp, 0f);
            Arrays.fill(w.acc2, 0, kp * dp, 0f);
            Arrays.fill(w.acc3, 0, kp * dp, 0f);
            float[] dqh = w.acc1;
            float[] dkh = w.acc2;
            float[] dvh = w.acc3;
            float[] pt = w.tileA;
            float[] dst = w.tileB;
            for (int j0 = 0; j0 < kp; j0 += ROW_BLOCK) {
                int rows = Math.min(ROW_BLOCK, kp - j0);
                if (keptCount(w.bias, j0, rows) == 0) {
                    continue;
                }
                for (int i0 = 0; i0 < sp; i0 += COL_BLOCK) {
                    int cols = Math.min(COL_BLOCK, sp - i0);
                    // Sᵀ tile = K[j0.., :] · (scale·Q)ᵀ[:, i0..], recomputing the forward's scores
                    product(rows, cols, headDim, ks, ks0 + j0 * ld, ld, 1, w.qCols, i0, sp, pt, 0, COL_BLOCK, false);
                    probabilitiesTile(pt, rows, cols, w.bias, j0, w.lse, i0);
                    if (dv != null) {
                        // inverts O = P·V: dV[j0.., :] += Pᵀ · dO[i0.., :]
                        product(rows, dp, cols, pt, 0, COL_BLOCK, 1, dos, dos0 + i0 * ld, ld, dvh, j0 * dp, dp, true);
                    }
                    if (!needScores) {
                        continue;
                    }
                    // inverts O = P·V: dPᵀ tile = V[j0.., :] · dOᵀ[:, i0..]
                    product(rows, cols, headDim, vs, vs0 + j0 * ld, ld, 1, w.dOutCols, i0, sp, dst, 0, COL_BLOCK,
                            false);
                    scoreGradientTile(dst, pt, rows, cols, w.delta, i0);
                    // inverts S = scale·Q·Kᵀ: dK[j0.., :] += dSᵀ · Q[i0.., :] (scaled on the way out)
                    product(rows, dp, cols, dst, 0, COL_BLOCK, 1, qs, qs0 + i0 * ld, ld, dkh, j0 * dp, dp, true);
                    // inverts S = scale·Q·Kᵀ: dQ[i0.., :] += dS · K[j0.., :] (scaled on the way out);
                    // dS is read through the dSᵀ tile by swapping the row and k strides
                    product(cols, dp, rows, dst, 0, 1, COL_BLOCK, ks, ks0 + j0 * ld, ld, dqh, i0 * dp, dp, true);
                }
            }
            for (int s = 0; s < seq; s++) {
                if (dq != null) {
                    addScaled(dqh, s * dp, dq, dqOff + headBase + s * d, headDim, scale);
                }
                if (dk != null && s < keyEnd) {
                    addScaled(dkh, s * dp, dk, dkOff + headBase + s * d, headDim, scale);
                }
                if (dv != null && s < keyEnd) {
                    addScaled(dvh, s * dp, dv, dvOff + headBase + s * d, headDim, 1f);
                }
            }
        });
    }

    /** Pᵀ tile: recomputes P_ij = exp(s_ij − lse_i) for key rows j and query columns i; padded keys get 0. */
    private static void probabilitiesTile(float[] pt, int rows, int cols, float[] bias, int j0, float[] lse, int i0) {
        for (int r = 0; r < rows; r++) {
            int t = r * COL_BLOCK;
            if (bias[j0 + r] != 0f) {
                Arrays.fill(pt, t, t + cols, 0f);
                continue;
            }
            for (int c = 0; c < cols; c += LANES) {
                VectorMath.exp(FloatVector.fromArray(F, pt, t + c).sub(FloatVector.fromArray(F, lse, i0 + c)))
                        .intoArray(pt, t + c);
            }
        }
    }

    /** dSᵀ tile, in place over the dPᵀ tile: inverts P = softmax(S) row-wise, dS_ij = P_ij·(dP_ij − D_i). */
    private static void scoreGradientTile(float[] dst, float[] pt, int rows, int cols, float[] delta, int i0) {
        for (int r = 0; r < rows; r++) {
            int t = r * COL_BLOCK;
            for (int c = 0; c < cols; c += LANES) {
                FloatVector p = FloatVector.fromArray(F, pt, t + c);
                FloatVector dP = FloatVector.fromArray(F, dst, t + c);
                p.mul(dP.sub(FloatVector.fromArray(F, delta, i0 + c))).intoArray(dst, t + c);
            }
        }
    }

    /**
     * C[m×n] (+)= A[m×k] · B[k×n], m a multiple of MR and n of NR, as 6×NR and MR×NR register tiles. A's
     * element (r, p) is a[aOff + r·aRowStride + p·aKStride], so A may be read transposed; B and C are row-major
     * with leading dimensions ldb and ldc. Each tile's accumulators (12 or 8) are named locals in straight-line
     * code so that C2 keeps them in registers, which is why the two tile bodies are written out rather than
     * shared through a helper; the tile loops live here too, so one call covers a whole product.
     */
    static void product(int m, int n, int k, float[] a, int aOff, int aRowStride, int aKStride,
                        float[] b, int bOff, int ldb, float[] c, int cOff, int ldc, boolean accumulate) {
        // m = 6·sixes + 4·fours: six-row tiles where they fit (more FMAs per B load), four-row tiles for the rest
        int fours = m % 6 == 0 ? 0 : m % 6 == 4 ? 1 : 2;
        int sixRows = m - 4 * fours;
        for (int j = 0; j < n; j += NR) {
            for (int i = 0; i < sixRows; i += 6) {
                int c0 = cOff + i * ldc + j;
                int c1 = c0 + ldc;
                int c2 = c0 + 2 * ldc;
                int c3 = c0 + 3 * ldc;
                int c4 = c0 + 4 * ldc;
                int c5 = c0 + 5 * ldc;
                FloatVector c00;
                FloatVector c01;
                FloatVector c10;
                FloatVector c11;
                FloatVector c20;
                FloatVector c21;
                FloatVector c30;
                FloatVector c31;
                FloatVector c40;
                FloatVector c41;
                FloatVector c50;
                FloatVector c51;
                if (accumulate) {
                    c00 = FloatVector.fromArray(F, c, c0);
                    c01 = FloatVector.fromArray(F, c, c0 + LANES);
                    c10 = FloatVector.fromArray(F, c, c1);
                    c11 = FloatVector.fromArray(F, c, c1 + LANES);
                    c20 = FloatVector.fromArray(F, c, c2);
                    c21 = FloatVector.fromArray(F, c, c2 + LANES);
                    c30 = FloatVector.fromArray(F, c, c3);
                    c31 = FloatVector.fromArray(F, c, c3 + LANES);
                    c40 = FloatVector.fromArray(F, c, c4);
                    c41 = FloatVector.fromArray(F, c, c4 + LANES);
                    c50 = FloatVector.fromArray(F, c, c5);
                    c51 = FloatVector.fromArray(F, c, c5 + LANES);
                } else {
                    c00 = FloatVector.zero(F);
                    c01 = c00;
                    c10 = c00;
                    c11 = c00;
                    c20 = c00;
                    c21 = c00;
                    c30 = c00;
                    c31 = c00;
                    c40 = c00;
                    c41 = c00;
                    c50 = c00;
                    c51 = c00;
                }
                int a0 = aOff + i * aRowStride;
                int a1 = a0 + aRowStride;
                int a2 = a0 + 2 * aRowStride;
                int a3 = a0 + 3 * aRowStride;
                int a4 = a0 + 4 * aRowStride;
                int a5 = a0 + 5 * aRowStride;
                for (int p = 0; p < k; p++) {
                    int bp = bOff + j + p * ldb;
                    int ap = p * aKStride;
                    FloatVector b0 = FloatVector.fromArray(F, b, bp);
                    FloatVector b1 = FloatVector.fromArray(F, b, bp + LANES);
                    FloatVector x = FloatVector.broadcast(F, a[a0 + ap]);
                    c00 = x.fma(b0, c00);
                    c01 = x.fma(b1, c01);
                    x = FloatVector.broadcast(F, a[a1 + ap]);
                    c10 = x.fma(b0, c10);
                    c11 = x.fma(b1, c11);
                    x = FloatVector.broadcast(F, a[a2 + ap]);
                    c20 = x.fma(b0, c20);
                    c21 = x.fma(b1, c21);
                    x = FloatVector.broadcast(F, a[a3 + ap]);
                    c30 = x.fma(b0, c30);
                    c31 = x.fma(b1, c31);
                    x = FloatVector.broadcast(F, a[a4 + ap]);
                    c40 = x.fma(b0, c40);
                    c41 = x.fma(b1, c41);
                    x = FloatVector.broadcast(F, a[a5 + ap]);
                    c50 = x.fma(b0, c50);
                    c51 = x.fma(b1, c51);
                }
                c00.intoArray(c, c0);
                c01.intoArray(c, c0 + LANES);
                c10.intoArray(c, c1);
                c11.intoArray(c, c1 + LANES);
                c20.intoArray(c, c2);
                c21.intoArray(c, c2 + LANES);
                c30.intoArray(c, c3);
                c31.intoArray(c, c3 + LANES);
                c40.intoArray(c, c4);
                c41.intoArray(c, c4 + LANES);
                c50.intoArray(c, c5);
                c51.intoArray(c, c5 + LANES);
            }
            for (int i = sixRows; i < m; i += MR) {
                int c0 = cOff + i * ldc + j;
                int c1 = c0 + ldc;
                int c2 = c0 + 2 * ldc;
                int c3 = c0 + 3 * ldc;
                FloatVector c00;
                FloatVector c01;
                FloatVector c10;
                FloatVector c11;
                FloatVector c20;
                FloatVector c21;
                FloatVector c30;
                FloatVector c31;
                if (accumulate) {
                    c00 = FloatVector.fromArray(F, c, c0);
                    c01 = FloatVector.fromArray(F, c, c0 + LANES);
                    c10 = FloatVector.fromArray(F, c, c1);
                    c11 = FloatVector.fromArray(F, c, c1 + LANES);
                    c20 = FloatVector.fromArray(F, c, c2);
                    c21 = FloatVector.fromArray(F, c, c2 + LANES);
                    c30 = FloatVector.fromArray(F, c, c3);
                    c31 = FloatVector.fromArray(F, c, c3 + LANES);
                } else {
                    c00 = FloatVector.zero(F);
                    c01 = c00;
                    c10 = c00;
                    c11 = c00;
                    c20 = c00;
                    c21 = c00;
                    c30 = c00;
                    c31 = c00;
                }
                int a0 = aOff + i * aRowStride;
                int a1 = a0 + aRowStride;
                int a2 = a0 + 2 * aRowStride;
                int a3 = a0 + 3 * aRowStride;
                for (int p = 0; p < k; p++) {
                    int bp = bOff + j + p * ldb;
                    int ap = p * aKStride;
                    FloatVector b0 = FloatVector.fromArray(F, b, bp);
                    FloatVector b1 = FloatVector.fromArray(F, b, bp + LANES);
                    FloatVector x = FloatVector.broadcast(F, a[a0 + ap]);
                    c00 = x.fma(b0, c00);
                    c01 = x.fma(b1, c01);
                    x = FloatVector.broadcast(F, a[a1 + ap]);
                    c10 = x.fma(b0, c10);
                    c11 = x.fma(b1, c11);
                    x = FloatVector.broadcast(F, a[a2 + ap]);
                    c20 = x.fma(b0, c20);
                    c21 = x.fma(b1, c21);
                    x = FloatVector.broadcast(F, a[a3 + ap]);
                    c30 = x.fma(b0, c30);
                    c31 = x.fma(b1, c31);
                }
                c00.intoArray(c, c0);
                c01.intoArray(c, c0 + LANES);
                c10.intoArray(c, c1);
                c11.intoArray(c, c1 + LANES);
                c20.intoArray(c, c2);
                c21.intoArray(c, c2 + LANES);
                c30.intoArray(c, c3);
                c31.intoArray(c, c3 + LANES);
            }
        }
    }

    /** dst[row·ld + x] = src row, rows [count, padRows) and columns [headDim, ld) zero. */
    private static void packRows(float[] src, int srcOff, int srcStride, int count, int headDim,
                                 float[] dst, int padRows, int ld) {
        for (int r = 0; r < count; r++) {
            int from = srcOff + r * srcStride;
            int to = r * ld;
            scaledCopy(src, from, dst, to, headDim, 1f);
            Arrays.fill(dst, to + headDim, to + ld, 0f);
        }
        Arrays.fill(dst, count * ld, padRows * ld, 0f);
    }

    /** dst[x·ld + row] = factor·src row (the transpose), columns [count, ld) zero; ld is the padded row count. */
    private static void packColumns(float[] src, int srcOff, int srcStride, int count, int headDim, float factor,
                                    float[] dst, int ld) {
        for (int r = 0; r < count; r++) {
            int from = srcOff + r * srcStride;
            for (int x = 0; x < headDim; x++) {
                dst[x * ld + r] = factor * src[from + x];
            }
        }
        for (int x = 0; x < headDim; x++) {
            Arrays.fill(dst, x * ld + count, (x + 1) * ld, 0f);
        }
    }

    /** dst[to..to+n) = factor·src[from..from+n). */
    private static void scaledCopy(float[] src, int from, float[] dst, int to, int n, float factor) {
        int x = 0;
        for (; x <= n - LANES; x += LANES) {
            FloatVector.fromArray(F, src, from + x).mul(factor).intoArray(dst, to + x);
        }
        for (; x < n; x++) {
            dst[to + x] = factor * src[from + x];
        }
    }

    /** dst[to..to+n) += factor·src[from..from+n). */
    private static void addScaled(float[] src, int from, float[] dst, int to, int n, float factor) {
        int x = 0;
        for (; x <= n - LANES; x += LANES) {
            FloatVector.fromArray(F, src, from + x).fma(FloatVector.broadcast(F, factor),
                    FloatVector.fromArray(F, dst, to + x)).intoArray(dst, to + x);
        }
        for (; x < n; x++) {
            dst[to + x] += factor * src[from + x];
        }
    }

    /** Σ a[aOff + x]·b[bOff + x] over x < n, lane-wise then across lanes, then the tail. */
    private static float dot(float[] a, int aOff, float[] b, int bOff, int n) {
        FloatVector sum = FloatVector.zero(F);
        int x = 0;
        for (; x <= n - LANES; x += LANES) {
            sum = FloatVector.fromArray(F, a, aOff + x).fma(FloatVector.fromArray(F, b, bOff + x), sum);
        }
        float total = VectorMath.sum(sum);
        for (; x < n; x++) {
            total += a[aOff + x] * b[bOff + x];
        }
        return total;
    }

    /** bias[j] = 0 for a kept key, −∞ for a padded one or one past the sequence (up to padded length kp). */
    private static void keyBias(boolean[] keep, int b, int seq, int keyEnd, float[] bias, int kp) {
        for (int j = 0; j < kp; j++) {
            boolean kept = j < keyEnd && (keep == null || keep[b * seq + j]);
            bias[j] = kept ? 0f : Float.NEGATIVE_INFINITY;
        }
    }

    private static int keptCount(float[] bias, int from, int count) {
        int kept = 0;
        for (int j = from; j < from + count; j++) {
            if (bias[j] == 0f) {
                kept++;
            }
        }
        return kept;
    }

    /** One past the last kept key of batch b (0 when every key is padded): keys after it are skipped. */
    private static int keyEnd(boolean[] keep, int b, int seq) {
        if (keep == null) {
            return seq;
        }
        for (int j = seq; j > 0; j--) {
            if (keep[b * seq + j - 1]) {
                return j;
            }
        }
        return 0;
    }

    static float scale(int headDim) {
        return (float) (1.0 / Math.sqrt(headDim));
    }

    private static int roundUp(int n, int multiple) {
        return (n + multiple - 1) / multiple * multiple;
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

    /** Per-thread packed operands and tiles, grown on demand and reused across calls. */
    private static final class Workspace {
        float[] qRows = new float[0];
        float[] qCols = new float[0];
        float[] kRows = new float[0];
        float[] kCols = new float[0];
        float[] vRows = new float[0];
        float[] dOutRows = new float[0];
        float[] dOutCols = new float[0];
        float[] acc1 = new float[0];
        float[] acc2 = new float[0];
        float[] acc3 = new float[0];
        float[] bias = new float[0];
        float[] rowMax = new float[0];
        float[] rowSum = new float[0];
        float[] lse = new float[0];
        float[] delta = new float[0];
        final float[] tileA = new float[ROW_BLOCK * COL_BLOCK];
        final float[] tileB = new float[ROW_BLOCK * COL_BLOCK];
        private int rowsCapacity;
        private int dimCapacity;

        Workspace ensure(int paddedSeq, int paddedDim) {
            if (paddedSeq > rowsCapacity || paddedDim > dimCapacity) {
                rowsCapacity = Math.max(rowsCapacity, paddedSeq);
                dimCapacity = Math.max(dimCapacity, paddedDim);
                int matrix = rowsCapacity * dimCapacity;
                qRows = new float[matrix];
                qCols = new float[matrix];
                kRows = new float[matrix];
                kCols = new float[matrix];
                vRows = new float[matrix];
                dOutRows = new float[matrix];
                dOutCols = new float[matrix];
                acc1 = new float[matrix];
                acc2 = new float[matrix];
                acc3 = new float[matrix];
                bias = new float[rowsCapacity];
                rowMax = new float[rowsCapacity];
                rowSum = new float[rowsCapacity];
                lse = new float[rowsCapacity];
                delta = new float[rowsCapacity];
            }
            return this;
        }
    }
}
