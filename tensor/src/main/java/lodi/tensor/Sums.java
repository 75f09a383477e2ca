package lodi.tensor;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Deterministic sums on {@code float[]} + offset: per row, per column (the backward of a bias add, which
 * accumulates), and over a whole tensor.
 *
 * <p>Shape legend: n = element count, R = rows, C = columns (row-major, leading dimension C).
 *
 * <p>Row sums give each row to one task; column sums give each column to one task, which adds the rows in
 * order. Whole-tensor sums add fixed blocks of {@link #SUM_BLOCK} elements and combine the block sums in block
 * order in double. So every result is bitwise the same for any thread count.
 */
public final class Sums {
    static final VectorSpecies<Float> F = Simd.F;
    static final int L = F.length();
    /** Block size of {@link #sum} and {@link #sumOfSquares}: the combination order depends on it alone. */
    static final int SUM_BLOCK = 1 << 14;
    /** Columns per task of {@link #addColumnSums}; a multiple of the vector length. */
    static final int COLUMN_TASK = 64;

    private Sums() {
    }

    // ---- out[R] = Σ_c x[R,C] ---------------------------------------------------------------------------

    /** out[r] = Σ_c x[r, c] for every row r of the R×C matrix x. */
    public static void rowSums(int rows, int cols, float[] x, int xOff, float[] out, int outOff) {
        boolean simd = Simd.enabled();
        Parallel.forEach(rows, VectorOps.rowGrain(cols), r -> {
            if (simd) {
                rowSumsVector(1, cols, x, xOff + r * cols, out, outOff + r);
            } else {
                rowSumsScalar(1, cols, x, xOff + r * cols, out, outOff + r);
            }
        });
    }

    static void rowSumsScalar(int rows, int cols, float[] x, int xOff, float[] out, int outOff) {
        for (int r = 0; r < rows; r++) {
            int row = xOff + r * cols;
            float sum = 0f;
            for (int c = 0; c < cols; c++) {
                sum += x[row + c];
            }
            out[outOff + r] = sum;
        }
    }

    static void rowSumsVector(int rows, int cols, float[] x, int xOff, float[] out, int outOff) {
        int upper = F.loopBound(cols);
        for (int r = 0; r < rows; r++) {
            int row = xOff + r * cols;
            FloatVector acc = FloatVector.zero(F);
            int c = 0;
            for (; c < upper; c += L) {
                acc = acc.add(FloatVector.fromArray(F, x, row + c));
            }
            float sum = VectorMath.sum(acc);
            for (; c < cols; c++) {
                sum += x[row + c];
            }
            out[outOff + r] = sum;
        }
    }

    // ---- out[C] += Σ_r x[R,C] (the backward of a bias add) ---------------------------------------------

    /**
     * out[c] += Σ_r x[r, c] for every column c of the R×C matrix x. Each column's rows are added in row
     * order by one task, so the result does not depend on the thread count; both paths give the same bits.
     */
    public static void addColumnSums(int rows, int cols, float[] x, int xOff, float[] out, int outOff) {
        boolean simd = Simd.enabled();
        int tasks = (cols + COLUMN_TASK - 1) / COLUMN_TASK;
        int grain = Math.max(1, 65536 / Math.max(1, rows * COLUMN_TASK));
        Parallel.forEach(tasks, grain, t -> {
            int from = t * COLUMN_TASK;
            int width = Math.min(COLUMN_TASK, cols - from);
            if (simd) {
                addColumnSumsVector(rows, width, cols, x, xOff + from, out, outOff + from);
            } else {
                addColumnSumsScalar(rows, width, cols, x, xOff + from, out, outOff + from);
            }
        });
    }

    /** Columns [0, width) of a matrix with leading dimension ld. */
    static void addColumnSumsScalar(int rows, int width, int ld, float[] x, int xOff, float[] out, int outOff) {
        for (int c = 0; c < width; c++) {
            float sum = 0f;
            for (int r = 0; r < rows; r++) {
                sum += x[xOff + r * ld + c];
            }
            out[outOff + c] += sum;
        }
    }

    static void addColumnSumsVector(int rows, int width, int ld, float[] x, int xOff, float[] out, int outOff) {
        int c = 0;
        // four strips at a time: each row then reads four adjacent cache lines, not one line per page
        for (; c + 4 * L <= width; c += 4 * L) {
            FloatVector acc0 = FloatVector.zero(F);
            FloatVector acc1 = FloatVector.zero(F);
            FloatVector acc2 = FloatVector.zero(F);
            FloatVector acc3 = FloatVector.zero(F);
            for (int r = 0; r < rows; r++) {
                int at = xOff + r * ld + c;
                acc0 = acc0.add(FloatVector.fromArray(F, x, at));
                acc1 = acc1.add(FloatVector.fromArray(F, x, at + L));
                acc2 = acc2.add(FloatVector.fromArray(F, x, at + 2 * L));
                acc3 = acc3.add(FloatVector.fromArray(F, x, at + 3 * L));
            }
            acc0.add(FloatVector.fromArray(F, out, outOff + c)).intoArray(out, outOff + c);
            acc1.add(FloatVector.fromArray(F, out, outOff + c + L)).intoArray(out, outOff + c + L);
            acc2.add(FloatVector.fromArray(F, out, outOff + c + 2 * L)).intoArray(out, outOff + c + 2 * L);
            acc3.add(FloatVector.fromArray(F, out, outOff + c + 3 * L)).intoArray(out, outOff + c + 3 * L);
        }
        for (int upper = F.loopBound(width); c < upper; c += L) {
            FloatVector acc = FloatVector.zero(F);
            for (int r = 0; r < rows; r++) {
                acc = acc.add(FloatVector.fromArray(F, x, xOff + r * ld + c));
            }
            acc.add(FloatVector.fromArray(F, out, outOff + c)).intoArray(out, outOff + c);
        }
        for (; c < width; c++) {
            float sum = 0f;
            for (int r = 0; r < rows; r++) {
                sum += x[xOff + r * ld + c];
            }
            out[outOff + c] += sum;
        }
    }

    // ---- Σ x and Σ x² over a whole tensor ----------------------------------------------------------------

    /** Σ_i x[i] over [0, n): float sums per {@link #SUM_BLOCK}, combined in block order in double. */
    public static double sum(int n, float[] x, int xOff) {
        boolean simd = Simd.enabled();
        return combineBlocks(n, (from, to) -> simd
                ? sumVector(to - from, x, xOff + from)
                : sumScalar(to - from, x, xOff + from));
    }

    static float sumScalar(int n, float[] x, int xOff) {
        float sum = 0f;
        for (int i = 0; i < n; i++) {
            sum += x[xOff + i];
        }
        return sum;
    }

    static float sumVector(int n, float[] x, int xOff) {
        FloatVector acc = FloatVector.zero(F);
        int i = 0;
        for (int upper = F.loopBound(n); i < upper; i += L) {
            acc = acc.add(FloatVector.fromArray(F, x, xOff + i));
        }
        float sum = VectorMath.sum(acc);
        for (; i < n; i++) {
            sum += x[xOff + i];
        }
        return sum;
    }

    /**
     * Σ_i x[i]² over [0, n), for gradient-norm clipping: float sums per {@link #SUM_BLOCK}, combined in block
     * order in double.
     */
    public static double sumOfSquares(int n, float[] x, int xOff) {
        boolean simd = Simd.enabled();
        return combineBlocks(n, (from, to) -> simd
                ? sumOfSquaresVector(to - from, x, xOff + from)
                : sumOfSquaresScalar(to - from, x, xOff + from));
    }

    /** Σ x² over a whole tensor (see {@link #sumOfSquares(int, float[], int)}). */
    public static double sumOfSquares(Tensor x) {
        return sumOfSquares(x.size(), x.data(), x.offset());
    }

    static float sumOfSquaresScalar(int n, float[] x, int xOff) {
        float sum = 0f;
        for (int i = 0; i < n; i++) {
            sum += x[xOff + i] * x[xOff + i];
        }
        return sum;
    }

    static float sumOfSquaresVector(int n, float[] x, int xOff) {
        FloatVector acc = FloatVector.zero(F);
        int i = 0;
        for (int upper = F.loopBound(n); i < upper; i += L) {
            FloatVector v = FloatVector.fromArray(F, x, xOff + i);
            acc = v.fma(v, acc);
        }
        float sum = VectorMath.sum(acc);
        for (; i < n; i++) {
            sum += x[xOff + i] * x[xOff + i];
        }
        return sum;
    }

    @FunctionalInterface
    private interface BlockSum {
        float of(int from, int to);
    }

    /** The one allocation here is the block-sum array: n / 16384 doubles. */
    private static double combineBlocks(int n, BlockSum block) {
        int blocks = (n + SUM_BLOCK - 1) / SUM_BLOCK;
        double[] partial = new double[blocks];
        Parallel.forEach(blocks, b -> partial[b] = block.of(b * SUM_BLOCK, Math.min(n, (b + 1) * SUM_BLOCK)));
        double total = 0;
        for (double p : partial) {
            total += p;
        }
        return total;
    }
}
