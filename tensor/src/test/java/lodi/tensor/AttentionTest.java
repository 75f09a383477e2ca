package lodi.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * Fused attention (vector and scalar forms) against the naive composition. Tolerance for values and
 * gradients: |fused − reference| ≤ 1e-4·(1 + |reference|); both are float32 with different summation orders
 * and exp implementations, inputs are N(0, 1).
 */
class AttentionTest {
    private static final double TOLERANCE = 1e-4;

    /**
     * B, H, S, Dh: odd and tiny sequences, several key blocks, head dims below, at and above a vector; the last
     * two have S and Dh multiples of the micro-kernel width, so the vector path reads rows in place.
     */
    private static final int[][] SHAPES = {
        {1, 1, 1, 8}, {2, 3, 7, 8}, {2, 2, 33, 32}, {1, 2, 65, 64}, {3, 1, 130, 32}, {2, 2, 16, 20},
        {3, 2, 64, 32}, {2, 1, 160, 64},
    };

    private record Case(int batch, int heads, int seq, int headDim, boolean[] keep,
                        float[] q, float[] k, float[] v, float[] dOut) {
        int size() {
            return batch * seq * heads * headDim;
        }

        static Case random(int[] shape, boolean padded, long seed) {
            int batch = shape[0];
            int heads = shape[1];
            int seq = shape[2];
            int headDim = shape[3];
            int n = batch * seq * heads * headDim;
            boolean[] keep = padded ? paddingMask(batch, seq, seed) : null;
            return new Case(batch, heads, seq, headDim, keep, normal(seed, 1, n), normal(seed, 2, n),
                    normal(seed, 3, n), normal(seed, 4, n));
        }
    }

    /**
     * Batch 0 keeps every key, batch 1 only its first key (all but one padded), batch 2 none, later batches a
     * random subset with holes; at least one key stays real in every batch but batch 2.
     */
    private static boolean[] paddingMask(int batch, int seq, long seed) {
        boolean[] keep = new boolean[batch * seq];
        for (int b = 0; b < batch; b++) {
            for (int j = 0; j < seq; j++) {
                keep[b * seq + j] = switch (b) {
                    case 0 -> true;
                    case 1 -> j == 0;
                    case 2 -> false;
                    default -> j == 0 || CounterRng.uniform(seed, 9, b * seq + j) < 0.6f;
                };
            }
        }
        return keep;
    }

