package lodi.autograd;

import java.util.Arrays;
import lodi.tensor.Sums;
import lodi.tensor.Tensor;
import lodi.tensor.VectorOps;

/**
 * Reductions to a scalar (a tensor of shape []) and a mean over chosen rows, with their backward passes.
 *
 * <p>Shape legend: n = element count, R = rows, D = last dimension. Sums are deterministic for any thread
 * count (see {@link VectorOps#sum}).
 */
public final class ReduceOps {
    private ReduceOps() {
    }

    private static Tensor scalar(double value) {
        return Tensor.full((float) value);
    }

    /** Σ x over every element. */
    public static Variable sum(Variable x) {
        Tensor xv = x.value();
        int n = xv.size();
        Tensor y = scalar(Sums.sum(n, xv.data(), xv.offset()));
        return Variable.op(y, dy -> {
            // inverts y = Σ x: dx += dy
            Tensor dx = x.gradBuffer();
            VectorOps.addConstant(n, dy.get(0), dx.data(), dx.offset());
        }, x);
    }

    /** The mean of every element. */
    public static Variable mean(Variable x) {
        Tensor xv = x.value();
        int n = xv.size();
        if (n == 0) {
            throw new IllegalArgumentException("mean of an empty tensor " + Arrays.toString(xv.shape()));
        }
        Tensor y = scalar(Sums.sum(n, xv.data(), xv.offset()) / n);
        return Variable.op(y, dy -> {
            // inverts y = Σ x / n: dx += dy / n
            Tensor dx = x.gradBuffer();
            VectorOps.addConstant(n, dy.get(0) / n, dx.data(), dx.offset());
        }, x);
    }

    /** Σ x² over every element (the squared L2 norm). */
    public static Variable sumOfSquares(Variable x) {
        Tensor xv = x.value();
        int n = xv.size();
        Tensor y = scalar(Sums.sumOfSquares(n, xv.data(), xv.offset()));
        return Variable.op(y, dy -> {
            // inverts y = Σ x²: dx += 2·dy·x
            Tensor dx = x.gradBuffer();
            VectorOps.axpy(n, 2f * dy.get(0), xv.data(), xv.offset(), dx.data(), dx.offset());
        }, x);
    }

    /**
     * The mean of the listed rows of x [R, D] → [D] (rows may repeat; each counts once per listing), added in
     * the listed order.
     */
    public static Variable meanRows(Variable x, int[] rowIndices) {
        Tensor xv = x.value();
        if (xv.rank() != 2 || rowIndices.length == 0) {
            throw new IllegalArgumentException("meanRows wants a matrix and at least one row, got "
                    + Arrays.toString(xv.shape()) + " and " + rowIndices.length + " rows");
        }
        int cols = xv.cols();
        for (int r : rowIndices) {
            if (r < 0 || r >= xv.rows()) {
                throw new IndexOutOfBoundsException("meanRows: row " + r + " out of range for " + Arrays.toString(xv.shape()));
            }
        }
        int[] rows = rowIndices.clone();
        float weight = 1f / rows.length;
        Tensor y = Tensor.zeros(cols);
        for (int r : rows) {
            VectorOps.axpy(cols, weight, xv.data(), xv.offset() + r * cols, y.data(), y.offset());
        }
        return Variable.op(y, dy -> {
            // inverts y += x[r]/k for each listed row r: dx[r] += dy/k
            Tensor dx = x.gradBuffer();
            for (int r : rows) {
                VectorOps.axpy(cols, weight, dy.data(), dy.offset(), dx.data(), dx.offset() + r * cols);
            }
        }, x);
    }
}
