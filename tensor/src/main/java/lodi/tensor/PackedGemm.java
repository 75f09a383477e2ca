package lodi.tensor;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The SIMD GEMM behind {@link Gemm#sgemm}: operands packed into cache-sized panels, C computed in MR×NR
 * register tiles by one straight-line {@code fma} micro-kernel.
 *
 * <pre>
 * M, N, K  rows of C, columns of C, the summed dimension; op(A) is M×K, op(B) is K×N
 * MR×NR    register tile of C: 6 rows × 2 vectors (6×32 with 16 lanes), 12 accumulators
 * KC       depth of one packed block along K (a B micro-panel KC×NR stays in L1)
 * MC       rows of op(A) packed per block (MC×KC stays in L2 while the B panels stream past)
 * NC       columns of op(B) packed per block by each task (KC×NC, in L2/L3)
 * </pre>
 *
 * <p>Determinism: every element of C is one fma chain over k in increasing order, starting from 0 (beta = 0)
 * or from beta·C, with alpha folded into the packed A values: {@code s = fma(alpha·a[i][p], b[p][j], s)}.
 * Partial sums of a K block are stored in C and reloaded for the next block, which continues the same chain,
 * so the result depends neither on the blocking nor on which thread computes which tile. Edge tiles run the
 * same kernel on a zero-padded scratch tile, so they compute the same chain too.
 */
final class PackedGemm {
    private static final VectorSpecies<Float> F = Simd.F;
    private static final int L = F.length();
    static final int MR = 6;
    static final int NR = 2 * L;
    static final int KC = 128;
    static final int MC = 24 * MR;
    static final int NC = 32 * NR;
    /**
     * With at most this many rows, B' (when its rows are contiguous) is read in place instead of packed:
     * packing would touch every element of B' once for only a few rows of use.
     */
    private static final int DIRECT_B_MAX_ROWS = 8 * MR;
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
        /** Offsets of an MR-row × L-column block of row-major A in packed order, for the packA gathers. */
        final int[] gatherMap = new int[MR * L];
        int gatherLda = -1;

        int[] gatherMap(int lda) {
            if (gatherLda != lda) {
                for (int e = 0; e < gatherMap.length; e++) {
                    gatherMap[e] = (e % MR) * lda + e / MR;
                }
                gatherLda = lda;
            }
            return gatherMap;
        }

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
        boolean inPlaceB = !pr.bT && pr.m <= DIRECT_B_MAX_ROWS;
        for (int jc = panel0; jc < panel1; jc += NC / NR) {
            int jcEnd = Math.min(panel1, jc + NC / NR);
            for (int pc = 0; pc < pr.k; pc += KC) {
                int kc = Math.min(KC, pr.k - pc);
                float[] bPack = ws.b((jcEnd - jc) * kc * NR);
                for (int q = jc; q < jcEnd; q++) {
                    // In place, only a ragged last panel needs packing (it must be zero-padded to NR columns).
                    if (!inPlaceB || (q + 1) * NR > pr.n) {
                        packB(pr, pc, kc, q * NR, bPack, (q - jc) * kc * NR);
                    }
                }
                computeBlock(pr, pc, kc, bPack, inPlaceB, zeroInit && pc == 0, tile0, tile1, jc, jcEnd);
            }
        }
    }

    /**
     * One K block of a task: row tiles [tile0, tile1) × column panels [panel0, panel1), the panels packed in
     * {@code bPack} from panel0 on. A is packed MC rows at a time and each B micro-panel is reused across all
     * those rows while it sits in L1. {@code zero} starts the chains at 0 (first K block, beta = 0).
     */
    private static void computeBlock(Problem pr, int pc, int kc, float[] bPack, boolean inPlaceB, boolean zero,
                                     int tile0, int tile1, int panel0, int panel1) {
        Workspace ws = WORKSPACE.get();
        float[] aPack = ws.a(MC * kc);
        float[] tile = ws.tile;
        int rowEnd = Math.min(pr.m, tile1 * MR);
        for (int ic = tile0 * MR; ic < rowEnd; ic += MC) {
            int mc = Math.min(MC, rowEnd - ic);
            packA(pr, ic, mc, pc, kc, aPack);
            for (int q = panel0; q < panel1; q++) {
                int col = q * NR;
                int cols = Math.min(NR, pr.n - col);
                boolean inPlace = inPlaceB && cols == NR;
                float[] bp = inPlace ? pr.b : bPack;
                int bi = inPlace ? pr.bOff + pc * pr.ldb + col : (q - panel0) * kc * NR;
                int bStep = inPlace ? pr.ldb : NR;
                for (int ir = 0; ir < mc; ir += MR) {
                    int row = ic + ir;
                    int rows = Math.min(MR, pr.m - row);
                    int ai = ir * kc;
                    if (rows == MR && cols == NR && !pr.cT) {
                        kernel(kc, aPack, ai, bp, bi, bStep, pr.c, pr.cOff + row * pr.ldc + col, pr.ldc, zero);
                    } else {
                        if (!zero) {
                            gatherTile(pr, row, rows, col, cols, tile);
                        }
                        kernel(kc, aPack, ai, bp, bi, bStep, tile, 0, NR, zero);
                        scatterTile(pr, row, rows, col, cols, tile);
                    }
                }
            }
        }
    }

    /**
     * Packs A'[ic, ic+mc) × [pc, pc+kc) as MR-row micro-panels, k-major ({@code MR} values per k), scaled by
     * alpha, rows past M zero-padded.
     */
    private static void packA(Problem pr, int ic, int mc, int pc, int kc, float[] dst) {
        float alpha = pr.alpha;
        float[] a = pr.a;
        int[] map = pr.aT ? null : WORKSPACE.get().gatherMap(pr.lda);
        for (int ir = 0; ir < mc; ir += MR) {
            int base = ir * kc;
            int rows = Math.min(MR, pr.m - ic - ir);
            if (rows == MR && !pr.aT) {
                // Row-major A: each gather collects L consecutive k of all MR rows, already interleaved. The
                // scalar loop below would store one float at a time with stride MR; for N = 128 that cost as
                // much as a quarter of the multiply-adds.
                int s0 = pr.aOff + (ic + ir) * pr.lda + pc;
                int p = 0;
                for (; p + L <= kc; p += L) {
                    for (int q = 0; q < MR; q++) {
                        FloatVector.fromArray(F, a, s0 + p, map, q * L).mul(alpha).intoArray(dst, base + p * MR + q * L);
                    }
                }
                for (; p < kc; p++) {
                    for (int i = 0; i < MR; i++) {
                        dst[base + p * MR + i] = alpha * a[s0 + i * pr.lda + p];
                    }
                }
                continue;
            }
            for (int i = 0; i < MR; i++) {
                int d = base + i;
                if (i >= rows) {
                    for (int p = 0; p < kc; p++, d += MR) {
                        dst[d] = 0f;
                    }
                } else if (pr.aT) {
                    int s = pr.aOff + pc * pr.lda + ic + ir + i;
                    for (int p = 0; p < kc; p++, d += MR, s += pr.lda) {
                        dst[d] = alpha * a[s];
                    }
                } else {
                    int s = pr.aOff + (ic + ir + i) * pr.lda + pc;
                    for (int p = 0; p < kc; p++, d += MR, s++) {
                        dst[d] = alpha * a[s];
                    }
                }
            }
        }
    }

    /** Packs B'[pc, pc+kc) × [col, col+NR) k-major ({@code NR} values per k), columns past N zero-padded. */
    private static void packB(Problem pr, int pc, int kc, int col, float[] dst, int base) {
        int cols = Math.min(NR, pr.n - col);
        float[] b = pr.b;
        if (pr.bT) {
            for (int j = 0; j < cols; j++) {
                int s = pr.bOff + (col + j) * pr.ldb + pc;
                int d = base + j;
                for (int p = 0; p < kc; p++, d += NR) {
                    dst[d] = b[s + p];
                }
            }
            if (cols < NR) {
                for (int p = 0; p < kc; p++) {
                    Arrays.fill(dst, base + p * NR + cols, base + (p + 1) * NR, 0f);
                }
            }
        } else {
            for (int p = 0; p < kc; p++) {
                int d = base + p * NR;
                System.arraycopy(b, pr.bOff + (pc + p) * pr.ldb + col, dst, d, cols);
                if (cols < NR) {
                    Arrays.fill(dst, d + cols, d + NR, 0f);
                }
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
     * The micro-kernel: C[6×32] (+)= Apanel[6×kc]·Bpanel[kc×32], B rows {@code bStep} apart (NR when packed). Every accumulator is a named local and the
     * k body is written out in full: C2 keeps the 12 accumulators, 2 B vectors and the broadcast in zmm
     * registers only while nothing makes it box a vector (a helper call would; see
     * shared/notes/vector-api-microkernel.md). {@code zero} starts the chains at 0 instead of loading C.
     */
    private static void kernel(int kc, float[] ap, int ai, float[] bp, int bi, int bStep, float[] c, int ci,
                               int ldc, boolean zero) {
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
        for (int p = 0; p < kc; p++, ai += MR, bi += bStep) {
            FloatVector b0 = FloatVector.fromArray(F, bp, bi);
            FloatVector b1 = FloatVector.fromArray(F, bp, bi + L);
            FloatVector a = FloatVector.broadcast(F, ap[ai]);
            c00 = a.fma(b0, c00);
            c01 = a.fma(b1, c01);
            a = FloatVector.broadcast(F, ap[ai + 1]);
            c10 = a.fma(b0, c10);
            c11 = a.fma(b1, c11);
            a = FloatVector.broadcast(F, ap[ai + 2]);
            c20 = a.fma(b0, c20);
            c21 = a.fma(b1, c21);
            a = FloatVector.broadcast(F, ap[ai + 3]);
            c30 = a.fma(b0, c30);
            c31 = a.fma(b1, c31);
            a = FloatVector.broadcast(F, ap[ai + 4]);
            c40 = a.fma(b0, c40);
            c41 = a.fma(b1, c41);
            a = FloatVector.broadcast(F, ap[ai + 5]);
            c50 = a.fma(b0, c50);
            c51 = a.fma(b1, c51);
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
