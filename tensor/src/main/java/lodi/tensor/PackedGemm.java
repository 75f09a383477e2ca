package lodi.tensor;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The SIMD GEMM behind {@link Gemm#sgemm}: GotoBLAS-style blocking, C computed in MR×NR register tiles by one
 * straight-line {@code fma} micro-kernel.
 *
 * <pre>
 * M, N, K  rows of C, columns of C, the summed dimension; op(A) is M×K, op(B) is K×N
 * MR×NR    register tile of C: 6 rows × 2 vectors (6×32 with 16 lanes), 12 accumulators
 * KC       depth of one block along K (256: a C tile is loaded and stored once per 256 multiply-adds)
 * MC       rows of op(A) per block (MC×KC = 144×256 floats, 144 KiB, stays in L2 while the B panels pass;
 *          36 rows when A is read in place, see MC_IN_PLACE)
 * NC       columns of op(B) per block, packed once and read by every thread (KC×NC = 1 MiB, in L2/L3)
 * </pre>
 *
 * <p>Which thread computes which part, and in what order, is {@link GemmSchedule}'s business: blocks of B'
 * packed by any thread, then tile jobs (row blocks × groups of B micro-panels) taken by whichever thread is free.
 *
 * <p>Operand layouts the kernel reads: op(B) packed k-major in NR-wide micro-panels (per k, the two vectors
 * it loads); op(A) as MR rows, each contiguous along k. A row-major, unscaled op(A) already is that, so it is
 * read in place; a transposed or scaled one is packed row-major per MC×KC block.
 *
 * <p>Determinism: every element of C is one fma chain over k in increasing order, starting from 0 (beta = 0)
 * or from beta·C, with alpha folded into the packed A values: {@code s = fma(alpha·a[i][p], b[p][j], s)}
 * (a product run transposed, see {@link Problem}, folds alpha into B instead:
 * {@code s = fma(a[i][p], alpha·b[p][j], s)}).
 * Partial sums of a K block are stored in C and reloaded for the next block, which continues the same chain,
 * so the result depends neither on the blocking nor on which thread computes which tile. Edge tiles run the
 * same kernel on a zero-padded scratch tile, so they compute the same chain too.
 */
final class PackedGemm {
    private static final VectorSpecies<Float> F = Simd.F;
    private static final int L = F.length();
    static final int MR = 6;
    static final int NR = 2 * L;
    static final int KC = 256;
    static final int MC = 24 * MR;
    /**
     * Rows per block when A is read in place: its rows are lda apart, often a page or more, and C's rows ldc
     * apart; a B micro-panel swept down fewer of them misses the TLB and L1 less (measured: 36 rows beat
     * 144 by 5–25% on every in-place shape, while a packed, contiguous A is best at 144).
     */
    static final int MC_IN_PLACE = 6 * MR;
    static final int NC = 32 * NR;
    /** Below this many multiply-adds a fork/join costs more than it saves. */
    static final long PARALLEL_MIN_MACS = 1L << 21;

    /** Lane count the register transpose ({@link #transpose16}) is written for. */
    private static final int TRANSPOSE_LANES = 16;
    private static final FloatVector LOW8 = transposeIndex(8, false);
    private static final FloatVector HIGH8 = transposeIndex(8, true);
    private static final FloatVector LOW4 = transposeIndex(4, false);
    private static final FloatVector HIGH4 = transposeIndex(4, true);
    private static final FloatVector LOW2 = transposeIndex(2, false);
    private static final FloatVector HIGH2 = transposeIndex(2, true);
    private static final FloatVector LOW1 = transposeIndex(1, false);
    private static final FloatVector HIGH1 = transposeIndex(1, true);

    /**
     * Where buffers of the workspace start: at a 64-byte line when the JVM aligns objects to lines, so that the
     * kernel's two vector loads per k never straddle two lines (see {@link Alignment}).
     */
    private static final int ALIGNED = Alignment.FIRST_ALIGNED_FLOAT;

    private static final ThreadLocal<Workspace> WORKSPACE = ThreadLocal.withInitial(Workspace::new);

    private PackedGemm() {
    }

    /**
     * Per-thread buffers, grown on demand and reused so that small GEMMs allocate nothing: the A' block and the
     * scratch tile of the thread running a tile job, and the ring of packed B' blocks of the thread that called
     * the GEMM, which all threads of that GEMM read. Panels and the tile start at index {@link #ALIGNED}.
     */
    static final class Workspace {
        private float[] a = new float[0];
        private float[][] panels = new float[0][];
        final float[] tile = new float[ALIGNED + MR * NR];

        float[] a(int size) {
            if (a.length < size) {
                a = new float[size];
            }
            return a;
        }

        float[][] panelBuffers(int count, int size) {
            if (panels.length < count) {
                panels = Arrays.copyOf(panels, count);
            }
            for (int i = 0; i < count; i++) {
                if (panels[i] == null || panels[i].length < ALIGNED + size) {
                    panels[i] = new float[ALIGNED + size];
                }
            }
            return count == panels.length ? panels : Arrays.copyOf(panels, count);
        }
    }

    /**
     * One GEMM as the kernel sees it: C'(M×N) = beta·C' + A'(M×K)·B'(K×N), where each operand is read
     * through a transpose flag. A'[i][p] is {@code a[aOff + (aT ? p·lda + i : i·lda + p)]}, B'[p][j] is
     * {@code b[bOff + (bT ? j·ldb + p : p·ldb + j)]}, C'[i][j] is {@code c[cOff + (cT ? j·ldc + i : i·ldc + j)]}.
     * A transposed C' lets a narrow product (N small) run as its transpose, Cᵀ = op(B)ᵀ·op(A)ᵀ, so the
     * short side pads to MR = 6 rather than NR = 32.
     */
    record Problem(int m, int n, int k, float alpha,
                           float[] a, int aOff, int lda, boolean aT,
                           float[] b, int bOff, int ldb, boolean bT,
                           float[] c, int cOff, int ldc, boolean cT) {
    }

    /** C = alpha·op(A)·op(B) + beta·C; arguments already checked. {@code parallel} false keeps it on this thread. */
    static void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                      float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                      float beta, float[] c, int cOff, int ldc, boolean parallel) {
        if (m == 0 || n == 0) {
            return;
        }
        if (k == 0 || alpha == 0f) {
            scale(m, n, beta, c, cOff, ldc);
            return;
        }
        if (beta != 0f && beta != 1f) {
            scale(m, n, beta, c, cOff, ldc);
        }
        boolean zeroInit = beta == 0f;
        Problem problem = swapIsCheaper(m, n)
                ? new Problem(n, m, k, alpha, b, bOff, ldb, !transB, a, aOff, lda, !transA, c, cOff, ldc, true)
                : new Problem(m, n, k, alpha, a, aOff, lda, transA, b, bOff, ldb, transB, c, cOff, ldc, false);
        boolean fork = parallel && Parallel.threads() > 1 && (long) m * n * k >= PARALLEL_MIN_MACS;
        GemmSchedule.run(problem, zeroInit, fork ? Parallel.threads() : 1, WORKSPACE.get());
    }

    /** Padded work of C versus Cᵀ: run the transpose when it wastes clearly less of the register tile. */
    private static boolean swapIsCheaper(int m, int n) {
        long direct = (long) roundUp(m, MR) * roundUp(n, NR);
        long swapped = (long) roundUp(n, MR) * roundUp(m, NR);
        return 4 * swapped < 3 * direct;
    }

    /** beta = 0 writes zeros (C's prior contents, even NaN, are ignored); otherwise C = beta·C. */
    private static void scale(int m, int n, float beta, float[] c, int cOff, int ldc) {
        for (int i = 0; i < m; i++) {
            int row = cOff + i * ldc;
            if (beta == 0f) {
                Arrays.fill(c, row, row + n, 0f);
            } else {
                for (int j = 0; j < n; j++) {
                    c[row + j] *= beta;
                }
            }
        }
    }

    /** Rows of A' per tile job: fewer when A' is read in place (see {@link #MC_IN_PLACE}). */
    static int rowBlock(Problem pr) {
        return readsAInPlace(pr) ? MC_IN_PLACE : MC;
    }

    private static boolean readsAInPlace(Problem pr) {
        return !pr.aT && pr.alpha == 1f;
    }

    /**
     * Packs micro-panels [q0, q1) of the column block starting at panel {@code panel0}, K block [pc, pc+kc),
     * into {@code dst}, where panel q starts at {@code ALIGNED + (q − panel0)·kc·NR}.
     */
    static void packPanels(Problem pr, int pc, int kc, int panel0, int q0, int q1, float[] dst) {
        for (int q = q0; q < q1; q++) {
            packB(pr, pc, kc, q * NR, dst, ALIGNED + (q - panel0) * kc * NR);
        }
    }

    /**
     * One K block [pc, pc+kc) of rows [row0, row1) × micro-panels [q0, q1) of C', the panels packed by
     * {@link #packPanels} in {@code bPack} for the column block starting at panel {@code panel0}. Each B
     * micro-panel is reused across the rows of A' while it sits in L1. A' is read in place when it is row-major,
     * unscaled and fills whole tiles (its rows are what the kernel reads anyway), else packed MC rows at a time.
     * {@code zero} starts the chains at 0 (first K block, beta = 0).
     */
    static void computeBlock(Problem pr, int pc, int kc, float[] bPack, boolean zero,
                             int row0, int row1, int panel0, int q0, int q1) {
        Workspace ws = WORKSPACE.get();
        float[] tile = ws.tile;
        boolean aInPlace = readsAInPlace(pr);
        int blockRows = rowBlock(pr);
        for (int ic = row0; ic < row1; ic += blockRows) {
            int mc = Math.min(blockRows, row1 - ic);
            boolean inPlace = aInPlace && mc % MR == 0;
            float[] ap = inPlace ? pr.a : ws.a(roundUp(mc, MR) * kc);
            int a0 = inPlace ? pr.aOff + ic * pr.lda + pc : 0;
            int lda = inPlace ? pr.lda : kc;
            if (!inPlace) {
                packA(pr, ic, mc, pc, kc, ap);
            }
            for (int q = q0; q < q1; q++) {
                int col = q * NR;
                int cols = Math.min(NR, pr.n - col);
                int bi = ALIGNED + (q - panel0) * kc * NR;
                for (int ir = 0; ir < mc; ir += MR) {
                    int row = ic + ir;
                    int rows = Math.min(MR, mc - ir);
                    int ai = a0 + ir * lda;
                    if (rows == MR && cols == NR && !pr.cT) {
                        kernel(kc, ap, ai, lda, bPack, bi, pr.c, pr.cOff + row * pr.ldc + col, pr.ldc, zero);
                    } else {
                        if (!zero) {
                            gatherTile(pr, row, rows, col, cols, tile);
                        }
                        kernel(kc, ap, ai, lda, bPack, bi, tile, ALIGNED, NR, zero);
                        scatterTile(pr, row, rows, col, cols, tile);
                    }
                }
            }
        }
    }

    /**
     * Packs alpha·A'[ic, ic+mc) × [pc, pc+kc) row-major (row i at i·kc), rows past mc zero-padded to a whole
     * tile. A transposed A' (stored K×M) is transposed in 16×16 blocks in registers, 16 stored rows at a time
     * (reading along rows keeps the hardware prefetcher useful); the ragged rest, and every block when vectors
     * are not 16 lanes wide, element by element.
     */
    private static void packA(Problem pr, int ic, int mc, int pc, int kc, float[] dst) {
        float alpha = pr.alpha;
        float[] a = pr.a;
        if (pr.aT) {
            int blockRows = L == TRANSPOSE_LANES ? mc - mc % L : 0;
            int blockCols = L == TRANSPOSE_LANES ? kc - kc % L : 0;
            for (int p = 0; p < blockCols; p += L) {
                for (int i = 0; i < blockRows; i += L) {
                    transpose16(a, pr.aOff + (pc + p) * pr.lda + ic + i, pr.lda, alpha, dst, i * kc + p, kc);
                }
            }
            for (int i = 0; i < mc; i++) {
                int s = pr.aOff + pc * pr.lda + ic + i;
                for (int p = i < blockRows ? blockCols : 0; p < kc; p++) {
                    dst[i * kc + p] = alpha * a[s + p * pr.lda];
                }
            }
        } else {
            for (int i = 0; i < mc; i++) {
                int s = pr.aOff + (ic + i) * pr.lda + pc;
                int d = i * kc;
                int p = 0;
                for (; p + L <= kc; p += L) {
                    FloatVector.fromArray(F, a, s + p).mul(alpha).intoArray(dst, d + p);
                }
                for (; p < kc; p++) {
                    dst[d + p] = alpha * a[s + p];
                }
            }
        }
        Arrays.fill(dst, mc * kc, roundUp(mc, MR) * kc, 0f);
    }

    /**
     * Packs B'[pc, pc+kc) × [col, col+NR) k-major ({@code NR} values per k, the two vectors the kernel loads),
     * columns past N zero-padded. A transposed B' (stored N×K) is transposed in 16×16 blocks in registers.
     */
    private static void packB(Problem pr, int pc, int kc, int col, float[] dst, int base) {
        int cols = Math.min(NR, pr.n - col);
        float[] b = pr.b;
        int blockK = 0;
        if (cols == NR && pr.bT && L == TRANSPOSE_LANES) {
            blockK = kc - kc % L;
            for (int p = 0; p < blockK; p += L) {
                for (int j = 0; j < NR; j += L) {
                    transpose16(b, pr.bOff + (col + j) * pr.ldb + pc + p, pr.ldb, 1f, dst, base + p * NR + j, NR);
                }
            }
        }
        if (cols == NR && !pr.bT) {
            for (int p = 0; p < kc; p++) {
                int s = pr.bOff + (pc + p) * pr.ldb + col;
                int d = base + p * NR;
                FloatVector.fromArray(F, b, s).intoArray(dst, d);
                FloatVector.fromArray(F, b, s + L).intoArray(dst, d + L);
            }
            return;
        }
        for (int p = blockK; p < kc; p++) {
            int d = base + p * NR;
            for (int j = 0; j < cols; j++) {
                dst[d + j] = b[pr.bOff + (pr.bT ? (col + j) * pr.ldb + pc + p : (pc + p) * pr.ldb + col + j)];
            }
            Arrays.fill(dst, d + cols, d + NR, 0f);
        }
    }

    /**
     * dst[d + j·dstStride + r] = alpha·src[s + r·srcStride + j] for r, j in [0, 16): one 16×16 block transposed
     * in registers. Four rounds of two-vector permutes; the round of width w swaps the off-diagonal w×w blocks
     * of every 2w×2w block (rows r and r + w exchange their lanes of bit w), which together transpose the block.
     * Straight-line with every vector a local, as the micro-kernel, so that nothing is boxed.
     */
    private static void transpose16(float[] src, int s, int srcStride, float alpha, float[] dst, int d,
                                    int dstStride) {
        FloatVector v0 = FloatVector.fromArray(F, src, s);
        FloatVector v1 = FloatVector.fromArray(F, src, s + 1 * srcStride);
        FloatVector v2 = FloatVector.fromArray(F, src, s + 2 * srcStride);
        FloatVector v3 = FloatVector.fromArray(F, src, s + 3 * srcStride);
        FloatVector v4 = FloatVector.fromArray(F, src, s + 4 * srcStride);
        FloatVector v5 = FloatVector.fromArray(F, src, s + 5 * srcStride);
        FloatVector v6 = FloatVector.fromArray(F, src, s + 6 * srcStride);
        FloatVector v7 = FloatVector.fromArray(F, src, s + 7 * srcStride);
        FloatVector v8 = FloatVector.fromArray(F, src, s + 8 * srcStride);
        FloatVector v9 = FloatVector.fromArray(F, src, s + 9 * srcStride);
        FloatVector v10 = FloatVector.fromArray(F, src, s + 10 * srcStride);
        FloatVector v11 = FloatVector.fromArray(F, src, s + 11 * srcStride);
        FloatVector v12 = FloatVector.fromArray(F, src, s + 12 * srcStride);
        FloatVector v13 = FloatVector.fromArray(F, src, s + 13 * srcStride);
        FloatVector v14 = FloatVector.fromArray(F, src, s + 14 * srcStride);
        FloatVector v15 = FloatVector.fromArray(F, src, s + 15 * srcStride);
        FloatVector t;
        t = LOW8.selectFrom(v0, v8);
        v8 = HIGH8.selectFrom(v0, v8);
        v0 = t;
        t = LOW8.selectFrom(v1, v9);
        v9 = HIGH8.selectFrom(v1, v9);
        v1 = t;
        t = LOW8.selectFrom(v2, v10);
        v10 = HIGH8.selectFrom(v2, v10);
        v2 = t;
        t = LOW8.selectFrom(v3, v11);
        v11 = HIGH8.selectFrom(v3, v11);
        v3 = t;
        t = LOW8.selectFrom(v4, v12);
        v12 = HIGH8.selectFrom(v4, v12);
        v4 = t;
        t = LOW8.selectFrom(v5, v13);
        v13 = HIGH8.selectFrom(v5, v13);
        v5 = t;
        t = LOW8.selectFrom(v6, v14);
        v14 = HIGH8.selectFrom(v6, v14);
        v6 = t;
        t = LOW8.selectFrom(v7, v15);
        v15 = HIGH8.selectFrom(v7, v15);
        v7 = t;
        t = LOW4.selectFrom(v0, v4);
        v4 = HIGH4.selectFrom(v0, v4);
        v0 = t;
        t = LOW4.selectFrom(v1, v5);
        v5 = HIGH4.selectFrom(v1, v5);
        v1 = t;
        t = LOW4.selectFrom(v2, v6);
        v6 = HIGH4.selectFrom(v2, v6);
        v2 = t;
        t = LOW4.selectFrom(v3, v7);
        v7 = HIGH4.selectFrom(v3, v7);
        v3 = t;
        t = LOW4.selectFrom(v8, v12);
        v12 = HIGH4.selectFrom(v8, v12);
        v8 = t;
        t = LOW4.selectFrom(v9, v13);
        v13 = HIGH4.selectFrom(v9, v13);
        v9 = t;
        t = LOW4.selectFrom(v10, v14);
        v14 = HIGH4.selectFrom(v10, v14);
        v10 = t;
        t = LOW4.selectFrom(v11, v15);
        v15 = HIGH4.selectFrom(v11, v15);
        v11 = t;
        t = LOW2.selectFrom(v0, v2);
        v2 = HIGH2.selectFrom(v0, v2);
        v0 = t;
        t = LOW2.selectFrom(v1, v3);
        v3 = HIGH2.selectFrom(v1, v3);
        v1 = t;
        t = LOW2.selectFrom(v4, v6);
        v6 = HIGH2.selectFrom(v4, v6);
        v4 = t;
        t = LOW2.selectFrom(v5, v7);
        v7 = HIGH2.selectFrom(v5, v7);
        v5 = t;
        t = LOW2.selectFrom(v8, v10);
        v10 = HIGH2.selectFrom(v8, v10);
        v8 = t;
        t = LOW2.selectFrom(v9, v11);
        v11 = HIGH2.selectFrom(v9, v11);
        v9 = t;
        t = LOW2.selectFrom(v12, v14);
        v14 = HIGH2.selectFrom(v12, v14);
        v12 = t;
        t = LOW2.selectFrom(v13, v15);
        v15 = HIGH2.selectFrom(v13, v15);
        v13 = t;
        t = LOW1.selectFrom(v0, v1);
        v1 = HIGH1.selectFrom(v0, v1);
        v0 = t;
        t = LOW1.selectFrom(v2, v3);
        v3 = HIGH1.selectFrom(v2, v3);
        v2 = t;
        t = LOW1.selectFrom(v4, v5);
        v5 = HIGH1.selectFrom(v4, v5);
        v4 = t;
        t = LOW1.selectFrom(v6, v7);
        v7 = HIGH1.selectFrom(v6, v7);
        v6 = t;
        t = LOW1.selectFrom(v8, v9);
        v9 = HIGH1.selectFrom(v8, v9);
        v8 = t;
        t = LOW1.selectFrom(v10, v11);
        v11 = HIGH1.selectFrom(v10, v11);
        v10 = t;
        t = LOW1.selectFrom(v12, v13);
        v13 = HIGH1.selectFrom(v12, v13);
        v12 = t;
        t = LOW1.selectFrom(v14, v15);
        v15 = HIGH1.selectFrom(v14, v15);
        v14 = t;
        v0.mul(alpha).intoArray(dst, d);
        v1.mul(alpha).intoArray(dst, d + 1 * dstStride);
        v2.mul(alpha).intoArray(dst, d + 2 * dstStride);
        v3.mul(alpha).intoArray(dst, d + 3 * dstStride);
        v4.mul(alpha).intoArray(dst, d + 4 * dstStride);
        v5.mul(alpha).intoArray(dst, d + 5 * dstStride);
        v6.mul(alpha).intoArray(dst, d + 6 * dstStride);
        v7.mul(alpha).intoArray(dst, d + 7 * dstStride);
        v8.mul(alpha).intoArray(dst, d + 8 * dstStride);
        v9.mul(alpha).intoArray(dst, d + 9 * dstStride);
        v10.mul(alpha).intoArray(dst, d + 10 * dstStride);
        v11.mul(alpha).intoArray(dst, d + 11 * dstStride);
        v12.mul(alpha).intoArray(dst, d + 12 * dstStride);
        v13.mul(alpha).intoArray(dst, d + 13 * dstStride);
        v14.mul(alpha).intoArray(dst, d + 14 * dstStride);
        v15.mul(alpha).intoArray(dst, d + 15 * dstStride);
    }

    /** Copies C's partial sums for an edge (or transposed) tile into the NR-wide scratch tile. */
    private static void gatherTile(Problem pr, int row, int rows, int col, int cols, float[] tile) {
        Arrays.fill(tile, 0f);
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                tile[ALIGNED + i * NR + j] = pr.c[cIndex(pr, row + i, col + j)];
            }
        }
    }

    private static void scatterTile(Problem pr, int row, int rows, int col, int cols, float[] tile) {
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                pr.c[cIndex(pr, row + i, col + j)] = tile[ALIGNED + i * NR + j];
            }
        }
    }

    private static int cIndex(Problem pr, int i, int j) {
        return pr.cOff + (pr.cT ? j * pr.ldc + i : i * pr.ldc + j);
    }

    /**
     * The micro-kernel: C[6×32] (+)= A[6×kc]·Bpanel[kc×32], A's rows {@code lda} apart from {@code ai}, the
     * packed B panel at {@code bi} (NR values per k). Every index is an offset plus the loop counter times a
     * constant, so C2 proves the accesses in bounds once per call instead of checking every load. Every
     * accumulator is a named local and the k body is written out in full: C2 keeps the 12 accumulators, 2 B
     * vectors and the broadcast in zmm registers only while nothing makes it box a vector (a helper call
     * would; see shared/notes/vector-api-microkernel.md). {@code zero} starts the chains at 0 instead of
     * loading C.
     */
    private static void kernel(int kc, float[] a, int ai, int lda, float[] bp, int bi, float[] c, int ci,
                               int ldc, boolean zero) {
        int a1 = ai + lda;
        int a2 = a1 + lda;
        int a3 = a2 + lda;
        int a4 = a3 + lda;
        int a5 = a4 + lda;
        int r1 = ci + ldc;
        int r2 = r1 + ldc;
        int r3 = r2 + ldc;
        int r4 = r3 + ldc;
        int r5 = r4 + ldc;
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
        if (zero) {
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
        } else {
            c00 = FloatVector.fromArray(F, c, ci);
            c01 = FloatVector.fromArray(F, c, ci + L);
            c10 = FloatVector.fromArray(F, c, r1);
            c11 = FloatVector.fromArray(F, c, r1 + L);
            c20 = FloatVector.fromArray(F, c, r2);
            c21 = FloatVector.fromArray(F, c, r2 + L);
            c30 = FloatVector.fromArray(F, c, r3);
            c31 = FloatVector.fromArray(F, c, r3 + L);
            c40 = FloatVector.fromArray(F, c, r4);
            c41 = FloatVector.fromArray(F, c, r4 + L);
            c50 = FloatVector.fromArray(F, c, r5);
            c51 = FloatVector.fromArray(F, c, r5 + L);
        }
        for (int p = 0; p < kc; p++) {
            FloatVector b0 = FloatVector.fromArray(F, bp, bi + p * NR);
            FloatVector b1 = FloatVector.fromArray(F, bp, bi + p * NR + L);
            FloatVector x = FloatVector.broadcast(F, a[ai + p]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(F, a[a1 + p]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(F, a[a2 + p]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(F, a[a3 + p]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
            x = FloatVector.broadcast(F, a[a4 + p]);
            c40 = x.fma(b0, c40);
            c41 = x.fma(b1, c41);
            x = FloatVector.broadcast(F, a[a5 + p]);
            c50 = x.fma(b0, c50);
            c51 = x.fma(b1, c51);
        }
        c00.intoArray(c, ci);
        c01.intoArray(c, ci + L);
        c10.intoArray(c, r1);
        c11.intoArray(c, r1 + L);
        c20.intoArray(c, r2);
        c21.intoArray(c, r2 + L);
        c30.intoArray(c, r3);
        c31.intoArray(c, r3 + L);
        c40.intoArray(c, r4);
        c41.intoArray(c, r4 + L);
        c50.intoArray(c, r5);
        c51.intoArray(c, r5 + L);
    }

    /**
     * Lane indexes for {@code selectFrom(x, y)} in a transpose round of width w (0..L−1 pick from x, L..2L−1
     * from y): the low half keeps x's lanes without bit w and takes y's lanes without it in their place; the
     * high half takes x's lanes with bit w and keeps y's.
     */
    private static FloatVector transposeIndex(int w, boolean high) {
        float[] index = new float[L];
        for (int lane = 0; lane < L; lane++) {
            boolean bit = (lane & w) != 0;
            index[lane] = high ? (bit ? L + lane : lane + w) : (bit ? L + lane - w : lane);
        }
        return FloatVector.fromArray(F, index, 0);
    }

    private static int ceilDiv(int x, int y) {
        return (x + y - 1) / y;
    }

    private static int roundUp(int x, int y) {
        return ceilDiv(x, y) * y;
    }
}
