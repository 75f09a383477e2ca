package lodi.tensor;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Row softmax over the last dimension and its backward pass.
 *
 * <p>Shape legend: R = rows (every leading dimension flattened), C = columns (the softmax dimension).
 *
 * <p>Each row is owned by one task, so results do not depend on the thread count. The scalar reference
 * works in double; the vector path uses {@link VectorMath}'s exp and lane sums, which compute the same bits in
 * every JIT tier.
 */
public final class Softmax {
    private static final VectorSpecies<Float> F = Simd.F;
    private static final int L = F.length();

    private Softmax() {
    }

    private static int grain(int cols) {
        return Math.max(1, 8192 / Math.max(1, cols));
    }

    /** y[r, :] = softmax(x[r, :]) for each of the R rows; y may be x itself (in place). */
    public static void forward(int rows, int cols, float[] x, int xOff, float[] y, int yOff) {
        boolean simd = Simd.enabled();
        Parallel.forEach(rows, grain(cols), r -> {
            if (simd) {
                forwardVector(1, cols, x, xOff + r * cols, y, yOff + r * cols);
            } else {
                forwardScalar(1, cols, x, xOff + r * cols, y, yOff + r * cols);
            }
        });
    }

    static void forwardScalar(int rows, int cols, float[] x, int xOff, float[] y, int yOff) {
        for (int r = 0; r < rows; r++) {
            int in = xOff + r * cols;
            int out = yOff + r * cols;
            float max = Float.NEGATIVE_INFINITY;
            for (int c = 0; c < cols; c++) {
                max = Math.max(max, x[in + c]);
            }
            double sum = 0;
            for (int c = 0; c < cols; c++) {
                sum += Math.exp(x[in + c] - max);
            }
            for (int c = 0; c < cols; c++) {
                y[out + c] = (float) (Math.exp(x[in + c] - max) / sum);
            }
        }
    }

    static void forwardVector(int rows, int cols, float[] x, int xOff, float[] y, int yOff) {
        int upper = F.loopBound(cols);
        for (int r = 0; r < rows; r++) {
            int in = xOff + r * cols;
            int out = yOff + r * cols;
            // subtract the row max so that exp never overflows
            FloatVector maxAcc = FloatVector.broadcast(F, Float.NEGATIVE_INFINITY);
            int c = 0;
            for (; c < upper; c += L) {
                maxAcc = maxAcc.max(FloatVector.fromArray(F, x, in + c));
            }
            float max = maxAcc.reduceLanes(VectorOperators.MAX);
            for (; c < cols; c++) {
                max = Math.max(max, x[in + c]);
            }
            FloatVector sumAcc = FloatVector.zero(F);
            c = 0;
            for (; c < upper; c += L) {
                FloatVector e = VectorMath.exp(FloatVector.fromArray(F, x, in + c).sub(max));
                e.intoArray(y, out + c);
                sumAcc = sumAcc.add(e);
            }
            float sum = VectorMath.sum(sumAcc);
            for (; c < cols; c++) {
                float e = VectorMath.expScalar(x[in + c] - max);
                y[out + c] = e;
                sum += e;
            }
            float inverse = 1f / sum;
            c = 0;
            for (; c < upper; c += L) {
                FloatVector.fromArray(F, y, out + c).mul(inverse).intoArray(y, out + c);
            }
            for (; c < cols; c++) {
                y[out + c] *= inverse;
            }
        }
    }

    /** Inverts y = softmax(x) row by row: dx += y ⊙ (dy − Σ_c dy·y), from the forward output y. */
    public static void backward(int rows, int cols, float[] y, int yOff, float[] dy, int dyOff, float[] dx, int dxOff) {
        boolean simd = Simd.enabled();
        Parallel.forEach(rows, grain(cols), r -> {
            int o = r * cols;
            if (simd) {
                backwardVector(1, cols, y, yOff + o, dy, dyOff + o, dx, dxOff + o);
            } else {
                backwardScalar(1, cols, y, yOff + o, dy, dyOff + o, dx, dxOff + o);
            }
        });
    }

    static void backwardScalar(int rows, int cols, float[] y, int yOff, float[] dy, int dyOff, float[] dx, int dxOff) {
        for (int r = 0; r < rows; r++) {
            int o = r * cols;
            double dot = 0;
            for (int c = 0; c < cols; c++) {
                dot += (double) dy[dyOff + o + c] * y[yOff + o + c];
            }
            for (int c = 0; c < cols; c++) {
                dx[dxOff + o + c] += (float) (y[yOff + o + c] * (dy[dyOff + o + c] - dot));
            }
        }
    }

    static void backwardVector(int rows, int cols, float[] y, int yOff, float[] dy, int dyOff, float[] dx, int dxOff) {
        int upper = F.loopBound(cols);
        for (int r = 0; r < rows; r++) {
            int o = r * cols;
            FloatVector dotAcc = FloatVector.zero(F);
            int c = 0;
            for (; c < upper; c += L) {
                dotAcc = FloatVector.fromArray(F, dy, dyOff + o + c).fma(FloatVector.fromArray(F, y, yOff + o + c), dotAcc);
            }
            float dot = VectorMath.sum(dotAcc);
            for (; c < cols; c++) {
                dot += dy[dyOff + o + c] * y[yOff + o + c];
            }
            c = 0;
            for (; c < upper; c += L) {
                FloatVector centred = FloatVector.fromArray(F, dy, dyOff + o + c).sub(dot);
                FloatVector.fromArray(F, y, yOff + o + c).fma(centred, FloatVector.fromArray(F, dx, dxOff + o + c))
                        .intoArray(dx, dxOff + o + c);
            }
            for (; c < cols; c++) {
                dx[dxOff + o + c] += y[yOff + o + c] * (dy[dyOff + o + c] - dot);
            }
        }
    }
}
