package lodi.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link Gemm} against {@link GemmReference} and against the exact fma chain it promises.
 *
 * <p>Tolerance against the reference (which rounds each product and sum separately, in the same k order):
 * |C − ref| ≤ (2K + 4)·2⁻²⁴·(|alpha|·Σ_p |a_ip·b_pj| + |beta·c_ij|), twice the standard worst-case bound
 * for a length-K float dot product, since both sides carry that error.
 */
class GemmTest {
    private static final float U = 0x1p-24f;
    /** (m, n, k): ones, odd sizes, non-multiples of 16, of MR = 6 and of NR = 32, K past KC, narrow N (swap). */
    private static final int[][] SHAPES = {
            {1, 1, 1}, {1, 7, 3}, {5, 1, 9}, {6, 32, 16}, {7, 33, 17}, {13, 29, 1}, {2, 100, 31},
            {100, 3, 40}, {37, 65, 130}, {64, 64, 32}, {61, 95, 257}, {17, 16, 15}, {150, 47, 64},
    };

    @Test
    void matchesReferenceForAllTransposesStridesAndScalings() {
        SplittableRandom rng = new SplittableRandom(11);
        float[][] scalings = {{1f, 0f}, {1f, 1f}, {-0.75f, 0.5f}, {2f, -1f}, {0f, 0.5f}};
        int cases = 0;
        for (int[] shape : SHAPES) {
            for (int t = 0; t < 4; t++) {
                float[] ab = scalings[cases % scalings.length];
                Case c = Case.random(rng, t >= 2, t % 2 == 1, shape[0], shape[1], shape[2], ab[0], ab[1]);
                c.runGemm();
                c.runReference();
                c.assertClose();
                cases++;
            }
        }
    }

    @Test
    void everyElementIsTheDocumentedFmaChain() {
        // s = beta·c (or 0 when beta = 0), then s = fma(a_ip, b_pj, s) for p = 0..K−1: bitwise, edges included.
        SplittableRandom rng = new SplittableRandom(12);
        for (int[] shape : SHAPES) {
            for (int t = 0; t < 4; t++) {
                float beta = t == 1 ? 0.5f : t == 2 ? 1f : 0f;
                Case c = Case.random(rng, t >= 2, t % 2 == 1, shape[0], shape[1], shape[2], 1f, beta);
                float[] expected = c.fmaChain();
                c.runGemm();
                assertArrayEquals(expected, c.c, c.toString());
            }
        }
    }

    @Test
    void blockEdgesAndBothScalingsGiveTheFmaChain() {
        // K, M and N at the block and tile sizes ±1, and M, N below one tile, with alpha = 1 and a scaling alpha
        // (folded into the packed A, or into B when the product runs transposed).
        // alpha = −0.5 scales exactly, so the chain is the same whichever operand a swapped product scales.
        int kc = PackedGemm.KC;
        int mc = PackedGemm.MC;
        int mr = PackedGemm.MR;
        int nc = PackedGemm.NC;
        int[][] shapes = {{13, 35, kc - 1}, {13, 35, kc}, {7, 33, kc + 1}, {mc - 1, 33, 20}, {mc, 31, 20},
                {mc + 1, 40, 19}, {mr - 1, 64, 21}, {mr, 33, 22}, {mr + 1, 35, 17}, {7, nc - 1, 17}, {12, nc, 16},
                {6, nc + 1, 18}, {5, 31, 40}, {3, 2, 300}};
        SplittableRandom rng = new SplittableRandom(16);
        for (int[] shape : shapes) {
            for (int t = 0; t < 4; t++) {
                for (float alpha : new float[] {1f, -0.5f}) {
                    Case c = Case.random(rng, t >= 2, t % 2 == 1, shape[0], shape[1], shape[2], alpha, 0.5f);
                    float[] expected = c.fmaChain();
                    c.runGemm();
                    assertArrayEquals(expected, c.c, c.toString());
                }
            }
        }
    }

    @Test
    void betaZeroIgnoresNaNInC() {
        SplittableRandom rng = new SplittableRandom(13);
        for (int[] shape : new int[][] {{7, 33, 5}, {64, 64, 300}, {40, 3, 8}}) {
            Case c = Case.random(rng, false, true, shape[0], shape[1], shape[2], 1f, 0f);
            Arrays.fill(c.c, Float.NaN);
            c.runGemm();
            for (int i = 0; i < c.m; i++) {
                for (int j = 0; j < c.n; j++) {
                    assertFalse(Float.isNaN(c.c[c.cOff + i * c.ldc + j]), c + " at " + i + "," + j);
                }
            }
        }
    }

