package lodi.tensor;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Elementwise arithmetic and bias broadcast on {@code float[]} + offset; the sums are in {@link Sums}.
 *
 * <p>Shape legend: n = element count, R = rows, C = columns (row-major, leading dimension C).
 *
 * <p>Elementwise kernels are split into fixed chunks over {@link Parallel}; row kernels give each row to one
 * task, so every result is bitwise the same for any thread count. {@code axpy}, {@code addInPlace},
 * {@code addProduct}, {@code addConstant} and {@code addRowVector} accumulate ({@code +=}) into their output,
 * which is what gradient buffers need; {@code add}, {@code mul} and {@code scale} overwrite it.
 */
public final class VectorOps {
    static final VectorSpecies<Float> F = Simd.F;
    static final int L = F.length();

    private VectorOps() {
    }

    /** Rows per task of a row kernel: about 8,192 elements. */
    static int rowGrain(int cols) {
        return Math.max(1, 8192 / Math.max(1, cols));
    }

    // ---- c = a + b -------------------------------------------------------------------------------------

    /** c[i] = a[i] + b[i] for i in [0, n). */
    public static void add(int n, float[] a, int aOff, float[] b, int bOff, float[] c, int cOff) {
        boolean simd = Simd.enabled();
        ElementChunks.forEach(n, (from, to) -> {
            if (simd) {
                addVector(to - from, a, aOff + from, b, bOff + from, c, cOff + from);
            } else {
                addScalar(to - from, a, aOff + from, b, bOff + from, c, cOff + from);
            }
        });
    }

    static void addScalar(int n, float[] a, int aOff, float[] b, int bOff, float[] c, int cOff) {
        for (int i = 0; i < n; i++) {
            c[cOff + i] = a[aOff + i] + b[bOff + i];
        }
    }

    static void addVector(int n, float[] a, int aOff, float[] b, int bOff, float[] c, int cOff) {
        int i = 0;
        for (int upper = F.loopBound(n); i < upper; i += L) {
            FloatVector.fromArray(F, a, aOff + i).add(FloatVector.fromArray(F, b, bOff + i)).intoArray(c, cOff + i);
        }
        for (; i < n; i++) {
            c[cOff + i] = a[aOff + i] + b[bOff + i];
        }
    }

    // ---- c = a ⊙ b -------------------------------------------------------------------------------------

    /** c[i] = a[i]·b[i] for i in [0, n). */
    public static void mul(int n, float[] a, int aOff, float[] b, int bOff, float[] c, int cOff) {
        boolean simd = Simd.enabled();
        ElementChunks.forEach(n, (from, to) -> {
            if (simd) {
                mulVector(to - from, a, aOff + from, b, bOff + from, c, cOff + from);
            } else {
                mulScalar(to - from, a, aOff + from, b, bOff + from, c, cOff + from);
            }
        });
    }

    static void mulScalar(int n, float[] a, int aOff, float[] b, int bOff, float[] c, int cOff) {
        for (int i = 0; i < n; i++) {
            c[cOff + i] = a[aOff + i] * b[bOff + i];
        }
    }

    static void mulVector(int n, float[] a, int aOff, float[] b, int bOff, float[] c, int cOff) {
        int i = 0;
        for (int upper = F.loopBound(n); i < upper; i += L) {
            FloatVector.fromArray(F, a, aOff + i).mul(FloatVector.fromArray(F, b, bOff + i)).intoArray(c, cOff + i);
        }
        for (; i < n; i++) {
            c[cOff + i] = a[aOff + i] * b[bOff + i];
        }
    }

    // ---- c += a ⊙ b (the backward of a product) ----------------------------------------------------------

    /** c[i] += a[i]·b[i] for i in [0, n). */
    public static void addProduct(int n, float[] a, int aOff, float[] b, int bOff, float[] c, int cOff) {
        boolean simd = Simd.enabled();
        ElementChunks.forEach(n, (from, to) -> {
            if (simd) {
                addProductVector(to - from, a, aOff + from, b, bOff + from, c, cOff + from);
            } else {
                addProductScalar(to - from, a, aOff + from, b, bOff + from, c, cOff + from);
            }
        });
    }

