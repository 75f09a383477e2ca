package lodi.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * Fused attention (vector and scalar forms) against the naive composition, on packed and padded sequence
 * layouts. Tolerance for values and gradients: |fused − reference| ≤ 1e-4·(1 + |reference|); both are float32
 * with different summation orders and exp implementations, inputs are N(0, 1).
 */
class AttentionTest {
    private static final double TOLERANCE = 1e-4;
    private static final float UNTOUCHED = 0.5f;

    /**
     * B, H, longest sequence, Dh: odd and tiny sequences, several key blocks, head dims below, at and above a
     * vector; the last two have lengths and Dh multiples of the micro-kernel width, so the vector path reads
     * rows in place.
     */
    private static final int[][] SHAPES = {
        {1, 1, 1, 8}, {2, 3, 7, 8}, {2, 2, 33, 32}, {1, 2, 65, 64}, {3, 1, 130, 32}, {2, 2, 16, 20},
        {3, 2, 64, 32}, {2, 1, 160, 64},
    };

    private enum Layout { UNIFORM, PACKED, PADDED }

    private record Case(Sequences sequences, int heads, int headDim, float[] q, float[] k, float[] v, float[] dOut) {
        int size() {
            return sequences.end() * heads * headDim;
        }

        static Case random(int[] shape, Layout layout, long seed) {
            int batch = shape[0];
            int longest = shape[2];
            int[] lengths = new int[batch];
            for (int b = 0; b < batch; b++) {
                lengths[b] = layout == Layout.UNIFORM || b == 0 ? longest : randomLength(seed, b, longest);
            }
            Sequences sequences = switch (layout) {
                case UNIFORM, PACKED -> Sequences.packed(lengths);
                case PADDED -> Sequences.padded(longest, lengths);
            };
            return withSequences(sequences, shape[1], shape[3], seed);
        }

        static Case withSequences(Sequences sequences, int heads, int headDim, long seed) {
            int n = sequences.end() * heads * headDim;
            return new Case(sequences, heads, headDim, normal(seed, 1, n), normal(seed, 2, n), normal(seed, 3, n),
                    normal(seed, 4, n));
        }
    }

    /** Sequence 1 has length 1, sequence 2 is empty, later ones random; sequence 0 is always the longest. */
    private static int randomLength(long seed, int b, int longest) {
        return switch (b) {
            case 1 -> 1;
            case 2 -> 0;
            default -> 1 + (int) (CounterRng.uniform(seed, 9, b) * longest) % longest;
        };
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
        float[] out = filled(n, UNTOUCHED);
        float[] lse = filled(c.sequences.end() * c.heads, UNTOUCHED);
        float[] dq = filled(n, UNTOUCHED);
        float[] dk = filled(n, UNTOUCHED);
        float[] dv = filled(n, UNTOUCHED);
        if (path == Path.VECTOR) {
            AttentionVector.forward(c.sequences, c.heads, c.headDim, c.q, 0, c.k, 0, c.v, 0, out, 0, lse, 0);
            AttentionVector.backward(c.sequences, c.heads, c.headDim, c.q, 0, c.k, 0, c.v, 0, out, 0, lse, 0,
                    c.dOut, 0, dq, 0, dk, 0, dv, 0);
        } else {
            AttentionScalar.forward(c.sequences, c.heads, c.headDim, c.q, 0, c.k, 0, c.v, 0, out, 0, lse, 0);
            AttentionScalar.backward(c.sequences, c.heads, c.headDim, c.q, 0, c.k, 0, c.v, 0, out, 0, lse, 0,
                    c.dOut, 0, dq, 0, dk, 0, dv, 0);
        }
        return new Result(out, lse, dq, dk, dv);
    }

