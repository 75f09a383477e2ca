package lodi.tensor;

import static lodi.tensor.KernelChecks.OFF;
import static lodi.tensor.KernelChecks.SIZES;
import static lodi.tensor.KernelChecks.assertClose;
import static lodi.tensor.KernelChecks.random;
import static lodi.tensor.KernelChecks.withThreads;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class VectorOpsTest {
    @Test
    void elementwiseVectorPathsMatchScalarReferences() {
        for (int n : SIZES) {
            float[] a = random(1, n, 1f);
            float[] b = random(2, n, 1f);
            float[] expected = random(3, n, 1f);
            float[] actual = expected.clone();
            // add, mul, scale and addConstant round the same single operation: bitwise equal
            VectorOps.addScalar(n, a, OFF, b, OFF, expected, OFF);
            VectorOps.addVector(n, a, OFF, b, OFF, actual, OFF);
            assertArrayEquals(expected, actual, "add n=" + n);
            VectorOps.mulScalar(n, a, OFF, b, OFF, expected, OFF);
            VectorOps.mulVector(n, a, OFF, b, OFF, actual, OFF);
            assertArrayEquals(expected, actual, "mul n=" + n);
            VectorOps.scaleScalar(n, -1.7f, a, OFF, expected, OFF);
            VectorOps.scaleVector(n, -1.7f, a, OFF, actual, OFF);
            assertArrayEquals(expected, actual, "scale n=" + n);
            VectorOps.addConstantScalar(n, 0.3f, expected, OFF);
            VectorOps.addConstantVector(n, 0.3f, actual, OFF);
            assertArrayEquals(expected, actual, "addConstant n=" + n);
            // axpy and addProduct fuse the multiply-add in the vector path: one rounding instead of two
            VectorOps.axpyScalar(n, 0.7f, a, OFF, expected, OFF);
            VectorOps.axpyVector(n, 0.7f, a, OFF, actual, OFF);
            assertClose(expected, actual, 1e-6, 1e-6, "axpy n=" + n);
            VectorOps.addProductScalar(n, a, OFF, b, OFF, expected, OFF);
            VectorOps.addProductVector(n, a, OFF, b, OFF, actual, OFF);
            assertClose(expected, actual, 1e-6, 1e-6, "addProduct n=" + n);
        }
    }

    @Test
    void axpyOntoZerosIsBitwiseAxpyIntoZerosWithoutReadingTheOutput() {
        for (int n : SIZES) {
            float[] x = random(6, n, 1f);
            // signed zeros and products that underflow to −0: axpy onto +0 turns them into +0
            x[OFF] = -0f;
            if (n > 1) {
                x[OFF + 1] = -Float.MIN_VALUE;
            }
            if (n > 2) {
                x[OFF + n - 1] = -1e-44f;
            }
            for (float alpha : new float[] {1f, -1f, 0.3f}) {
                float[] expected = new float[OFF + n];
                float[] actual = new float[OFF + n];
                java.util.Arrays.fill(actual, Float.NaN);
                VectorOps.axpyVector(n, alpha, x, OFF, expected, OFF);
                VectorOps.axpyOntoZerosVector(n, alpha, x, OFF, actual, OFF);
                assertBitwise(expected, actual, "vector n=" + n + " alpha=" + alpha);
                expected = new float[OFF + n];
                java.util.Arrays.fill(actual, Float.NaN);
                VectorOps.axpyScalar(n, alpha, x, OFF, expected, OFF);
                VectorOps.axpyOntoZerosScalar(n, alpha, x, OFF, actual, OFF);
                assertBitwise(expected, actual, "scalar n=" + n + " alpha=" + alpha);
            }
        }
    }

    private static void assertBitwise(float[] expected, float[] actual, String what) {
        for (int i = OFF; i < expected.length; i++) {
            assertEquals(Float.floatToRawIntBits(expected[i]), Float.floatToRawIntBits(actual[i]),
                    what + " element " + i + ": " + expected[i] + " vs " + actual[i]);
        }
    }

    @Test
    void publicEntryPointsSplitLargeInputsIntoChunksCorrectly() {
        int n = 3 * ElementChunks.CHUNK + 5;
        float[] a = random(4, n, 1f);
        float[] b = random(5, n, 1f);
        float[] c = new float[OFF + n];
        VectorOps.add(n, a, OFF, b, OFF, c, OFF);
        VectorOps.axpy(n, 2f, a, OFF, c, OFF);
        for (int i = OFF; i < OFF + n; i++) {
            assertEquals(3 * a[i] + b[i], c[i], 1e-5f, "element " + i);
        }
        VectorOps.addInPlace(n, a, OFF, c, OFF);
        assertEquals(4 * a[OFF + n - 1] + b[OFF + n - 1], c[OFF + n - 1], 1e-5f);
    }

    @Test
    void tensorOverloadsCheckShapesAndUseTheViews() {
        Tensor x = Tensor.of(new float[] {9, 1, 2, 3, 4}, 5).rows(1, 5);
        Tensor y = Tensor.full(1f, 4);
        VectorOps.axpy(2f, x, y);
        assertArrayEquals(new float[] {3, 5, 7, 9}, y.toArray());
        assertEquals(30.0, Sums.sumOfSquares(x));
        assertThrows(IllegalArgumentException.class, () -> VectorOps.axpy(1f, x, Tensor.zeros(3)));
    }

    @Test
    void rowVectorAddAndRowSumsMatchScalarReferences() {
        for (int cols : SIZES) {
            int rows = 5;
            float[] x = random(6, rows * cols, 1f);
            float[] bias = random(7, cols, 1f);
            float[] expected = x.clone();
            float[] actual = x.clone();
            VectorOps.addRowVectorScalar(rows, cols, expected, OFF, bias, OFF);
            VectorOps.addRowVectorVector(rows, cols, actual, OFF, bias, OFF);
            assertArrayEquals(expected, actual, "addRowVector cols=" + cols);

            float[] sumsExpected = new float[rows + 1];
            float[] sumsActual = new float[rows + 1];
            Sums.rowSumsScalar(rows, cols, x, OFF, sumsExpected, 1);
            Sums.rowSumsVector(rows, cols, x, OFF, sumsActual, 1);
            // different summation order: relative error grows with the row length
            assertClose(sumsExpected, sumsActual, 1e-6 * cols, 1e-6 * cols, "rowSums cols=" + cols);
            float[] sumsPublic = new float[rows + 1];
            Sums.rowSums(rows, cols, x, OFF, sumsPublic, 1);
            assertArrayEquals(Simd.enabled() ? sumsActual : sumsExpected, sumsPublic);
        }
    }

    @Test
    void columnSumsAreBitwiseEqualOnBothPathsAndAccumulate() {
        for (int cols : SIZES) {
            for (int rows : new int[] {1, 4, 19}) {
                float[] x = random(8, rows * cols, 1f);
                float[] expected = random(9, cols, 1f);
                float[] actual = expected.clone();
                // each column adds its rows in row order on both paths: the same bits
                Sums.addColumnSumsScalar(rows, cols, cols, x, OFF, expected, OFF);
                Sums.addColumnSumsVector(rows, cols, cols, x, OFF, actual, OFF);
                assertArrayEquals(expected, actual, "columnSums rows=" + rows + " cols=" + cols);
            }
        }
        float[] ones = {1, 1, 1, 1, 1, 1};
        float[] into = {10, 20, 30};
        Sums.addColumnSums(2, 3, ones, 0, into, 0);
        assertArrayEquals(new float[] {12, 22, 32}, into);
    }

    @Test
    void columnSumsDoNotDependOnTheThreadCount() {
        int rows = 300;
        int cols = 517;
        float[] x = random(10, rows * cols, 1f);
        float[] one = withThreads(1, () -> {
            float[] out = new float[OFF + cols];
            Sums.addColumnSums(rows, cols, x, OFF, out, OFF);
            return out;
        });
        float[] two = withThreads(2, () -> {
            float[] out = new float[OFF + cols];
            Sums.addColumnSums(rows, cols, x, OFF, out, OFF);
            return out;
        });
        assertArrayEquals(one, two);
    }

    @Test
    void blockSumsMatchScalarReferencesAndDoubleTruth() {
        for (int n : SIZES) {
            float[] x = random(11, n, 1f);
            double truth = 0;
            double truthSquares = 0;
            for (int i = OFF; i < OFF + n; i++) {
                truth += x[i];
                truthSquares += (double) x[i] * x[i];
            }
            // float accumulation within a block: tolerance relative to Σ|x| resp. Σx²
            assertEquals(truth, Sums.sumScalar(n, x, OFF), 1e-6 * n);
            assertEquals(truth, Sums.sumVector(n, x, OFF), 1e-6 * n);
            assertEquals(truthSquares, Sums.sumOfSquaresScalar(n, x, OFF), 1e-6 * truthSquares);
            assertEquals(truthSquares, Sums.sumOfSquaresVector(n, x, OFF), 1e-6 * truthSquares);
        }
    }

    @Test
    void wholeTensorSumsAreDeterministicAcrossThreadCounts() {
        int n = 5 * Sums.SUM_BLOCK + 77;
        float[] x = random(12, n, 1f);
        double truth = 0;
        for (int i = OFF; i < OFF + n; i++) {
            truth += (double) x[i] * x[i];
        }
        double one = withThreads(1, () -> Sums.sumOfSquares(n, x, OFF));
        double two = withThreads(2, () -> Sums.sumOfSquares(n, x, OFF));
        assertEquals(Double.doubleToLongBits(one), Double.doubleToLongBits(two));
        assertEquals(truth, one, 1e-5 * truth);
        double sumOne = withThreads(1, () -> Sums.sum(n, x, OFF));
        double sumTwo = withThreads(2, () -> Sums.sum(n, x, OFF));
        assertEquals(Double.doubleToLongBits(sumOne), Double.doubleToLongBits(sumTwo));
    }
}
