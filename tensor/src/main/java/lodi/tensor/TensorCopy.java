package lodi.tensor;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Strided block copies and accumulations: what concat, slicing and the attention-head permutes move, and what
 * their backward passes add back.
 *
 * <p>Shape legend: R = rows, C = columns of a block; ld = a matrix's leading dimension (floats between rows).
 * For the permute: [A, B, C, D] → [A, C, B, D] (e.g. [batch, seq, heads, headDim] → [batch, heads, seq, headDim]).
 */
public final class TensorCopy {
    private static final VectorSpecies<Float> F = Simd.F;
    /** Floats per task below which a copy runs inline. */
    private static final int GRAIN_FLOATS = 16_384;

    private TensorCopy() {
    }

    /** dst[r, c] = src[r, c] for an R×C block. */
    public static void copy(int rows, int cols, float[] src, int srcOff, int srcLd, float[] dst, int dstOff,
                            int dstLd) {
        Parallel.forEach(rows, grainRows(cols),
                r -> System.arraycopy(src, srcOff + r * srcLd, dst, dstOff + r * dstLd, cols));
    }

    /** dst[r, c] += src[r, c] for an R×C block. */
    public static void add(int rows, int cols, float[] src, int srcOff, int srcLd, float[] dst, int dstOff, int dstLd) {
        boolean simd = Simd.enabled();
        Parallel.forEach(rows, grainRows(cols), r -> {
            if (simd) {
                addVector(src, srcOff + r * srcLd, dst, dstOff + r * dstLd, cols);
            } else {
                addScalar(src, srcOff + r * srcLd, dst, dstOff + r * dstLd, cols);
            }
        });
    }

    /**
     * dst[a, c, b, :] (+)= src[a, b, c, :]: swaps the two middle axes of [A, B, C, D]. Swapping again with B and C
     * exchanged is the inverse, so the same kernel splits and merges attention heads and runs both backwards.
     */
    public static void swapMiddleAxes(int a, int b, int c, int d, float[] src, int srcOff, float[] dst, int dstOff,
                                      boolean accumulate) {
        boolean simd = Simd.enabled();
        Parallel.forEach(a * b, grainRows(c * d), ab -> {
            int ai = ab / b;
            int bi = ab % b;
            for (int ci = 0; ci < c; ci++) {
                int from = srcOff + ((ai * b + bi) * c + ci) * d;
                int to = dstOff + ((ai * c + ci) * b + bi) * d;
                if (!accumulate) {
                    System.arraycopy(src, from, dst, to, d);
                } else if (simd) {
                    addVector(src, from, dst, to, d);
                } else {
                    addScalar(src, from, dst, to, d);
                }
            }
        });
    }

    static void addScalar(float[] src, int srcOff, float[] dst, int dstOff, int n) {
        for (int j = 0; j < n; j++) {
            dst[dstOff + j] += src[srcOff + j];
        }
    }

    static void addVector(float[] src, int srcOff, float[] dst, int dstOff, int n) {
        int step = F.length();
        int bound = F.loopBound(n);
        int j = 0;
        for (; j < bound; j += step) {
            FloatVector sum = FloatVector.fromArray(F, dst, dstOff + j);
            sum.add(FloatVector.fromArray(F, src, srcOff + j)).intoArray(dst, dstOff + j);
        }
        for (; j < n; j++) {
            dst[dstOff + j] += src[srcOff + j];
        }
    }

    private static int grainRows(int floatsPerRow) {
        return Math.max(1, GRAIN_FLOATS / Math.max(1, floatsPerRow));
    }
}
