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
 * MC       rows of op(A) per block (MC×KC = 144×256 floats, 144 KiB, stays in L2 while the B panels pass)
 * NC       columns of op(B) packed per block by each task (KC×NC = 1 MiB, in L2/L3)
 * </pre>
 *
 * <p>Operand layouts the kernel reads: op(B) packed k-major in NR-wide micro-panels (per k, the two vectors
 * it loads); op(A) as MR rows, each contiguous along k. A row-major, unscaled op(A) already is that, so it is
 * read in place; a transposed or scaled one is packed row-major per MC×KC block.
 *
 * <p>Determinism: every element of C is one fma chain over k in increasing order, starting from 0 (beta = 0)
 * or from beta·C, with alpha folded into the packed A values: {@code s = fma(alpha·a[i][p], b[p][j], s)}
 * (a product run transposed, see {@link Problem}, folds alpha into B instead: {@code fma(a[i][p], alpha·b[p][j], s)}).
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
    static final int NC = 32 * NR;
    /** Below this many multiply-adds a fork/join costs more than it saves. */
    static final long PARALLEL_MIN_MACS = 1L << 21;

    private static final ThreadLocal<Workspace> WORKSPACE = ThreadLocal.withInitial(Workspace::new);

    private PackedGemm() {
    }

    /** Per-thread packing buffers, grown on demand and reused so that small GEMMs allocate nothing. */
    private static final class Workspace {
        float[] a = new float[0];
        float[] b = new float[0];
        final float[] tile = new float[MR * NR];
        final StrideMap aRows = new StrideMap();
        final StrideMap bRows = new StrideMap();

        float[] a(int size) {
            if (a.length < size) {
                a = new float[size];
            }
            return a;
        }

        float[] b(int size) {
            if (b.length < size) {
                b = new float[size];
            }
            return b;
        }
    }

    /** Offsets of L consecutive rows {@code ld} apart, the index map of a gather down a column. */
    private static final class StrideMap {
        final int[] offsets = new int[L];
        int ld = -1;

        int[] of(int rowStride) {
            if (ld != rowStride) {
                for (int q = 0; q < L; q++) {
                    offsets[q] = q * rowStride;
                }
                ld = rowStride;
            }
            return offsets;
        }
    }

    /**
     * One GEMM as the kernel sees it: C'(M×N) = beta·C' + A'(M×K)·B'(K×N), where each operand is read
     * through a transpose flag. A'[i][p] is {@code a[aOff + (aT ? p·lda + i : i·lda + p)]}, B'[p][j] is
     * {@code b[bOff + (bT ? j·ldb + p : p·ldb + j)]}, C'[i][j] is {@code c[cOff + (cT ? j·ldc + i : i·ldc + j)]}.
     * A transposed C' lets a narrow product (N small) run as its transpose, Cᵀ = op(B)ᵀ·op(A)ᵀ, so the
     * short side pads to MR = 6 rather than NR = 32.
     */
    private record Problem(int m, int n, int k, float alpha,
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
        run(problem, zeroInit, fork ? Parallel.threads() : 1);
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
     * Splits C into one rectangle per thread and runs each start to finish, K blocks included, with no
     * barrier in between: a task packs its own operands, so a long K (a weight gradient over 4096 tokens)
     * costs no fork/join per K block. A task packs its share of one operand and all of the other, so the
     * longer side of C is split: rows when M ≥ N (each task packs all of B'), else columns (all of A').
     */
    private static void run(Problem pr, boolean zeroInit, int threads) {
        int rowTiles = ceilDiv(pr.m, MR);
        int panels = ceilDiv(pr.n, NR);
        int maxTasksM = Math.max(1, rowTiles / 4);
        int tasksM;
        int tasksN;
        if (pr.m >= pr.n) {
            tasksM = Math.min(threads, maxTasksM);
            tasksN = Math.max(1, Math.min(threads / tasksM, panels));
        } else {
            tasksN = Math.min(threads, panels);
            tasksM = Math.max(1, Math.min(threads / tasksN, maxTasksM));
        }
        Parallel.forEach(tasksM * tasksN, 1, t -> {
            int tm = t / tasksN;
            int tn = t % tasksN;
            runTask(pr, zeroInit, rowTiles * tm / tasksM, rowTiles * (tm + 1) / tasksM,
                    panels * tn / tasksN, panels * (tn + 1) / tasksN);
        });
    }

    /** Row tiles [tile0, tile1) × column panels [panel0, panel1) of C, over all of K. */
    private static void runTask(Problem pr, boolean zeroInit, int tile0, int tile1, int panel0, int panel1) {
        Workspace ws = WORKSPACE.get();
        for (int jc = panel0; jc < panel1; jc += NC / NR) {
            int jcEnd = Math.min(panel1, jc + NC / NR);
            for (int pc = 0; pc < pr.k; pc += KC) {
                int kc = Math.min(KC, pr.k - pc);
                float[] bPack = ws.b((jcEnd - jc) * kc * NR);
                for (int q = jc; q < jcEnd; q++) {
                    packB(pr, pc, kc, q * NR, bPack, (q - jc) * kc * NR, ws.bRows);
                }
                computeBlock(pr, pc, kc, bPack, zeroInit && pc == 0, tile0, tile1, jc, jcEnd);
            }
        }
    }

    /**
     * One K block of a task: row tiles [tile0, tile1) × column panels [panel0, panel1), the panels packed in
     * {@code bPack} from panel0 on. Each B micro-panel is reused across MC rows of A' while it sits in L1.
     * A' is read in place when it is row-major, unscaled and fills whole tiles (its rows are what the kernel
     * reads anyway), else packed MC rows at a time. {@code zero} starts the chains at 0 (first K block, beta = 0).
     */
    private static void computeBlock(Problem pr, int pc, int kc, float[] bPack, boolean zero,
                                     int tile0, int tile1, int panel0, int panel1) {
        Workspace ws = WORKSPACE.get();
        float[] tile = ws.tile;
        int rowEnd = Math.min(pr.m, tile1 * MR);
        for (int ic = tile0 * MR; ic < rowEnd; ic += MC) {
            int mc = Math.min(MC, rowEnd - ic);
            boolean inPlace = !pr.aT && pr.alpha == 1f && mc % MR == 0;
            float[] ap = inPlace ? pr.a : ws.a(roundUp(mc, MR) * kc);
            int a0 = inPlace ? pr.aOff + ic * pr.lda + pc : 0;
            int lda = inPlace ? pr.lda : kc;
            if (!inPlace) {
                packA(pr, ic, mc, pc, kc, ap, ws.aRows);
            }
            for (int q = panel0; q < panel1; q++) {
                int col = q * NR;
                int cols = Math.min(NR, pr.n - col);
                int bi = (q - panel0) * kc * NR;
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
                        kernel(kc, ap, ai, lda, bPack, bi, tile, 0, NR, zero);
                        scatterTile(pr, row, rows, col, cols, tile);
                    }
                }
            }
        }
    }

    /**
     * Packs alpha·A'[ic, ic+mc) × [pc, pc+kc) row-major (row i at i·kc), rows past mc zero-padded to a whole
     * tile. A transposed A' is read down its columns with gathers of L rows at a time, one cache line per row
     * serving L consecutive packed rows.
     */
    private static void packA(Problem pr, int ic, int mc, int pc, int kc, float[] dst, StrideMap rows) {
        float alpha = pr.alpha;
        float[] a = pr.a;
        if (pr.aT) {
            int[] map = rows.of(pr.lda);
            int p = 0;
            for (; p + L <= kc; p += L) {
                int s = pr.aOff + (pc + p) * pr.lda + ic;
                for (int i = 0; i < mc; i++) {
                    FloatVector.fromArray(F, a, s + i, map, 0).mul(alpha).intoArray(dst, i * kc + p);
                }
            }
            for (; p < kc; p++) {
                int s = pr.aOff + (pc + p) * pr.lda + ic;
                for (int i = 0; i < mc; i++) {
                    dst[i * kc + p] = alpha * a[s + i];
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
     * columns past N zero-padded. A transposed B' is read with gathers down L of its stored rows at a time.
     */
    private static void packB(Problem pr, int pc, int kc, int col, float[] dst, int base, StrideMap rows) {
        int cols = Math.min(NR, pr.n - col);
        float[] b = pr.b;
        if (cols < NR) {
            for (int p = 0; p < kc; p++) {
                int d = base + p * NR;
                for (int j = 0; j < cols; j++) {
                    dst[d + j] = b[pr.bOff + (pr.bT ? (col + j) * pr.ldb + pc + p : (pc + p) * pr.ldb + col + j)];
                }
                Arrays.fill(dst, d + cols, d + NR, 0f);
            }
        } else if (pr.bT) {
            int[] map = rows.of(pr.ldb);
            int s = pr.bOff + col * pr.ldb + pc;
            int s1 = s + L * pr.ldb;
            for (int p = 0; p < kc; p++) {
                int d = base + p * NR;
                FloatVector.fromArray(F, b, s + p, map, 0).intoArray(dst, d);
                FloatVector.fromArray(F, b, s1 + p, map, 0).intoArray(dst, d + L);
            }
        } else {
            for (int p = 0; p < kc; p++) {
                int s = pr.bOff + (pc + p) * pr.ldb + col;
                int d = base + p * NR;
                FloatVector.fromArray(F, b, s).intoArray(dst, d);
                FloatVector.fromArray(F, b, s + L).intoArray(dst, d + L);
            }
        }
    }

    /** Copies C's partial sums for an edge (or transposed) tile into the NR-wide scratch tile. */
    private static void gatherTile(Problem pr, int row, int rows, int col, int cols, float[] tile) {
        Arrays.fill(tile, 0f);
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                tile[i * NR + j] = pr.c[cIndex(pr, row + i, col + j)];
            }
        }
    }

    private static void scatterTile(Problem pr, int row, int rows, int col, int cols, float[] tile) {
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                pr.c[cIndex(pr, row + i, col + j)] = tile[i * NR + j];
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

    private static int ceilDiv(int x, int y) {
        return (x + y - 1) / y;
    }

    private static int roundUp(int x, int y) {
        return ceilDiv(x, y) * y;
    }
}
