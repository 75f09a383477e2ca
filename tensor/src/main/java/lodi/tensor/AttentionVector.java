package lodi.tensor;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link Attention}'s fused forward and backward on the Vector API, FlashAttention-2 style: score tiles with an
 * online softmax in the forward, recomputed from the saved log-sum-exp in the backward. Shapes as in
 * {@link Attention}.
 *
 * <p>Every product below is a sequence of whole MR×NR micro-kernel tiles with no tails: a head's
 * rows are packed into zero-padded scratch (the rows that are tile rows rounded up to MR, those that are tile
 * columns and the head dim to NR); the backward reads them in
 * place (row stride D) when Dh and S are multiples of NR, which measured faster there (and slower in the
 * forward). The transposed operands (scale·K)ᵀ, (scale·Q)ᵀ and dOᵀ are always packed. Packing is O(S·Dh),
 * the products O(S²·Dh).
 */
final class AttentionVector {
    private static final VectorSpecies<Float> F = AttentionTiles.F;
    private static final int LANES = AttentionTiles.LANES;
    private static final int MR = AttentionTiles.MR;
    private static final int NR = AttentionTiles.NR;
    private static final int ROW_BLOCK = AttentionTiles.ROW_BLOCK;
    private static final int COL_BLOCK = AttentionTiles.COL_BLOCK;

    private AttentionVector() {
    }

