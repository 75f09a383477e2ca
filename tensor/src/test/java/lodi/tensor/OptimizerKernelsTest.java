package lodi.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * Vector paths against the scalar references. Tolerances: AdamW, SGD and scale do the same float operations
 * in the same order on both paths, so they must agree bitwise; the sum of squares adds in a different order
 * within a block (16 lanes, FMA) and must agree to a relative 1e-5.
 */
class OptimizerKernelsTest {
    private static final int[] SIZES = {1, 2, 7, 15, 16, 17, 31, 33, 100, 1000, 4097};

    private static float[] random(int n, long stream, float scale) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = scale * CounterRng.normal(11, stream, i);
        }
        return x;
    }

    private static float[] positive(int n, long stream) {
        float[] x = random(n, stream, 1e-3f);
        for (int i = 0; i < n; i++) {
            x[i] *= x[i];
        }
        return x;
    }

    private static final OptimizerKernels.AdamWScalars ADAMW_STEP_3 =
            OptimizerKernels.AdamWScalars.of(1e-3, 0.9, 0.999, 1e-8, 0.01, 1 - Math.pow(0.9, 3),
                    Math.sqrt(1 - Math.pow(0.999, 3)));

    @Test
    void adamWVectorMatchesScalarBitwise() {
        for (int n : SIZES) {
            int off = 3;
            float[] p1 = random(n + off, 1, 1f);
            float[] g = random(n + off, 2, 0.1f);
            float[] m1 = random(n + off, 3, 0.01f);
            float[] v1 = positive(n + off, 4);
            float[] p2 = p1.clone();
            float[] m2 = m1.clone();
            float[] v2 = v1.clone();
            OptimizerKernels.adamWScalar(p1, off, g, off, m1, off, v1, off, n, ADAMW_STEP_3);
            OptimizerKernels.adamWVector(p2, off, g, off, m2, off, v2, off, n, ADAMW_STEP_3);
            assertArrayEquals(p1, p2, "p, n=" + n);
            assertArrayEquals(m1, m2, "m, n=" + n);
            assertArrayEquals(v1, v2, "v, n=" + n);
        }
    }

    @Test
    void sgdVectorMatchesScalarBitwiseWithAndWithoutMomentum() {
        for (int n : SIZES) {
            for (boolean first : new boolean[] {true, false}) {
                float[] p1 = random(n, 1, 1f);
                float[] g = random(n, 2, 0.1f);
                float[] b1 = random(n, 3, 0.1f);
                float[] p2 = p1.clone();
                float[] b2 = b1.clone();
                OptimizerKernels.sgdScalar(p1, 0, g, 0, b1, 0, n, 0.1f, 0.9f, 0.1f, 1e-4f, first);
                OptimizerKernels.sgdVector(p2, 0, g, 0, b2, 0, n, 0.1f, 0.9f, 0.1f, 1e-4f, first);
                assertArrayEquals(p1, p2, "p, n=" + n + " first=" + first);
                assertArrayEquals(b1, b2, "buf, n=" + n + " first=" + first);
            }
            float[] p1 = random(n, 1, 1f);
            float[] g = random(n, 2, 0.1f);
            float[] p2 = p1.clone();
            OptimizerKernels.sgdScalar(p1, 0, g, 0, null, 0, n, 0.1f, 0f, 0f, 0f, false);
            OptimizerKernels.sgdVector(p2, 0, g, 0, null, 0, n, 0.1f, 0f, 0f, 0f, false);
            assertArrayEquals(p1, p2, "plain SGD, n=" + n);
        }
    }

    @Test
    void sumOfSquaresVectorMatchesScalarToFloatRounding() {
        for (int n : SIZES) {
            float[] x = random(n + 5, 6, 2f);
            float scalar = OptimizerKernels.sumOfSquaresScalar(x, 5, n);
            float vector = OptimizerKernels.sumOfSquaresVector(x, 5, n);
            assertEquals(scalar, vector, 1e-5 * scalar, "n=" + n);
        }
        double exact = 0;
        float[] x = random(3 * OptimizerKernels.CHUNK + 11, 7, 1f);
        for (float xi : x) {
            exact += (double) xi * xi;
        }
        assertEquals(exact, OptimizerKernels.sumOfSquares(x, 0, x.length), 1e-5 * exact);
    }

    @Test
    void largeTensorsGiveBitwiseIdenticalResultsOnOneAndTwoThreads() {
        int n = 5 * OptimizerKernels.CHUNK + 123;
        int before = Parallel.threads();
        try {
            Parallel.setThreads(1);
            float[][] one = runAll(n);
            Parallel.setThreads(2);
            float[][] two = runAll(n);
            for (int i = 0; i < one.length; i++) {
                assertArrayEquals(one[i], two[i], "output " + i);
            }
        } finally {
            Parallel.setThreads(before);
        }
    }

    /** Every public entry point over a chunked tensor; returns all outputs, the norm last. */
    private static float[][] runAll(int n) {
        float[] p = random(n, 1, 1f);
        float[] g = random(n, 2, 0.1f);
        float[] m = random(n, 3, 0.01f);
        float[] v = positive(n, 4);
        OptimizerKernels.adamW(p, 0, g, 0, m, 0, v, 0, n, ADAMW_STEP_3);
        float[] q = random(n, 5, 1f);
        float[] buf = random(n, 6, 0.1f);
        OptimizerKernels.sgd(q, 0, g, 0, buf, 0, n, 0.1f, 0.9f, 0f, 0.01f, false);
        VectorOps.scale(n, 0.5f, g, 0, g, 0);
        double norm = OptimizerKernels.sumOfSquares(p, 0, n);
        assertTrue(norm > 0);
        return new float[][] {p, m, v, q, buf, g, {(float) norm, (float) (norm - (float) norm)}};
    }

    @Test
    void chunkedEntryPointAgreesWithOneReferencePassOverTheWholeTensor() {
        int n = 2 * OptimizerKernels.CHUNK + 7;
        float[] p1 = random(n, 1, 1f);
        float[] g = random(n, 2, 0.1f);
        float[] m1 = random(n, 3, 0.01f);
        float[] v1 = positive(n, 4);
        float[] p2 = p1.clone();
        float[] m2 = m1.clone();
        float[] v2 = v1.clone();
        OptimizerKernels.adamW(p1, 0, g, 0, m1, 0, v1, 0, n, ADAMW_STEP_3);
        OptimizerKernels.adamWScalar(p2, 0, g, 0, m2, 0, v2, 0, n, ADAMW_STEP_3);
        assertArrayEquals(p2, p1);
        assertArrayEquals(m2, m1);
        assertArrayEquals(v2, v1);
    }
}
