package lodi.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** Gather is a copy and scatter-add a fixed-order sum: both are compared bitwise (tolerance 0). */
class EmbeddingKernelTest {
    private static final int[] WIDTHS = {1, 5, 16, 17, 33, 127, 128, 129, 300};

    static float[] random(long stream, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = 2f * CounterRng.uniform(99, stream, i) - 1f;
        }
        return x;
    }

    /** Ids with many repeats, so the scatter has collisions to order. */
    static int[] ids(long stream, int n, int tableRows) {
        int[] ids = new int[n];
        for (int i = 0; i < n; i++) {
            ids[i] = (int) (CounterRng.bits(5, stream, i) >>> 33) % tableRows;
        }
        return ids;
    }

    @Test
    void gatherCopiesTheIndexedRows() {
        for (int d : WIDTHS) {
            int tableRows = 7;
            float[] table = random(d, tableRows * d + 3);
            int[] ids = ids(d, 11, tableRows);
            float[] out = new float[ids.length * d + 2];
            EmbeddingKernel.gather(table, 3, tableRows, ids, out, 2, d);
            for (int i = 0; i < ids.length; i++) {
                for (int j = 0; j < d; j++) {
                    assertEquals(table[3 + ids[i] * d + j], out[2 + i * d + j], "d=" + d + " row " + i + " col " + j);
                }
            }
        }
    }

    @Test
    void scatterAddVectorEqualsScalarBitwiseOnEveryWidth() {
        for (int d : WIDTHS) {
            for (int n : new int[] {1, 2, 37}) {
                int tableRows = 5;
                int[] ids = ids(n * 1000L + d, n, tableRows);
                float[] dOut = random(n + d, n * d + 1);
                float[] scalar = random(7, tableRows * d + 4);
                float[] vector = scalar.clone();
                EmbeddingKernel.scatterAddScalar(dOut, 1, ids, scalar, 4, d, 0, d);
                EmbeddingKernel.scatterAddVector(dOut, 1, ids, vector, 4, d, 0, d);
                assertArrayEquals(scalar, vector, "d=" + d + " n=" + n);
            }
        }
    }

    @Test
    void scatterAddIsTheSequentialSumForOneAndTwoThreads() {
        int d = 300;
        int n = 500;
        int tableRows = 9;
        int[] ids = ids(3, n, tableRows);
        float[] dOut = random(4, n * d);
        float[] expected = new float[tableRows * d];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                expected[ids[i] * d + j] += dOut[i * d + j];
            }
        }
        int before = Parallel.threads();
        try {
            for (int threads : new int[] {1, 2}) {
                Parallel.setThreads(threads);
                float[] got = new float[tableRows * d];
                EmbeddingKernel.scatterAdd(dOut, 0, ids, got, 0, tableRows, d);
                assertArrayEquals(expected, got, "threads=" + threads);
            }
        } finally {
            Parallel.setThreads(before);
        }
    }

    @Test
    void anIdOutsideTheTableIsNamedWithItsPosition() {
        var error = assertThrows(IllegalArgumentException.class,
                () -> EmbeddingKernel.gather(new float[6], 0, 3, new int[] {0, 3}, new float[4], 0, 2));
        assertEquals("id 3 at position 1 is outside the table's 3 rows", error.getMessage());
    }
}