    static void forward(Sequences sequences, int heads, int headDim,
                        float[] q, int qOff, float[] k, int kOff, float[] v, int vOff,
                        float[] out, int outOff, float[] lse, int lseOff) {
        float scale = Attention.scale(headDim);
        int d = heads * headDim;
        int dp = roundUp(headDim, NR);
        Parallel.forEach(sequences.count() * heads, 1, bh -> {
            int b = bh / heads;
            int head = bh % heads;
            int seq = sequences.lengths()[b];
            if (seq == 0) {
                return;
            }
            int first = sequences.starts()[b];
            int headBase = first * d + head * headDim;
            // queries are tile rows here (whole MR rows suffice), keys tile columns (whole NR columns)
            int sp = roundUp(seq, MR);
            int kp = roundUp(seq, NR);
            AttentionWorkspace w = AttentionWorkspace.PER_THREAD.get().ensure(kp, dp);
            packRows(q, qOff + headBase, d, seq, headDim, w.qRows, sp, dp);
            packColumns(k, kOff + headBase, d, seq, headDim, scale, w.kCols, kp);
            packRows(v, vOff + headBase, d, seq, headDim, w.vRows, kp, dp);
            keyBias(seq, w.bias, kp);
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
                    AttentionTiles.product(rows, cols, headDim, w.qRows, i0 * dp, dp, 1, w.kCols, j0, kp, tile, 0, COL_BLOCK, false);
                    float[] bias = kept == cols ? null : w.bias;
                    onlineSoftmaxTile(tile, rows, cols, bias, j0, w.rowMax, w.rowSum, o, i0, dp);
                    // O[i0.., :] += P · V[j0.., :]
                    AttentionTiles.product(rows, dp, cols, tile, 0, COL_BLOCK, 1, w.vRows, j0 * dp, dp, o, i0 * dp, dp, true);
                }
            }
            for (int i = 0; i < seq; i++) {
                float inverse = 1f / w.rowSum[i];
                scaledCopy(o, i * dp, out, outOff + headBase + i * d, headDim, inverse);
                lse[lseOff + (first + i) * heads + head] = w.rowMax[i] + (float) Math.log(w.rowSum[i]);
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
            float rowTotal = exponentiate(tile, t, cols, newMax);
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

    /**
     * tile[t..t+cols) = exp(tile − max), returning their sum. A method of its own because C2 stops inlining in a
     * method as large as its caller, and a vector passed to a call it did not inline is boxed on every row.
     */
    private static float exponentiate(float[] tile, int t, int cols, float max) {
        FloatVector shift = FloatVector.broadcast(F, max);
        FloatVector sum = FloatVector.zero(F);
        for (int c = 0; c < cols; c += LANES) {
            FloatVector p = VectorMath.exp(FloatVector.fromArray(F, tile, t + c).sub(shift));
            p.intoArray(tile, t + c);
            sum = sum.add(p);
        }
        return VectorMath.sum(sum);
    }

    static void backward(Sequences sequences, int heads, int headDim,
                         float[] q, int qOff, float[] k, int kOff, float[] v, int vOff,
                         float[] out, int outOff, float[] lse, int lseOff, float[] dOut, int dOutOff,
                         float[] dq, int dqOff, float[] dk, int dkOff, float[] dv, int dvOff) {
        float scale = Attention.scale(headDim);
        int d = heads * headDim;
        int dp = roundUp(headDim, NR);
        boolean needScores = dq != null || dk != null;
        Parallel.forEach(sequences.count() * heads, 1, bh -> {
            int b = bh / heads;
            int head = bh % heads;
            int seq = sequences.lengths()[b];
            if (seq == 0) {
                return;
            }
            int first = sequences.starts()[b];
            int headBase = first * d + head * headDim;
            // Keys are the tile rows here (whole MR rows suffice) and queries the columns (whole NR columns), so
            // the exp and dS steps vectorise over queries against the per-query lse and D, and dK, dV accumulate
            // as plain row products.
            int sp = roundUp(seq, NR);
            int kp = roundUp(seq, MR);
            AttentionWorkspace w = AttentionWorkspace.PER_THREAD.get().ensure(sp, dp);
            boolean inPlace = dp == headDim && sp == seq;
            if (!inPlace) {
                packRows(q, qOff + headBase, d, seq, headDim, w.qRows, sp, dp);
                packRows(k, kOff + headBase, d, seq, headDim, w.kRows, kp, dp);
                packRows(v, vOff + headBase, d, seq, headDim, w.vRows, kp, dp);
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
            keyBias(seq, w.bias, kp);
            for (int i = 0; i < sp; i++) {
                if (i < seq) {
                    // D_i = rowsum(dO ⊙ O), which equals Σ_j P_ij·dP_ij
                    w.delta[i] = dot(dos, dos0 + i * ld, out, outOff + headBase + i * d, headDim);
                    w.lse[i] = lse[lseOff + (first + i) * heads + head];
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
                    AttentionTiles.product(rows, cols, headDim, ks, ks0 + j0 * ld, ld, 1, w.qCols, i0, sp, pt, 0, COL_BLOCK, false);
                    probabilitiesTile(pt, rows, cols, w.bias, j0, w.lse, i0);
                    if (dv != null) {
                        // inverts O = P·V: dV[j0.., :] += Pᵀ · dO[i0.., :]
                        AttentionTiles.product(rows, dp, cols, pt, 0, COL_BLOCK, 1, dos, dos0 + i0 * ld, ld, dvh, j0 * dp, dp, true);
                    }
                    if (!needScores) {
                        continue;
                    }
                    // inverts O = P·V: dPᵀ tile = V[j0.., :] · dOᵀ[:, i0..]
                    AttentionTiles.product(rows, cols, headDim, vs, vs0 + j0 * ld, ld, 1, w.dOutCols, i0, sp, dst, 0, COL_BLOCK,
                            false);
                    scoreGradientTile(dst, pt, rows, cols, w.delta, i0);
                    // inverts S = scale·Q·Kᵀ: dK[j0.., :] += dSᵀ · Q[i0.., :] (scaled on the way out)
                    AttentionTiles.product(rows, dp, cols, dst, 0, COL_BLOCK, 1, qs, qs0 + i0 * ld, ld, dkh, j0 * dp, dp, true);
                    // inverts S = scale·Q·Kᵀ: dQ[i0.., :] += dS · K[j0.., :] (scaled on the way out);
                    // dS is read through the dSᵀ tile by swapping the row and k strides
                    AttentionTiles.product(cols, dp, rows, dst, 0, 1, COL_BLOCK, ks, ks0 + j0 * ld, ld, dqh, i0 * dp, dp, true);
                }
            }
            for (int s = 0; s < seq; s++) {
                if (dq != null) {
                    addScaled(dqh, s * dp, dq, dqOff + headBase + s * d, headDim, scale);
                }
                if (dk != null) {
                    addScaled(dkh, s * dp, dk, dkOff + headBase + s * d, headDim, scale);
                }
                if (dv != null) {
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
        PackedGemm.transpose(src, srcOff, srcStride, count, headDim, factor, dst, 0, ld);
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

    /** bias[j] = 0 for a key of the sequence, −∞ for one past its end (up to the padded length kp). */
    private static void keyBias(int seq, float[] bias, int kp) {
        for (int j = 0; j < kp; j++) {
            bias[j] = j < seq ? 0f : Float.NEGATIVE_INFINITY;
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

    private static int roundUp(int n, int multiple) {
        return (n + multiple - 1) / multiple * multiple;
    }
}