    static void addProductScalar(int n, float[] a, int aOff, float[] b, int bOff, float[] c, int cOff) {
        for (int i = 0; i < n; i++) {
            c[cOff + i] += a[aOff + i] * b[bOff + i];
        }
    }

    static void addProductVector(int n, float[] a, int aOff, float[] b, int bOff, float[] c, int cOff) {
        int i = 0;
        for (int upper = F.loopBound(n); i < upper; i += L) {
            FloatVector.fromArray(F, a, aOff + i)
                    .fma(FloatVector.fromArray(F, b, bOff + i), FloatVector.fromArray(F, c, cOff + i))
                    .intoArray(c, cOff + i);
        }
        for (; i < n; i++) {
            c[cOff + i] += a[aOff + i] * b[bOff + i];
        }
    }

    // ---- y = alpha·x -----------------------------------------------------------------------------------

    /** y[i] = alpha·x[i] for i in [0, n); x and y may be the same range. */
    public static void scale(int n, float alpha, float[] x, int xOff, float[] y, int yOff) {
        boolean simd = Simd.enabled();
        ElementChunks.forEach(n, (from, to) -> {
            if (simd) {
                scaleVector(to - from, alpha, x, xOff + from, y, yOff + from);
            } else {
                scaleScalar(to - from, alpha, x, xOff + from, y, yOff + from);
            }
        });
    }

    static void scaleScalar(int n, float alpha, float[] x, int xOff, float[] y, int yOff) {
        for (int i = 0; i < n; i++) {
            y[yOff + i] = alpha * x[xOff + i];
        }
    }

    static void scaleVector(int n, float alpha, float[] x, int xOff, float[] y, int yOff) {
        int i = 0;
        for (int upper = F.loopBound(n); i < upper; i += L) {
            FloatVector.fromArray(F, x, xOff + i).mul(alpha).intoArray(y, yOff + i);
        }
        for (; i < n; i++) {
            y[yOff + i] = alpha * x[xOff + i];
        }
    }

    // ---- y += alpha·x ----------------------------------------------------------------------------------

    /** y[i] += alpha·x[i] for i in [0, n) (BLAS saxpy). The vector path fuses the multiply-add. */
    public static void axpy(int n, float alpha, float[] x, int xOff, float[] y, int yOff) {
        boolean simd = Simd.enabled();
        ElementChunks.forEach(n, (from, to) -> {
            if (simd) {
                axpyVector(to - from, alpha, x, xOff + from, y, yOff + from);
            } else {
                axpyScalar(to - from, alpha, x, xOff + from, y, yOff + from);
            }
        });
    }

    static void axpyScalar(int n, float alpha, float[] x, int xOff, float[] y, int yOff) {
        for (int i = 0; i < n; i++) {
            y[yOff + i] += alpha * x[xOff + i];
        }
    }

    static void axpyVector(int n, float alpha, float[] x, int xOff, float[] y, int yOff) {
        FloatVector a = FloatVector.broadcast(F, alpha);
        int i = 0;
        for (int upper = F.loopBound(n); i < upper; i += L) {
            FloatVector.fromArray(F, x, xOff + i).fma(a, FloatVector.fromArray(F, y, yOff + i)).intoArray(y, yOff + i);
        }
        for (; i < n; i++) {
            y[yOff + i] += alpha * x[xOff + i];
        }
    }

    /**
     * y = alpha·x + 0 without reading y: bitwise what {@link #axpy} leaves in an array of zeros (the same fma
     * onto +0, which also turns a −0 product into +0), for the first gradient to reach a buffer.
     */
    public static void axpyOntoZeros(int n, float alpha, float[] x, int xOff, float[] y, int yOff) {
        boolean simd = Simd.enabled();
        ElementChunks.forEach(n, (from, to) -> {
            if (simd) {
                axpyOntoZerosVector(to - from, alpha, x, xOff + from, y, yOff + from);
            } else {
                axpyOntoZerosScalar(to - from, alpha, x, xOff + from, y, yOff + from);
            }
        });
    }

