package lodi.tensor;

import java.util.concurrent.atomic.LongAdder;

/**
 * General matrix multiply, C = alpha·op(A)·op(B) + beta·C, for all four transpose combinations and strided
 * operands, plus a batched form for attention heads. See {@link GemmReference} for the conventions.
 *
 * <p>Every call is counted ({@link #calls()}), so tests can prove that work was skipped, for example that a
 * frozen weight costs no weight-gradient GEMM.
 */
public final class Gemm {
    private static final LongAdder CALLS = new LongAdder();

    private Gemm() {
    }

    /**
     * C (M×N) = alpha·op(A)·op(B) + beta·C. With beta = 0, C's prior contents are ignored (even NaN).
     *
     * <p>Each element is one fma chain over k in increasing order (see {@link PackedGemm}), so the result is
     * bitwise the same for any thread count. Large products are split over {@link Parallel}'s pool.
     */
    public static void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                             float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                             float beta, float[] c, int cOff, int ldc) {
        run(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc, true);
    }

    /**
     * {@code batch} independent GEMMs; operand i starts at off + i·stride. Used for attention heads, where
     * each (batch, head) pair is one small GEMM: small members run whole on one thread each, in parallel over
     * the batch; large members run one after another, each split over the pool.
     */
    public static void sgemmBatched(boolean transA, boolean transB, int m, int n, int k, float alpha,
                                    float[] a, int aOff, int lda, int strideA,
                                    float[] b, int bOff, int ldb, int strideB,
                                    float beta, float[] c, int cOff, int ldc, int strideC, int batch) {
        if (batch < 0) {
            throw new IllegalArgumentException("negative GEMM batch " + batch);
        }
        boolean small = (long) m * n * k < PackedGemm.PARALLEL_MIN_MACS;
        if (small && batch > 1 && Simd.enabled()) {
            Parallel.forEach(batch, i -> run(transA, transB, m, n, k, alpha, a, aOff + i * strideA, lda,
                    b, bOff + i * strideB, ldb, beta, c, cOff + i * strideC, ldc, false));
            return;
        }
        for (int i = 0; i < batch; i++) {
            sgemm(transA, transB, m, n, k, alpha, a, aOff + i * strideA, lda, b, bOff + i * strideB, ldb,
                    beta, c, cOff + i * strideC, ldc);
        }
    }

    private static void run(boolean transA, boolean transB, int m, int n, int k, float alpha,
                            float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                            float beta, float[] c, int cOff, int ldc, boolean parallel) {
        CALLS.increment();
        if (!Simd.enabled()) {
            GemmReference.sgemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
            return;
        }
        checkArguments(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
        PackedGemm.sgemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc, parallel);
    }

    /** Convenience for whole row-major matrices: C = op(A)·op(B) (+ C when {@code accumulate}). */
    public static void matmul(boolean transA, boolean transB, Tensor a, Tensor b, Tensor c, boolean accumulate) {
        if (a.rank() != 2 || b.rank() != 2 || c.rank() != 2) {
            throw new IllegalArgumentException("matmul wants matrices, got " + a + ", " + b + ", " + c);
        }
        int m = transA ? a.dim(1) : a.dim(0);
        int k = transA ? a.dim(0) : a.dim(1);
        int kb = transB ? b.dim(1) : b.dim(0);
        int n = transB ? b.dim(0) : b.dim(1);
        if (k != kb || c.dim(0) != m || c.dim(1) != n) {
            throw new IllegalArgumentException("matmul shape mismatch: op(A) " + m + "x" + k + ", op(B) " + kb + "x" + n
                    + ", C " + c.dim(0) + "x" + c.dim(1) + " (A " + a + (transA ? "ᵀ" : "") + ", B " + b
                    + (transB ? "ᵀ" : "") + ")");
        }
        sgemm(transA, transB, m, n, k, 1f, a.data(), a.offset(), a.dim(1), b.data(), b.offset(), b.dim(1),
                accumulate ? 1f : 0f, c.data(), c.offset(), c.dim(1));
    }

    /** How many GEMMs (batched ones count each member) ran in this JVM so far. */
    public static long calls() {
        return CALLS.sum();
    }

    static void checkArguments(boolean transA, boolean transB, int m, int n, int k,
                               float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                               float[] c, int cOff, int ldc) {
        if (m < 0 || n < 0 || k < 0) {
            throw new IllegalArgumentException("negative GEMM size m=" + m + " n=" + n + " k=" + k);
        }
        int aRows = transA ? k : m;
        int aCols = transA ? m : k;
        int bRows = transB ? n : k;
        int bCols = transB ? k : n;
        requireFits("A", a, aOff, lda, aRows, aCols);
        requireFits("B", b, bOff, ldb, bRows, bCols);
        requireFits("C", c, cOff, ldc, m, n);
    }

    private static void requireFits(String name, float[] x, int off, int ld, int rows, int cols) {
        if (rows == 0 || cols == 0) {
            return;
        }
        if (ld < cols) {
            throw new IllegalArgumentException(name + ": leading dimension " + ld + " < columns " + cols);
        }
        long last = (long) off + (long) (rows - 1) * ld + cols;
        if (off < 0 || last > x.length) {
            throw new IllegalArgumentException(name + ": " + rows + "x" + cols + " with leading dimension " + ld
                    + " at offset " + off + " needs " + last + " floats, storage has " + x.length);
        }
    }
}