    @Test
    void kZeroOrAlphaZeroOnlyScalesC() {
        float[] c = {1f, 2f, Float.NaN, 4f};
        Gemm.sgemm(false, false, 2, 2, 0, 1f, new float[0], 0, 1, new float[0], 0, 2, 0.5f, c, 0, 2);
        assertArrayEquals(new float[] {0.5f, 1f, Float.NaN, 2f}, c);
        Gemm.sgemm(false, false, 2, 2, 0, 1f, new float[0], 0, 1, new float[0], 0, 2, 0f, c, 0, 2);
        assertArrayEquals(new float[4], c);
        float[] a = {Float.NaN, 1f, 1f, 1f};
        float[] d = {3f, 3f, 3f, 3f};
        Gemm.sgemm(false, false, 2, 2, 2, 0f, a, 0, 2, a, 0, 2, 2f, d, 0, 2);
        assertArrayEquals(new float[] {6f, 6f, 6f, 6f}, d);
    }

    @Test
    void bitwiseIdenticalForOneAndTwoThreads() {
        int before = Parallel.threads();
        try {
            SplittableRandom rng = new SplittableRandom(14);
            // Large enough to fork: split over rows (M ≥ N), over columns, across NC, K past KC, swapped.
            int[][] shapes = {{300, 200, 64}, {200, 300, 64}, {12, 2000, 128}, {20, 2100, 64}, {140, 130, 300},
                    {500, 9, 700}};
            for (int[] shape : shapes) {
                for (int t = 0; t < 4; t++) {
                    Case one = Case.random(rng, t >= 2, t % 2 == 1, shape[0], shape[1], shape[2], 1f, 0.5f);
                    Case two = one.copy();
                    Parallel.setThreads(1);
                    one.runGemm();
                    Parallel.setThreads(2);
                    two.runGemm();
                    assertArrayEquals(one.c, two.c, one.toString());
                }
            }
        } finally {
            Parallel.setThreads(before);
        }
    }

    @Test
    void threadsTakingJobsInAnyOrderStillGiveTheFmaChain() {
        // More pool threads than cores, so that jobs interleave unpredictably: many K blocks (each tile's chain
        // must continue in k order across threads), few row blocks (tile jobs split by column groups), and more
        // blocks than packed-panel buffers (a buffer is refilled only once every reader is done).
        int before = Parallel.threads();
        try {
            SplittableRandom rng = new SplittableRandom(17);
            int[][] shapes = {{300, 200, 1100}, {40, 700, 900}, {150, 2100, 300}, {1000, 70, 530}, {30, 9000, 60}};
            for (int threads : new int[] {3, 4}) {
                Parallel.setThreads(threads);
                for (int[] shape : shapes) {
                    for (int t = 0; t < 4; t++) {
                        Case c = Case.random(rng, t >= 2, t % 2 == 1, shape[0], shape[1], shape[2], 1f, 0.5f);
                        float[] expected = c.fmaChain();
                        c.runGemm();
                        assertArrayEquals(expected, c.c, threads + " threads, " + c);
                    }
                }
            }
        } finally {
            Parallel.setThreads(before);
        }
    }

    @Test
    void batchedMatchesOneGemmPerMemberOnAnyThreadCount() {
        int before = Parallel.threads();
        try {
            SplittableRandom rng = new SplittableRandom(15);
            int m = 19;
            int n = 23;
            int k = 11;
            int batch = 7;
            int lda = k + 2;
            int ldb = k + 1;
            int ldc = n + 3;
            int strideA = m * lda + 5;
            int strideB = n * ldb + 2;
            int strideC = m * ldc + 4;
            float[] a = randoms(rng, 3 + batch * strideA);
            float[] b = randoms(rng, 1 + batch * strideB);
            float[] c0 = randoms(rng, 2 + batch * strideC);
            float[] expected = c0.clone();
            for (int i = 0; i < batch; i++) {
                Gemm.sgemm(false, true, m, n, k, 1.5f, a, 3 + i * strideA, lda, b, 1 + i * strideB, ldb,
                        0.25f, expected, 2 + i * strideC, ldc);
            }
            for (int threads = 1; threads <= 2; threads++) {
                Parallel.setThreads(threads);
                float[] c = c0.clone();
                long callsBefore = Gemm.calls();
                Gemm.sgemmBatched(false, true, m, n, k, 1.5f, a, 3, lda, strideA, b, 1, ldb, strideB,
                        0.25f, c, 2, ldc, strideC, batch);
                assertEquals(batch, Gemm.calls() - callsBefore);
                assertArrayEquals(expected, c, "threads=" + threads);
            }
        } finally {
            Parallel.setThreads(before);
        }
    }