    private static float[] normal(long seed, long stream, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = CounterRng.normal(seed, stream, i);
        }
        return x;
    }

    private record Result(float[] out, float[] lse, float[] dq, float[] dk, float[] dv) {
    }

    private enum Path { VECTOR, SCALAR }

    private static Result fused(Case c, Path path) {
        int n = c.size();
        float[] out = new float[n];
        float[] lse = new float[c.batch * c.heads * c.seq];
        float[] dq = filled(n, 0.5f);
        float[] dk = filled(n, 0.5f);
        float[] dv = filled(n, 0.5f);
        if (path == Path.VECTOR) {
            AttentionVector.forward(c.batch, c.heads, c.seq, c.headDim, c.q, 0, c.k, 0, c.v, 0, c.keep, out, 0, lse, 0);
            AttentionVector.backward(c.batch, c.heads, c.seq, c.headDim, c.q, 0, c.k, 0, c.v, 0, c.keep, out, 0, lse, 0,
                    c.dOut, 0, dq, 0, dk, 0, dv, 0);
        } else {
            AttentionScalar.forward(c.batch, c.heads, c.seq, c.headDim, c.q, 0, c.k, 0, c.v, 0, c.keep, out, 0, lse, 0);
            AttentionScalar.backward(c.batch, c.heads, c.seq, c.headDim, c.q, 0, c.k, 0, c.v, 0, c.keep, out, 0, lse, 0,
                    c.dOut, 0, dq, 0, dk, 0, dv, 0);
        }
        return new Result(out, lse, dq, dk, dv);
    }

    private static Result reference(Case c) {
        int n = c.size();
        float[] out = new float[n];
        float[] probs = new float[c.batch * c.heads * c.seq * c.seq];
        float[] scratch = new float[probs.length];
        float[] dq = filled(n, 0.5f);
        float[] dk = filled(n, 0.5f);
        float[] dv = filled(n, 0.5f);
        AttentionReference.forward(c.batch, c.heads, c.seq, c.headDim, c.q, 0, c.k, 0, c.v, 0, c.keep, out, 0, probs);
        AttentionReference.backward(c.batch, c.heads, c.seq, c.headDim, c.q, 0, c.k, 0, c.v, 0, probs, c.dOut, 0,
                scratch, dq, 0, dk, 0, dv, 0);
        return new Result(out, null, dq, dk, dv);
    }

    private static float[] filled(int n, float value) {
        float[] x = new float[n];
        Arrays.fill(x, value);
        return x;
    }

    private static void assertClose(String what, float[] expected, float[] actual) {
        for (int i = 0; i < expected.length; i++) {
            double error = Math.abs(expected[i] - actual[i]);
            if (!(error <= TOLERANCE * (1 + Math.abs(expected[i])))) {
                throw new AssertionError(what + " element " + i + ": expected " + expected[i] + ", got " + actual[i]);
            }
        }
    }

    private static void compareWithReference(Path path) {
        long seed = 1;
        for (int[] shape : SHAPES) {
            for (boolean padded : new boolean[] {false, true}) {
                Case c = Case.random(shape, padded, seed++);
                Result want = reference(c);
                Result got = fused(c, path);
                String name = path + " " + Arrays.toString(shape) + (padded ? " padded" : "");
                assertClose(name + " out", want.out, got.out);
                assertClose(name + " dq", want.dq, got.dq);
                assertClose(name + " dk", want.dk, got.dk);
                assertClose(name + " dv", want.dv, got.dv);
            }
        }
    }

    @Test
    void vectorMatchesTheNaiveComposition() {
        compareWithReference(Path.VECTOR);
    }

    @Test
    void scalarMatchesTheNaiveComposition() {
        compareWithReference(Path.SCALAR);
    }

    @Test
    void logSumExpIsTheSoftmaxNormaliser() {
        Case c = Case.random(new int[] {3, 2, 9, 8}, true, 77);
        for (Path path : Path.values()) {
            Result r = fused(c, path);
            float scale = Attention.scale(c.headDim);
            int d = c.heads * c.headDim;
            for (int b = 0; b < c.batch; b++) {
                for (int h = 0; h < c.heads; h++) {
                    for (int i = 0; i < c.seq; i++) {
                        double sum = 0;
                        for (int j = 0; j < c.seq; j++) {
                            if (c.keep[b * c.seq + j]) {
                                double dot = 0;
                                for (int x = 0; x < c.headDim; x++) {
                                    dot += c.q[(b * c.seq + i) * d + h * c.headDim + x]
                                            * c.k[(b * c.seq + j) * d + h * c.headDim + x];
                                }
                                sum += Math.exp(dot * scale);
                            }
                        }
                        float lse = r.lse[(b * c.heads + h) * c.seq + i];
                        float want = sum == 0 ? Float.NEGATIVE_INFINITY : (float) Math.log(sum);
                        assertEquals(want, lse, 1e-5 * (1 + Math.abs(want)), path + " lse b=" + b + " h=" + h + " i=" + i);
                    }
                }
            }
        }
    }

    @Test
    void batchWithoutRealKeysOutputsZerosAndPassesNoGradient() {
        Case c = Case.random(new int[] {3, 2, 7, 8}, true, 5);
        int tokens = c.seq * c.heads * c.headDim;
        for (Path path : Path.values()) {
            Result r = fused(c, path);
            for (int i = 2 * tokens; i < 3 * tokens; i++) {
                assertEquals(0f, r.out[i], path + " out " + i);
                assertEquals(0.5f, r.dq[i], path + " dq " + i);
                assertEquals(0.5f, r.dk[i], path + " dk " + i);
                assertEquals(0.5f, r.dv[i], path + " dv " + i);
            }
        }
    }

    @Test
    void vectorIsBitwiseIdenticalForOneAndTwoThreads() {
        int before = Parallel.threads();
        try {
            for (int[] shape : new int[][] {{4, 3, 37, 32}, {4, 2, 64, 32}}) {
                Case c = Case.random(shape, true, 11);
                Parallel.setThreads(1);
                Result one = fused(c, Path.VECTOR);
                Parallel.setThreads(2);
                Result two = fused(c, Path.VECTOR);
                assertArrayEquals(one.out, two.out);
                assertArrayEquals(one.lse, two.lse);
                assertArrayEquals(one.dq, two.dq);
                assertArrayEquals(one.dk, two.dk);
                assertArrayEquals(one.dv, two.dv);
            }
        } finally {
            Parallel.setThreads(before);
        }
    }

    @Test
    void skippedGradientsLeaveTheOthersUnchanged() {
        Case c = Case.random(new int[] {2, 2, 19, 16}, true, 13);
        Result all = fused(c, Path.VECTOR);
        float[] dv = filled(c.size(), 0.5f);
        Attention.backward(c.batch, c.heads, c.seq, c.headDim, c.q, 0, c.k, 0, c.v, 0, c.keep, all.out, 0, all.lse, 0,
                c.dOut, 0, null, 0, null, 0, dv, 0);
        assertArrayEquals(all.dv, dv);
        float[] dk = filled(c.size(), 0.5f);
        Attention.backward(c.batch, c.heads, c.seq, c.headDim, c.q, 0, c.k, 0, c.v, 0, c.keep, all.out, 0, all.lse, 0,
                c.dOut, 0, null, 0, dk, 0, null, 0);
        assertArrayEquals(all.dk, dk);
    }

    @Test
    void badArgumentsAreNamed() {
        float[] x = new float[2 * 3 * 4];
        var mask = assertThrows(IllegalArgumentException.class, () -> Attention.forward(2, 1, 3, 4, x, 0, x, 0, x, 0,
                new boolean[5], new float[24], 0, new float[6], 0));
        assertTrue(mask.getMessage().contains("5 entries"), mask.getMessage());
        var small = assertThrows(IllegalArgumentException.class, () -> Attention.forward(2, 1, 3, 4, x, 0, x, 0,
                new float[10], 0, null, new float[24], 0, new float[6], 0));
        assertTrue(small.getMessage().startsWith("attention v:"), small.getMessage());
    }
}
