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
 * MR×NR    register tile of C: 12 rows × 2 vectors (12×32 with 16 lanes), 24 accumulators
 * KC       depth of one block along K (256: a C tile is loaded and stored once per 256 multiply-adds)
 * MC       rows of op(A) per block (MC×KC = 144×256 floats, 144 KiB, stays in L2 while the B panels pass)
 * NC       columns of op(B) per block, packed once and read by every thread (KC×NC = 1 MiB, in L2/L3)
 * </pre>
 *
 * <p>Which thread computes which part, and in what order, is {@link GemmSchedule}'s business: blocks of B'
 * packed by any thread, then tile jobs (row blocks × groups of B micro-panels) taken by whichever thread is free.
 *
 * <p>Operand layouts the kernel reads: op(B) packed k-major in NR-wide micro-panels (per k, the two vectors
 * it loads); op(A) packed per MC×KC block as rows contiguous along k and exactly KC apart, so that the kernel's
 * twelve A addresses per k differ only by constants.
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
    static final int MR = 12;
    static final int NR = 2 * L;
    static final int KC = 256;
    static final int MC = 12 * MR;
    static final int NC = 32 * NR;
    /** Below this many multiply-adds, waking a helper thread costs more than it saves. */
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

        /** At least {@code count} buffers, the first {@code count} of them holding {@code size} floats each. */
        float[][] panelBuffers(int count, int size) {
            if (panels.length < count) {
                panels = Arrays.copyOf(panels, count);
            }
            for (int i = 0; i < count; i++) {
                if (panels[i] == null || panels[i].length < ALIGNED + size) {
                    panels[i] = new float[ALIGNED + size];
                }
            }
            return panels;
        }
    }

    /**
     * One GEMM as the kernel sees it: C'(M×N) = beta·C' + A'(M×K)·B'(K×N), where each operand is read
     * through a transpose flag. A'[i][p] is {@code a[aOff + (aT ? p·lda + i : i·lda + p)]}, B'[p][j] is
     * {@code b[bOff + (bT ? j·ldb + p : p·ldb + j)]}, C'[i][j] is {@code c[cOff + (cT ? j·ldc + i : i·ldc + j)]}.
     * A transposed C' lets a narrow product (N small) run as its transpose, Cᵀ = op(B)ᵀ·op(A)ᵀ, so the
     * short side pads to MR = 12 rather than NR = 32.
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
     * One K block [pc, pc+kc) of rows [ic, ic+mc) (mc ≤ MC) × micro-panels [q0, q1) of C', the panels packed by
     * {@link #packPanels} in {@code bPack} for the column block starting at panel {@code panel0}. A' is packed
     * once; each B micro-panel is then reused across its rows while it sits in L1.
     * {@code zero} starts the chains at 0 (first K block, beta = 0).
     */
    static void computeBlock(Problem pr, int pc, int kc, float[] bPack, boolean zero,
                             int ic, int mc, int panel0, int q0, int q1) {
        Workspace ws = WORKSPACE.get();
        float[] tile = ws.tile;
        float[] ap = ws.a(roundUp(mc, MR) * KC);
        packA(pr, ic, mc, pc, kc, ap);
        for (int q = q0; q < q1; q++) {
            int col = q * NR;
            int cols = Math.min(NR, pr.n - col);
            int bi = ALIGNED + (q - panel0) * kc * NR;
            for (int ir = 0; ir < mc; ir += MR) {
                int row = ic + ir;
                int rows = Math.min(MR, mc - ir);
                int ai = ir * KC;
                if (rows == MR && cols == NR && !pr.cT) {
                    kernel(kc, ap, ai, bPack, bi, pr.c, pr.cOff + row * pr.ldc + col, pr.ldc, zero);
                } else {
                    if (!zero) {
                        gatherTile(pr, row, rows, col, cols, tile);
                    }
                    kernel(kc, ap, ai, bPack, bi, tile, ALIGNED, NR, zero);
                    scatterTile(pr, row, rows, col, cols, tile);
                }
            }
        }
    }

    /**
     * Packs alpha·A'[ic, ic+mc) × [pc, pc+kc) row-major with rows {@link #KC} apart (row i at i·KC, whatever kc:
     * the kernel's twelve A addresses then differ by constants), rows past mc zero-padded to a whole tile. A
     * transposed A' (stored K×M) goes through {@link #transpose}.
     */
    private static void packA(Problem pr, int ic, int mc, int pc, int kc, float[] dst) {
        float alpha = pr.alpha;
        float[] a = pr.a;
        if (pr.aT) {
            transpose(a, pr.aOff + pc * pr.lda + ic, pr.lda, kc, mc, alpha, dst, 0, KC);
        } else {
            for (int i = 0; i < mc; i++) {
                int s = pr.aOff + (ic + i) * pr.lda + pc;
                int d = i * KC;
                int p = 0;
                for (; p + L <= kc; p += L) {
                    FloatVector.fromArray(F, a, s + p).mul(alpha).intoArray(dst, d + p);
                }
                for (; p < kc; p++) {
                    dst[d + p] = alpha * a[s + p];
                }
            }
        }
        for (int i = mc; i < roundUp(mc, MR); i++) {
            Arrays.fill(dst, i * KC, i * KC + kc, 0f);
        }
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
     * dst[d + j·dstStride + r] = alpha·src[s + r·srcStride + j] for r &lt; rows, j &lt; cols: the transpose of a
     * rows×cols matrix, scaled. Whole 16×16 blocks are transposed in registers, 16 source rows at a time (reading
     * along rows keeps the hardware prefetcher useful); the ragged rest, and every block when vectors are not 16
     * lanes wide, element by element, one destination row at a time. The same product alpha·src either way.
     */
    static void transpose(float[] src, int s, int srcStride, int rows, int cols, float alpha, float[] dst, int d,
                          int dstStride) {
        int blockRows = L == TRANSPOSE_LANES ? rows - rows % L : 0;
        int blockCols = L == TRANSPOSE_LANES ? cols - cols % L : 0;
        for (int r = 0; r < blockRows; r += L) {
            for (int j = 0; j < blockCols; j += L) {
                transpose16(src, s + r * srcStride + j, srcStride, alpha, dst, d + j * dstStride + r, dstStride);
            }
        }
        for (int j = 0; j < cols; j++) {
            for (int r = j < blockCols ? blockRows : 0; r < rows; r++) {
                dst[d + j * dstStride + r] = alpha * src[s + r * srcStride + j];
            }
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
     * The micro-kernel: C[12×32] (+)= A[12×kc]·Bpanel[kc×32], A packed with its rows {@link #KC} apart from
     * {@code ai}, the packed B panel at {@code bi} (NR values per k). Per k: two B vector loads, twelve
     * broadcasts whose addresses differ only by constants, 24 fma into 24 accumulators (27 of the 32 zmm
     * registers). That is few enough other instructions that the fma units, not instruction issue, set the pace:
     * measured 15–24% faster than a 6×32 tile reading A's rows in place. Every index is an offset plus the loop
     * counter times a constant, so C2 proves the accesses in bounds once per call. Every accumulator is a named
     * local and the k body is written out in full: C2 keeps vectors in registers only while nothing makes it box
     * one (a helper call would; see shared/notes/vector-api-microkernel.md). {@code zero} starts the chains at 0
     * instead of loading C.
     */
    private static void kernel(int kc, float[] a, int ai, float[] bp, int bi, float[] c, int ci, int ldc,
                               boolean zero) {
        int r1 = ci + ldc;
        int r2 = r1 + ldc;
        int r3 = r2 + ldc;
        int r4 = r3 + ldc;
        int r5 = r4 + ldc;
        int r6 = r5 + ldc;
        int r7 = r6 + ldc;
        int r8 = r7 + ldc;
        int r9 = r8 + ldc;
        int r10 = r9 + ldc;
        int r11 = r10 + ldc;
        FloatVector lo0;
        FloatVector hi0;
        FloatVector lo1;
        FloatVector hi1;
        FloatVector lo2;
        FloatVector hi2;
        FloatVector lo3;
        FloatVector hi3;
        FloatVector lo4;
        FloatVector hi4;
        FloatVector lo5;
        FloatVector hi5;
        FloatVector lo6;
        FloatVector hi6;
        FloatVector lo7;
        FloatVector hi7;
        FloatVector lo8;
        FloatVector hi8;
        FloatVector lo9;
        FloatVector hi9;
        FloatVector lo10;
        FloatVector hi10;
        FloatVector lo11;
        FloatVector hi11;
        if (zero) {
            lo0 = FloatVector.zero(F);
            hi0 = lo0;
            lo1 = lo0;
            hi1 = lo0;
            lo2 = lo0;
            hi2 = lo0;
            lo3 = lo0;
            hi3 = lo0;
            lo4 = lo0;
            hi4 = lo0;
            lo5 = lo0;
            hi5 = lo0;
            lo6 = lo0;
            hi6 = lo0;
            lo7 = lo0;
            hi7 = lo0;
            lo8 = lo0;
            hi8 = lo0;
            lo9 = lo0;
            hi9 = lo0;
            lo10 = lo0;
            hi10 = lo0;
            lo11 = lo0;
            hi11 = lo0;
        } else {
            lo0 = FloatVector.fromArray(F, c, ci);
            hi0 = FloatVector.fromArray(F, c, ci + L);
            lo1 = FloatVector.fromArray(F, c, r1);
            hi1 = FloatVector.fromArray(F, c, r1 + L);
            lo2 = FloatVector.fromArray(F, c, r2);
            hi2 = FloatVector.fromArray(F, c, r2 + L);
            lo3 = FloatVector.fromArray(F, c, r3);
            hi3 = FloatVector.fromArray(F, c, r3 + L);
            lo4 = FloatVector.fromArray(F, c, r4);
            hi4 = FloatVector.fromArray(F, c, r4 + L);
            lo5 = FloatVector.fromArray(F, c, r5);
            hi5 = FloatVector.fromArray(F, c, r5 + L);
            lo6 = FloatVector.fromArray(F, c, r6);
            hi6 = FloatVector.fromArray(F, c, r6 + L);
            lo7 = FloatVector.fromArray(F, c, r7);
            hi7 = FloatVector.fromArray(F, c, r7 + L);
            lo8 = FloatVector.fromArray(F, c, r8);
            hi8 = FloatVector.fromArray(F, c, r8 + L);
            lo9 = FloatVector.fromArray(F, c, r9);
            hi9 = FloatVector.fromArray(F, c, r9 + L);
            lo10 = FloatVector.fromArray(F, c, r10);
            hi10 = FloatVector.fromArray(F, c, r10 + L);
            lo11 = FloatVector.fromArray(F, c, r11);
            hi11 = FloatVector.fromArray(F, c, r11 + L);
        }
        for (int p = 0; p < kc; p++) {
            FloatVector b0 = FloatVector.fromArray(F, bp, bi + p * NR);
            FloatVector b1 = FloatVector.fromArray(F, bp, bi + p * NR + L);
            FloatVector x = FloatVector.broadcast(F, a[ai + p]);
            lo0 = x.fma(b0, lo0);
            hi0 = x.fma(b1, hi0);
            x = FloatVector.broadcast(F, a[ai + p + KC]);
            lo1 = x.fma(b0, lo1);
            hi1 = x.fma(b1, hi1);
            x = FloatVector.broadcast(F, a[ai + p + 2 * KC]);
            lo2 = x.fma(b0, lo2);
            hi2 = x.fma(b1, hi2);
            x = FloatVector.broadcast(F, a[ai + p + 3 * KC]);
            lo3 = x.fma(b0, lo3);
            hi3 = x.fma(b1, hi3);
            x = FloatVector.broadcast(F, a[ai + p + 4 * KC]);
            lo4 = x.fma(b0, lo4);
            hi4 = x.fma(b1, hi4);
            x = FloatVector.broadcast(F, a[ai + p + 5 * KC]);
            lo5 = x.fma(b0, lo5);
            hi5 = x.fma(b1, hi5);
            x = FloatVector.broadcast(F, a[ai + p + 6 * KC]);
            lo6 = x.fma(b0, lo6);
            hi6 = x.fma(b1, hi6);
            x = FloatVector.broadcast(F, a[ai + p + 7 * KC]);
            lo7 = x.fma(b0, lo7);
            hi7 = x.fma(b1, hi7);
            x = FloatVector.broadcast(F, a[ai + p + 8 * KC]);
            lo8 = x.fma(b0, lo8);
            hi8 = x.fma(b1, hi8);
            x = FloatVector.broadcast(F, a[ai + p + 9 * KC]);
            lo9 = x.fma(b0, lo9);
            hi9 = x.fma(b1, hi9);
            x = FloatVector.broadcast(F, a[ai + p + 10 * KC]);
            lo10 = x.fma(b0, lo10);
            hi10 = x.fma(b1, hi10);
            x = FloatVector.broadcast(F, a[ai + p + 11 * KC]);
            lo11 = x.fma(b0, lo11);
            hi11 = x.fma(b1, hi11);
        }
        lo0.intoArray(c, ci);
        hi0.intoArray(c, ci + L);
        lo1.intoArray(c, r1);
        hi1.intoArray(c, r1 + L);
        lo2.intoArray(c, r2);
        hi2.intoArray(c, r2 + L);
        lo3.intoArray(c, r3);
        hi3.intoArray(c, r3 + L);
        lo4.intoArray(c, r4);
        hi4.intoArray(c, r4 + L);
        lo5.intoArray(c, r5);
        hi5.intoArray(c, r5 + L);
        lo6.intoArray(c, r6);
        hi6.intoArray(c, r6 + L);
        lo7.intoArray(c, r7);
        hi7.intoArray(c, r7 + L);
        lo8.intoArray(c, r8);
        hi8.intoArray(c, r8 + L);
        lo9.intoArray(c, r9);
        hi9.intoArray(c, r9 + L);
        lo10.intoArray(c, r10);
        hi10.intoArray(c, r10 + L);
        lo11.intoArray(c, r11);
        hi11.intoArray(c, r11 + L);
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

    private static int roundUp(int x, int y) {
        return Math.ceilDiv(x, y) * y;
    }
}
