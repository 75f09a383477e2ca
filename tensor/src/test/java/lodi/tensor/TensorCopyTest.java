package lodi.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Copies and single additions are exact, so every comparison here is bitwise (tolerance 0). */
class TensorCopyTest {
    @Test
    void addVectorEqualsScalarOnTails() {
        for (int n : new int[] {1, 3, 15, 16, 17, 31, 64, 100}) {
            float[] src = EmbeddingKernelTest.random(n, n + 2);
            float[] scalar = EmbeddingKernelTest.random(n + 50, n + 1);
            float[] vector = scalar.clone();
            TensorCopy.addScalar(src, 2, scalar, 1, n);
            TensorCopy.addVector(src, 2, vector, 1, n);
            assertArrayEquals(scalar, vector, "n=" + n);
        }
    }

    @Test
    void stridedBlockCopyAndAddTouchOnlyTheBlock() {
        int rows = 5;
        int cols = 19;
        float[] src = EmbeddingKernelTest.random(1, 3 + rows * 23);
        float[] dst = EmbeddingKernelTest.random(2, 4 + rows * 30);
        float[] copied = dst.clone();
        float[] added = dst.clone();
        TensorCopy.copy(rows, cols, src, 3, 23, copied, 4, 30);
        TensorCopy.add(rows, cols, src, 3, 23, added, 4, 30);
        for (int i = 0; i < dst.length; i++) {
            int r = (i - 4) / 30;
            int c = (i - 4) % 30;
            boolean inBlock = i >= 4 && r < rows && c < cols;
            float s = inBlock ? src[3 + r * 23 + c] : 0f;
            assertEquals(inBlock ? s : dst[i], copied[i], "copy at " + i);
            assertEquals(inBlock ? dst[i] + s : dst[i], added[i], "add at " + i);
        }
    }

    @Test
    void swapMiddleAxesMovesEveryElementAndSwappingBackRestoresIt() {
        int a = 2;
        int b = 3;
        int c = 5;
        int d = 17;
        float[] src = EmbeddingKernelTest.random(3, a * b * c * d);
        float[] swapped = new float[src.length];
        TensorCopy.swapMiddleAxes(a, b, c, d, src, 0, swapped, 0, false);
        for (int ai = 0; ai < a; ai++) {
            for (int bi = 0; bi < b; bi++) {
                for (int ci = 0; ci < c; ci++) {
                    for (int di = 0; di < d; di++) {
                        assertEquals(src[((ai * b + bi) * c + ci) * d + di], swapped[((ai * c + ci) * b + bi) * d + di]);
                    }
                }
            }
        }
        float[] back = new float[src.length];
        TensorCopy.swapMiddleAxes(a, c, b, d, swapped, 0, back, 0, false);
        assertArrayEquals(src, back);
        TensorCopy.swapMiddleAxes(a, c, b, d, swapped, 0, back, 0, true);
        for (int i = 0; i < src.length; i++) {
            assertEquals(src[i] + src[i], back[i]);
        }
    }
}