    @Test
    void rejectsBadShapesAndStorage() {
        float[] x = new float[12];
        var negative = assertThrows(IllegalArgumentException.class,
                () -> Gemm.sgemm(false, false, -1, 2, 2, 1f, x, 0, 2, x, 0, 2, 0f, x, 0, 2));
        assertTrue(negative.getMessage().contains("m=-1"), negative.getMessage());
        var ld = assertThrows(IllegalArgumentException.class,
                () -> Gemm.sgemm(false, false, 2, 2, 3, 1f, x, 0, 2, x, 0, 2, 0f, x, 0, 2));
        assertTrue(ld.getMessage().startsWith("A: leading dimension 2 < columns 3"), ld.getMessage());
        var shortB = assertThrows(IllegalArgumentException.class,
                () -> Gemm.sgemm(false, true, 2, 4, 3, 1f, x, 0, 3, x, 2, 3, 0f, new float[8], 0, 4));
        assertTrue(shortB.getMessage().startsWith("B: 4x3"), shortB.getMessage());
        var shortC = assertThrows(IllegalArgumentException.class,
                () -> Gemm.sgemm(false, false, 2, 2, 2, 1f, x, 0, 2, x, 0, 2, 0f, x, 9, 2));
        assertTrue(shortC.getMessage().startsWith("C: 2x2"), shortC.getMessage());
        var mismatch = assertThrows(IllegalArgumentException.class,
                () -> Gemm.matmul(false, false, Tensor.zeros(2, 3), Tensor.zeros(4, 5), Tensor.zeros(2, 5), false));
        assertTrue(mismatch.getMessage().contains("op(A) 2x3, op(B) 4x5"), mismatch.getMessage());
    }

    @Test
    void matmulAccumulates() {
        Tensor a = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
        Tensor b = Tensor.of(new float[] {1, 0, 0, 1, 1, 1}, 2, 3);
        Tensor c = Tensor.full(1f, 2, 2);
        Gemm.matmul(false, true, a, b, c, true);
        assertArrayEquals(new float[] {1 + 1, 1 + 6, 1 + 4, 1 + 15}, c.toArray());
    }

    private static float[] randoms(SplittableRandom rng, int size) {
        float[] x = new float[size];
        for (int i = 0; i < size; i++) {
            x[i] = (float) (rng.nextDouble() * 2 - 1);
        }
        return x;
    }

    /** One GEMM with padded leading dimensions and nonzero offsets, so strides and offsets are exercised. */
    private record Case(boolean transA, boolean transB, int m, int n, int k, float alpha, float beta,
                        float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                        float[] c0, float[] c, int cOff, int ldc, float[] ref) {

        static Case random(SplittableRandom rng, boolean transA, boolean transB, int m, int n, int k,
                           float alpha, float beta) {
            int lda = (transA ? m : k) + rng.nextInt(3);
            int ldb = (transB ? k : n) + rng.nextInt(3);
            int ldc = n + rng.nextInt(3);
            int aOff = rng.nextInt(4);
            int bOff = rng.nextInt(4);
            int cOff = rng.nextInt(4);
            float[] a = randoms(rng, aOff + (transA ? k : m) * lda + 2);
            float[] b = randoms(rng, bOff + (transB ? n : k) * ldb + 2);
            float[] c0 = randoms(rng, cOff + m * ldc + 2);
            return new Case(transA, transB, m, n, k, alpha, beta, a, aOff, lda, b, bOff, ldb,
                    c0, c0.clone(), cOff, ldc, c0.clone());
        }

        Case copy() {
            return new Case(transA, transB, m, n, k, alpha, beta, a, aOff, lda, b, bOff, ldb,
                    c0, c0.clone(), cOff, ldc, c0.clone());
        }

        float aAt(int i, int p) {
            return transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
        }

        float bAt(int p, int j) {
            return transB ? b[bOff + j * ldb + p] : b[bOff + p * ldb + j];
        }

        void runGemm() {
            Gemm.sgemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
        }

        void runReference() {
            GemmReference.sgemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, ref, cOff, ldc);
        }

        float[] fmaChain() {
            float[] out = c0.clone();
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    int ci = cOff + i * ldc + j;
                    float s = beta == 0f ? 0f : beta * c0[ci];
                    for (int p = 0; p < k; p++) {
                        s = Math.fma(alpha * aAt(i, p), bAt(p, j), s);
                    }
                    out[ci] = s;
                }
            }
            return out;
        }

        void assertClose() {
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double magnitude = 0;
                    for (int p = 0; p < k; p++) {
                        magnitude += Math.abs((double) aAt(i, p) * bAt(p, j));
                    }
                    int ci = cOff + i * ldc + j;
                    double bound = (2.0 * k + 4) * U * (Math.abs(alpha) * magnitude + Math.abs(beta * c0[ci]));
                    assertTrue(Math.abs(c[ci] - ref[ci]) <= bound, this + " at (" + i + "," + j + "): "
                            + c[ci] + " vs reference " + ref[ci] + ", bound " + bound);
                }
            }
            for (int x = 0; x < c.length; x++) {
                boolean insideC = x >= cOff && x < cOff + m * ldc && (x - cOff) % ldc < n;
                if (!insideC) {
                    assertEquals(c0[x], c[x], this + ": wrote outside C at " + x);
                }
            }
        }

        @Override
        public String toString() {
            return (transA ? "T" : "N") + (transB ? "T" : "N") + " m=" + m + " n=" + n + " k=" + k
                    + " alpha=" + alpha + " beta=" + beta + " lda=" + lda + " ldb=" + ldb + " ldc=" + ldc;
        }
    }
}