    private static Result reference(Case c) {
        int n = c.size();
        float[] out = filled(n, UNTOUCHED);
        float[] probs = new float[(int) AttentionReference.probsSize(c.sequences, c.heads)];
        float[] scratch = new float[probs.length];
        float[] dq = filled(n, UNTOUCHED);
        float[] dk = filled(n, UNTOUCHED);
        float[] dv = filled(n, UNTOUCHED);
        AttentionReference.forward(c.sequences, c.heads, c.headDim, c.q, 0, c.k, 0, c.v, 0, out, 0, probs);
        AttentionReference.backward(c.sequences, c.heads, c.headDim, c.q, 0, c.k, 0, c.v, 0, probs, c.dOut, 0,
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
            for (Layout layout : Layout.values()) {
                Case c = Case.random(shape, layout, seed++);
                Result want = reference(c);
                Result got = fused(c, path);
                String name = path + " " + Arrays.toString(shape) + " " + layout;
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
        Case c = Case.random(new int[] {4, 2, 9, 8}, Layout.PADDED, 77);
        for (Path path : Path.values()) {
            Result r = fused(c, path);
            float scale = Attention.scale(c.headDim);
            int d = c.heads * c.headDim;
            for (int b = 0; b < c.sequences.count(); b++) {
                int first = c.sequences.starts()[b];
                int length = c.sequences.lengths()[b];
                for (int h = 0; h < c.heads; h++) {
                    for (int i = 0; i < length; i++) {
                        double sum = 0;
                        for (int j = 0; j < length; j++) {
                            double dot = 0;
                            for (int x = 0; x < c.headDim; x++) {
                                dot += c.q[(first + i) * d + h * c.headDim + x] * c.k[(first + j) * d + h * c.headDim + x];
                            }
                            sum += Math.exp(dot * scale);
                        }
                        float lse = r.lse[(first + i) * c.heads + h];
                        float want = (float) Math.log(sum);
                        assertEquals(want, lse, 1e-5 * (1 + Math.abs(want)), path + " lse b=" + b + " h=" + h + " i=" + i);
                    }
                }
            }
        }
    }

    /** Padding rows and the rows of an empty sequence keep what they held and receive no gradient. */
    @Test
    void rowsOutsideEverySequenceAreNeitherReadNorWritten() {
        Case c = Case.random(new int[] {4, 2, 7, 8}, Layout.PADDED, 5);
        int d = c.heads * c.headDim;
        boolean[] inSequence = new boolean[c.sequences.end()];
        for (int b = 0; b < c.sequences.count(); b++) {
            Arrays.fill(inSequence, c.sequences.starts()[b], c.sequences.starts()[b] + c.sequences.lengths()[b], true);
        }
        Case poisoned = new Case(c.sequences, c.heads, c.headDim, c.q.clone(), c.k.clone(), c.v.clone(), c.dOut.clone());
        for (int row = 0; row < inSequence.length; row++) {
            if (!inSequence[row]) {
                for (float[] operand : new float[][] {poisoned.q, poisoned.k, poisoned.v, poisoned.dOut}) {
                    Arrays.fill(operand, row * d, (row + 1) * d, Float.NaN);
                }
            }
        }
        for (Path path : Path.values()) {
            Result clean = fused(c, path);
            Result r = fused(poisoned, path);
            assertArrayEquals(clean.out, r.out, path + " out");
            assertArrayEquals(clean.dq, r.dq, path + " dq");
            for (int row = 0; row < inSequence.length; row++) {
                if (!inSequence[row]) {
                    for (int x = row * d; x < (row + 1) * d; x++) {
                        assertEquals(UNTOUCHED, r.out[x], path + " out " + x);
                        assertEquals(UNTOUCHED, r.dq[x], path + " dq " + x);
                        assertEquals(UNTOUCHED, r.dk[x], path + " dk " + x);
                        assertEquals(UNTOUCHED, r.dv[x], path + " dv " + x);
                    }
                }
            }
        }
    }

    /** The same sequences padded or back to back give the same bits row for row: placement does not matter. */
    @Test
    void packedAndPaddedPlacementsAgreeBitwise() {
        int[] lengths = {13, 1, 0, 32, 7};
        int heads = 2;
        int headDim = 16;
        int span = 32;
        Case padded = Case.withSequences(Sequences.padded(span, lengths), heads, headDim, 21);
        Sequences packedSequences = Sequences.packed(lengths);
        int d = heads * headDim;
        float[][] operands = new float[4][packedSequences.end() * d];
        float[][] source = {padded.q, padded.k, padded.v, padded.dOut};
        for (int b = 0; b < lengths.length; b++) {
            for (int o = 0; o < 4; o++) {
                System.arraycopy(source[o], b * span * d, operands[o], packedSequences.starts()[b] * d, lengths[b] * d);
            }
        }
        Case packed = new Case(packedSequences, heads, headDim, operands[0], operands[1], operands[2], operands[3]);
        for (Path path : Path.values()) {
            Result p = fused(padded, path);
            Result q = fused(packed, path);
            for (int b = 0; b < lengths.length; b++) {
                int from = b * span * d;
                int to = packedSequences.starts()[b] * d;
                int n = lengths[b] * d;
                for (float[][] pair : new float[][][] {{p.out, q.out}, {p.dq, q.dq}, {p.dk, q.dk}, {p.dv, q.dv}}) {
                    assertArrayEquals(Arrays.copyOfRange(pair[0], from, from + n), Arrays.copyOfRange(pair[1], to, to + n),
                            path + " sequence " + b);
                }
                assertArrayEquals(Arrays.copyOfRange(p.lse, b * span * heads, (b * span + lengths[b]) * heads),
                        Arrays.copyOfRange(q.lse, packedSequences.starts()[b] * heads,
                                (packedSequences.starts()[b] + lengths[b]) * heads), path + " lse " + b);
            }
        }
    }

    @Test
    void vectorIsBitwiseIdenticalForOneAndTwoThreads() {
        int before = Parallel.threads();
        try {
            for (int[] shape : new int[][] {{4, 3, 37, 32}, {4, 2, 64, 32}}) {
                Case c = Case.random(shape, Layout.PACKED, 11);
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
        Case c = Case.random(new int[] {4, 2, 19, 16}, Layout.PACKED, 13);
        Result all = fused(c, Path.VECTOR);
        float[] dv = filled(c.size(), UNTOUCHED);
        Attention.backward(c.sequences, c.heads, c.headDim, c.q, 0, c.k, 0, c.v, 0, all.out, 0, all.lse, 0,
                c.dOut, 0, null, 0, null, 0, dv, 0);
        assertArrayEquals(all.dv, dv);
        float[] dk = filled(c.size(), UNTOUCHED);
        Attention.backward(c.sequences, c.heads, c.headDim, c.q, 0, c.k, 0, c.v, 0, all.out, 0, all.lse, 0,
                c.dOut, 0, null, 0, dk, 0, null, 0);
        assertArrayEquals(all.dk, dk);
    }

    @Test
    void badArgumentsAreNamed() {
        float[] x = new float[2 * 3 * 4];
        Sequences two = Sequences.uniform(2, 3);
        var small = assertThrows(IllegalArgumentException.class, () -> Attention.forward(two, 1, 4, x, 0, x, 0,
                new float[10], 0, new float[24], 0, new float[6], 0));
        assertTrue(small.getMessage().startsWith("attention v:"), small.getMessage());
        var lse = assertThrows(IllegalArgumentException.class, () -> Attention.forward(two, 1, 4, x, 0, x, 0,
                x, 0, new float[24], 0, new float[5], 0));
        assertTrue(lse.getMessage().startsWith("attention lse:"), lse.getMessage());
        var overlap = assertThrows(IllegalArgumentException.class,
                () -> new Sequences(new int[] {0, 2}, new int[] {3, 3}));
        assertTrue(overlap.getMessage().contains("overlaps"), overlap.getMessage());
    }
}
