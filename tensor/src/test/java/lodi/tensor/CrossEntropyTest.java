package lodi.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/**
 * The vector paths use the Vector API's exp and a lane-wise summation order, so they are compared with the
 * scalar references to a relative 2e-6 on log-sum-exp and an absolute 1e-7 on gradients (probabilities ≤ 1);
 * argmax is exact.
 */
class CrossEntropyTest {
    private static final int[] VOCABS = {1, 2, 15, 16, 17, 31, 33, 100, 1000, 30522};

    static float[] logits(long stream, int n, float spread) {
        float[] x = EmbeddingKernelTest.random(stream, n);
        for (int i = 0; i < n; i++) {
            x[i] *= spread;
        }
        return x;
    }

    @Test
    void logSumExpVectorMatchesScalar() {
        for (int v : VOCABS) {
            float[] x = logits(v, v + 3, 8f);
            float scalar = CrossEntropy.logSumExpScalar(x, 3, v);
            float vector = CrossEntropy.logSumExpVector(x, 3, v);
            assertEquals(scalar, vector, 2e-6f * Math.max(1f, Math.abs(scalar)), "v=" + v);
        }
    }

    @Test
    void forwardMatchesADoublePrecisionReferenceAndSkipsIgnoredRows() {
        int v = 37;
        int n = 6;
        int ld = 40;
        float[] x = logits(11, n * ld, 5f);
        int[] targets = {3, CrossEntropy.IGNORE_INDEX, 0, 36, 17, 17};
        float[] loss = new float[n];
        float[] lse = new float[n];
        CrossEntropy.forward(x, 0, ld, n, v, targets, CrossEntropy.IGNORE_INDEX, loss, lse);
        for (int i = 0; i < n; i++) {
            if (targets[i] == CrossEntropy.IGNORE_INDEX) {
                assertEquals(0f, loss[i]);
                continue;
            }
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < v; j++) {
                max = Math.max(max, x[i * ld + j]);
            }
            double sum = 0;
            for (int j = 0; j < v; j++) {
                sum += Math.exp(x[i * ld + j] - max);
            }
            double expected = max + Math.log(sum) - x[i * ld + targets[i]];
            assertEquals(expected, loss[i], 1e-5, "row " + i);
        }
    }

    @Test
    void backwardRowVectorMatchesScalarWithAndWithoutAccumulation() {
        for (int v : VOCABS) {
            float[] x = logits(v + 7, v, 6f);
            float lse = CrossEntropy.logSumExpScalar(x, 0, v);
            int target = v / 2;
            for (boolean accumulate : new boolean[] {false, true}) {
                float[] scalar = EmbeddingKernelTest.random(v + 9, v);
                float[] vector = scalar.clone();
                CrossEntropy.backwardRowScalar(x, 0, v, lse, target, 0.37f, scalar, 0, accumulate);
                CrossEntropy.backwardRowVector(x, 0, v, lse, target, 0.37f, vector, 0, accumulate);
                for (int j = 0; j < v; j++) {
                    assertEquals(scalar[j], vector[j], 1e-7f, "v=" + v + " accumulate=" + accumulate + " j=" + j);
                }
            }
        }
    }

    @Test
    void gradientRowsSumToZeroAndIgnoredRowsAreZero() {
        int v = 50;
        int n = 3;
        float[] x = logits(21, n * v, 4f);
        int[] targets = {7, CrossEntropy.IGNORE_INDEX, 49};
        float[] loss = new float[n];
        float[] lse = new float[n];
        CrossEntropy.forward(x, 0, v, n, v, targets, CrossEntropy.IGNORE_INDEX, loss, lse);
        float[] d = EmbeddingKernelTest.random(22, n * v);
        CrossEntropy.backward(x, 0, v, n, v, targets, CrossEntropy.IGNORE_INDEX, lse, new float[] {1f, 1f, 2f}, d, 0, v,
                false);
        for (int i = 0; i < n; i++) {
            double sum = 0;
            for (int j = 0; j < v; j++) {
                sum += d[i * v + j];
                if (i == 1) {
                    assertEquals(0f, d[i * v + j]);
                }
            }
            assertEquals(0.0, sum, 1e-6, "row " + i);
        }
        assertEquals(2 * (Math.exp(x[2 * v + 49] - lse[2]) - 1), d[2 * v + 49], 1e-6);
    }

    @Test
    void backwardRowInPlaceOverTheLogitsEqualsASeparateBuffer() {
        for (int v : VOCABS) {
            float[] x = logits(v + 41, v, 4f);
            float lse = CrossEntropy.logSumExpScalar(x, 0, v);
            int target = v - 1;
            float[] scalar = new float[v];
            float[] vector = new float[v];
            CrossEntropy.backwardRowScalar(x, 0, v, lse, target, 0.5f, scalar, 0, false);
            CrossEntropy.backwardRowVector(x, 0, v, lse, target, 0.5f, vector, 0, false);
            float[] scalarInPlace = x.clone();
            float[] vectorInPlace = x.clone();
            CrossEntropy.backwardRowScalar(scalarInPlace, 0, v, lse, target, 0.5f, scalarInPlace, 0, false);
            CrossEntropy.backwardRowVector(vectorInPlace, 0, v, lse, target, 0.5f, vectorInPlace, 0, false);
            assertArrayEquals(scalar, scalarInPlace, "scalar v=" + v);
            assertArrayEquals(vector, vectorInPlace, "vector v=" + v);
        }
    }

    @Test
    void oneAndTwoThreadsGiveBitwiseEqualResults() {
        int v = 1001;
        int n = 9;
        float[] x = logits(31, n * v, 3f);
        int[] targets = {0, 1, 2, 1000, CrossEntropy.IGNORE_INDEX, 5, 6, 7, 8};
        float[] scale = {1, 2, 3, 4, 5, 6, 7, 8, 9};
        float[][] loss = new float[2][n];
        float[][] d = new float[2][n * v];
        int before = Parallel.threads();
        try {
            for (int t = 0; t < 2; t++) {
                Parallel.setThreads(t + 1);
                float[] lse = new float[n];
                CrossEntropy.forward(x, 0, v, n, v, targets, CrossEntropy.IGNORE_INDEX, loss[t], lse);
                CrossEntropy.backward(x, 0, v, n, v, targets, CrossEntropy.IGNORE_INDEX, lse, scale, d[t], 0, v, false);
            }
        } finally {
            Parallel.setThreads(before);
        }
        assertArrayEquals(loss[0], loss[1]);
        assertArrayEquals(d[0], d[1]);
    }

    @Test
    void argmaxVectorMatchesScalarIncludingTiesAndGivesMaxProbability() {
        for (int v : VOCABS) {
            float[] x = logits(v + 40, v, 2f);
            float max = CrossEntropy.maxVector(x, 0, v);
            assertEquals(CrossEntropy.argmaxScalar(x, 0, v), CrossEntropy.argmaxVector(x, 0, v, max), "v=" + v);
            float[] tied = new float[v];
            tied[v - 1] = 1f;
            tied[v / 3] = 1f;
            assertEquals(v / 3, CrossEntropy.argmaxVector(tied, 0, v, 1f), "ties, v=" + v);
            assertEquals(v / 3, CrossEntropy.argmaxScalar(tied, 0, v), "ties, v=" + v);
        }
        float[] x = {0f, 2f, 1f, 5f, 5f, -1f};
        int[] index = new int[2];
        float[] prob = new float[2];
        CrossEntropy.argmax(x, 0, 3, 2, 3, index, prob);
        assertArrayEquals(new int[] {1, 0}, index);
        assertEquals(Math.exp(2) / (1 + Math.exp(2) + Math.exp(1)), prob[0], 1e-6);
        assertEquals(Math.exp(5) / (2 * Math.exp(5) + Math.exp(-1)), prob[1], 1e-6);
    }

    @Test
    void aTargetOutsideTheVocabularyIsNamed() {
        var error = assertThrows(IllegalArgumentException.class, () -> CrossEntropy.forward(new float[6], 0, 3, 2, 3,
                new int[] {0, 3}, CrossEntropy.IGNORE_INDEX, new float[2], new float[2]));
        assertEquals("target 3 at row 1 is outside [0, 3) and is not the ignore index -100", error.getMessage());
    }
}
