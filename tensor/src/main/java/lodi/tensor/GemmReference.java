package lodi.tensor;

/**
 * The scalar reference GEMM: C = alpha·op(A)·op(B) + beta·C, one output element at a time, summing over k
 * in increasing order. Tests compare {@link Gemm} against it; with SIMD off {@link Gemm} runs it.
 *
 * <p>M = rows of op(A) and C, N = columns of op(B) and C, K = the shared dimension. op(A) is A (M×K, leading
 * dimension lda) or Aᵀ (A stored K×M); likewise op(B) is B (K×N) or Bᵀ (B stored N×K). All storage is
 * row-major with the given leading dimensions (the stride between consecutive rows).
 */
public final class GemmReference {
    private GemmReference() {
    }

    public static void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                             float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                             float beta, float[] c, int cOff, int ldc) {
        Gemm.checkArguments(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
        Parallel.forEach(m, 8, i -> {
            for (int j = 0; j < n; j++) {
                float sum = 0f;
                for (int p = 0; p < k; p++) {
                    float av = transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
                    float bv = transB ? b[bOff + j * ldb + p] : b[bOff + p * ldb + j];
                    sum += av * bv;
                }
                int ci = cOff + i * ldc + j;
                c[ci] = beta == 0f ? alpha * sum : alpha * sum + beta * c[ci];
            }
        });
    }
}