    static void axpyOntoZerosScalar(int n, float alpha, float[] x, int xOff, float[] y, int yOff) {
        for (int i = 0; i < n; i++) {
            y[yOff + i] = 0f + alpha * x[xOff + i];
        }
    }

    static void axpyOntoZerosVector(int n, float alpha, float[] x, int xOff, float[] y, int yOff) {
        FloatVector a = FloatVector.broadcast(F, alpha);
        FloatVector zero = FloatVector.zero(F);
        int i = 0;
        for (int upper = F.loopBound(n); i < upper; i += L) {
            FloatVector.fromArray(F, x, xOff + i).fma(a, zero).intoArray(y, yOff + i);
        }
        for (; i < n; i++) {
            y[yOff + i] = 0f + alpha * x[xOff + i];
        }
    }

    /** y += alpha·x over whole tensors of the same shape. */
    public static void axpy(float alpha, Tensor x, Tensor y) {
        Tensor.requireSameShape(x, y);
        axpy(x.size(), alpha, x.data(), x.offset(), y.data(), y.offset());
    }

    /** y[i] += x[i] for i in [0, n): gradient accumulation. Exact in both paths (a product by 1 is exact). */
    public static void addInPlace(int n, float[] x, int xOff, float[] y, int yOff) {
        axpy(n, 1f, x, xOff, y, yOff);
    }

    // ---- y += alpha (the backward of a sum to a scalar) ------------------------------------------------

    /** y[i] += alpha for i in [0, n). */
    public static void addConstant(int n, float alpha, float[] y, int yOff) {
        boolean simd = Simd.enabled();
        ElementChunks.forEach(n, (from, to) -> {
            if (simd) {
                addConstantVector(to - from, alpha, y, yOff + from);
            } else {
                addConstantScalar(to - from, alpha, y, yOff + from);
            }
        });
    }

    static void addConstantScalar(int n, float alpha, float[] y, int yOff) {
        for (int i = 0; i < n; i++) {
            y[yOff + i] += alpha;
        }
    }

    static void addConstantVector(int n, float alpha, float[] y, int yOff) {
        int i = 0;
        for (int upper = F.loopBound(n); i < upper; i += L) {
            FloatVector.fromArray(F, y, yOff + i).add(alpha).intoArray(y, yOff + i);
        }
        for (; i < n; i++) {
            y[yOff + i] += alpha;
        }
    }

    // ---- x[R,C] += b[C] (bias add, broadcast over rows) ------------------------------------------------

    /** x[r, c] += b[c] for every row r of the R×C matrix x: a bias added to every row. */
    public static void addRowVector(int rows, int cols, float[] x, int xOff, float[] b, int bOff) {
        boolean simd = Simd.enabled();
        Parallel.forEach(rows, rowGrain(cols), r -> {
            if (simd) {
                addRowVectorVector(1, cols, x, xOff + r * cols, b, bOff);
            } else {
                addRowVectorScalar(1, cols, x, xOff + r * cols, b, bOff);
            }
        });
    }

    static void addRowVectorScalar(int rows, int cols, float[] x, int xOff, float[] b, int bOff) {
        for (int r = 0; r < rows; r++) {
            int row = xOff + r * cols;
            for (int c = 0; c < cols; c++) {
                x[row + c] += b[bOff + c];
            }
        }
    }

    static void addRowVectorVector(int rows, int cols, float[] x, int xOff, float[] b, int bOff) {
        int upper = F.loopBound(cols);
        for (int r = 0; r < rows; r++) {
            int row = xOff + r * cols;
            int c = 0;
            for (; c < upper; c += L) {
                FloatVector.fromArray(F, x, row + c).add(FloatVector.fromArray(F, b, bOff + c)).intoArray(x, row + c);
            }
            for (; c < cols; c++) {
                x[row + c] += b[bOff + c];
            }
        }
    }
}
