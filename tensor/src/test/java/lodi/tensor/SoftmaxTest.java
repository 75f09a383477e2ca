package lodi.tensor;

import static lodi.tensor.KernelChecks.OFF;
import static lodi.tensor.KernelChecks.SIZES;
import static lodi.tensor.KernelChecks.assertClose;
import static lodi.tensor.KernelChecks.random;
import static lodi.tensor.KernelChecks.withThreads;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class SoftmaxTest {
    /** Vector (float sums, SVML exp) against the double reference: |Δ| ≤ 1e-7 + 1e-5·|y|. */
    @Test
    void forwardAndBackwardVectorPathsMatchScalarReferences() {
        for (int cols : SIZES) {
            int rows = 3;
            float[] x = random(1, rows * cols, 4f);
            float[] expected = new float[OFF + rows * cols];
            float[] actual = new float[OFF + rows * cols];
            Softmax.forwardScalar(rows, cols, x, OFF, expected, OFF);
            Softmax.forwardVector(rows, cols, x, OFF, actual, OFF);
            assertClose(expected, actual, 1e-7, 1e-5, "softmax forward cols=" + cols);
            for (int r = 0; r < rows; r++) {
                double sum = 0;
                for (int c = 0; c < cols; c++) {
                    sum += actual[OFF + r * cols + c];
                }
                assertEquals(1.0, sum, 1e-5, "row " + r + " sums to one");
            }
            float[] dy = random(2, rows * cols, 1f);
            float[] dxExpected = random(3, rows * cols, 1f);
            float[] dxActual = dxExpected.clone();
            Softmax.backwardScalar(rows, cols, expected, OFF, dy, OFF, dxExpected, OFF);
            Softmax.backwardVector(rows, cols, expected, OFF, dy, OFF, dxActual, OFF);
            assertClose(dxExpected, dxActual, 1e-6, 1e-5, "softmax backward cols=" + cols);
        }
    }

    @Test
    void largeLogitsDoNotOverflowAndInPlaceWorks() {
        float[] x = {1000f, 1001f, -1000f, 1000f, 999f, 1002f, 1000f, 1000f, 1000f, 1000f, 1000f, 1000f, 1000f,
            1000f, 1000f, 1000f, 1000f};
        float[] expected = new float[x.length];
        Softmax.forwardScalar(1, x.length, x, 0, expected, 0);
        Softmax.forward(1, x.length, x, 0, x, 0);
        assertClose(expected, x, 1e-7, 1e-5, "in-place softmax of large logits");
        assertEquals(0f, x[2]);
    }

    @Test
    void rowsAreIndependentOfTheThreadCount() {
        int rows = 257;
        int cols = 65;
        float[] x = random(4, rows * cols, 2f);
        float[] one = withThreads(1, () -> {
            float[] y = new float[OFF + rows * cols];
            Softmax.forward(rows, cols, x, OFF, y, OFF);
            return y;
        });
        float[] two = withThreads(2, () -> {
            float[] y = new float[OFF + rows * cols];
            Softmax.forward(rows, cols, x, OFF, y, OFF);
            return y;
        });
        assertArrayEquals(one, two);
    }
}
