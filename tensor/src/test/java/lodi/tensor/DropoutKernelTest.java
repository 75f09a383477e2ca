package lodi.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The vector path rebuilds CounterRng's bits lane-wise, so its mask and values must equal the scalar's bitwise. */
class DropoutKernelTest {
    @Test
    void vectorEqualsScalarBitwiseOnTailsAndOffsets() {
        for (int count : new int[] {1, 7, 16, 17, 100, 8193}) {
            for (boolean accumulate : new boolean[] {false, true}) {
                float[] src = EmbeddingKernelTest.random(count, count + 1);
                float[] scalar = EmbeddingKernelTest.random(count + 3, count + 2);
                float[] vector = scalar.clone();
                float p = 0.3f;
                float scale = DropoutKernel.keepScale(p);
                DropoutKernel.applyScalar(src, 1, scalar, 2, 12345L, count, p, scale, 42, 7, accumulate);
                DropoutKernel.applyVector(src, 1, vector, 2, 12345L, count, p, scale, 42, 7, accumulate);
                assertArrayEquals(scalar, vector, "count=" + count + " accumulate=" + accumulate);
            }
        }
    }

    @Test
    void keepsAboutOneMinusPAndScalesWhatItKeeps() {
        int n = 100_000;
        float[] x = new float[n];
        Arrays.fill(x, 1f);
        float[] y = new float[n];
        DropoutKernel.forward(x, 0, y, 0, n, 0.25f, 1, 2);
        int kept = 0;
        for (float value : y) {
            assertTrue(value == 0f || value == 1f / 0.75f, "value " + value);
            kept += value == 0f ? 0 : 1;
        }
        assertEquals(0.75, kept / (double) n, 0.01);
    }

    @Test
    void backwardAppliesTheForwardMaskAndThreadCountDoesNotMatter() {
        int n = 50_000;
        float[] x = EmbeddingKernelTest.random(5, n);
        float[][] y = new float[2][n];
        int before = Parallel.threads();
        try {
            for (int t = 0; t < 2; t++) {
                Parallel.setThreads(t + 1);
                DropoutKernel.forward(x, 0, y[t], 0, n, 0.1f, 9, 3);
            }
        } finally {
            Parallel.setThreads(before);
        }
        assertArrayEquals(y[0], y[1]);
        float[] ones = new float[n];
        Arrays.fill(ones, 1f);
        float[] dx = new float[n];
        DropoutKernel.backward(ones, 0, dx, 0, n, 0.1f, 9, 3, false);
        for (int i = 0; i < n; i++) {
            // + 0f turns the −0 of a dropped negative x into the +0 the forward wrote
            assertEquals(y[0][i], x[i] * dx[i] + 0f, "element " + i);
        }
    }

    @Test
    void extremeProbabilitiesAndBadOnes() {
        float[] x = {1f, -2f, 3f};
        float[] y = new float[3];
        DropoutKernel.forward(x, 0, y, 0, 3, 0f, 1, 1);
        assertArrayEquals(x, y);
        DropoutKernel.forward(x, 0, y, 0, 3, 1f, 1, 1);
        assertArrayEquals(new float[3], y);
        var error = assertThrows(IllegalArgumentException.class, () -> DropoutKernel.forward(x, 0, y, 0, 3, 1.5f, 1, 1));
        assertEquals("dropout probability must be in [0, 1], got 1.5", error.getMessage());
    }
}
