package lodi.model.diffusion;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import lodi.model.SpecialTokens;
import lodi.model.TokenBatch;
import org.junit.jupiter.api.Test;

class CorruptionTest {
    static final SpecialTokens SPECIAL = new SpecialTokens(0, 1, 2, 3, 4);

    static TokenBatch batch(int rows, int promptLength, int responseLength) {
        List<int[]> prompts = new ArrayList<>();
        List<int[]> responses = new ArrayList<>();
        for (int b = 0; b < rows; b++) {
            int offset = b;
            prompts.add(IntStream.range(0, promptLength).map(i -> 10 + (i + offset) % 50).toArray());
            responses.add(IntStream.range(0, responseLength).map(i -> 60 + (i * 7 + offset) % 30).toArray());
        }
        return TokenBatch.of(prompts, responses, SPECIAL, 512);
    }

    static long[] ids(int n) {
        return LongStream.range(1000, 1000 + n).toArray();
    }

    @Test
    void conditionalMasksOnlyResponsesAndReportsTargets() {
        TokenBatch clean = batch(64, 9, 5);
        Corruption.Corrupted c = Corruption.conditional(NoiseSchedule.cosine(100), SPECIAL).training(clean, ids(64), 7, 0);
        for (int i = 0; i < clean.ids().length; i++) {
            if (!clean.response()[i]) {
                assertEquals(clean.ids()[i], c.batch().ids()[i], "non-response position " + i + " changed");
            }
        }
        int n = 0;
        for (int i = 0; i < clean.ids().length; i++) {
            if (c.batch().ids()[i] == SPECIAL.mask()) {
                assertEquals(i, c.positions()[n]);
                assertEquals(clean.ids()[i], c.targets()[n]);
                float time = c.times()[clean.rowOfPositions()[i]];
                assertEquals((float) NoiseSchedule.cosine(100).elboWeight(time), c.weights()[n], 0);
                n++;
            }
        }
        assertEquals(n, c.positions().length);
    }

    @Test
    void maskingRateMatchesTheSchedule() {
        int rows = 3000;
        int length = 40;
        TokenBatch clean = batch(rows, 2, length);
        for (NoiseSchedule schedule : List.of(NoiseSchedule.linear(100), NoiseSchedule.cosine(100),
                NoiseSchedule.logLinear(1e-3, 100))) {
            Corruption.Corrupted c = Corruption.conditional(schedule, SPECIAL).training(clean, ids(rows), 11, 3);
            double masked = 0;
            double expected = 0;
            double variance = 0;
            double meanTime = 0;
            for (int b = 0; b < rows; b++) {
                meanTime += c.times()[b] / rows;
                double p = schedule.maskProbability(c.times()[b]);
                if (p < 0.15) {
                    continue; // the at-least-one rule raises the rate of nearly clean rows on purpose
                }
                for (int position : clean.responsePositions(b)) {
                    masked += c.batch().ids()[position] == SPECIAL.mask() ? 1 : 0;
                }
                expected += p * length;
                variance += p * (1 - p) * length;
            }
            assertEquals(expected, masked, 5 * Math.sqrt(variance), schedule + ": masked tokens vs Σ (1 − ᾱ_t)");
            assertEquals(0.5, meanTime, 0.02, schedule + ": times uniform over the schedule's range");
        }
    }

    @Test
    void everyExampleGetsAtLeastOneMask() {
        int rows = 2000;
        TokenBatch clean = batch(rows, 3, 2);
        Corruption.Corrupted c = Corruption.conditional(NoiseSchedule.cosine(100), SPECIAL).training(clean, ids(rows), 5, 0);
        int[] perRow = new int[rows];
        int[] rowOf = clean.rowOfPositions();
        for (int position : c.positions()) {
            perRow[rowOf[position]]++;
        }
        assertTrue(Arrays.stream(perRow).allMatch(k -> k >= 1), "a row with no masked token");
    }

    @Test
    void evaluationDependsOnlyOnTheExampleId() {
        TokenBatch clean = batch(8, 4, 6);
        Corruption corruption = Corruption.conditional(NoiseSchedule.cosine(100), SPECIAL);
        long[] exampleIds = ids(8);
        Corruption.Corrupted first = corruption.evaluation(clean, exampleIds);
        Corruption.Corrupted again = Corruption.conditional(NoiseSchedule.cosine(100), SPECIAL).evaluation(clean, exampleIds);
        assertArrayEquals(first.batch().ids(), again.batch().ids());
        assertArrayEquals(first.times(), again.times());

        // Example 1003 alone in a batch, with a longer prompt, gets the same time and response mask.
        TokenBatch alone = TokenBatch.of(List.of(new int[] {5, 6, 7, 8, 9, 10, 11}), List.of(clean.responseIds(3)),
                SPECIAL, 512);
        Corruption.Corrupted single = corruption.evaluation(alone, new long[] {1003});
        assertEquals(first.times()[3], single.times()[0]);
        assertArrayEquals(first.batch().responseIds(3), single.batch().responseIds(0));

        Corruption.Corrupted trainA = corruption.training(clean, exampleIds, 1, 0);
        Corruption.Corrupted trainB = corruption.training(clean, exampleIds, 1, 1);
        assertArrayEquals(trainA.batch().ids(), corruption.training(clean, exampleIds, 1, 0).batch().ids());
        assertFalse(Arrays.equals(trainA.times(), trainB.times()), "a new draw gives new times");
    }

    @Test
    void unconditionalNeverMasksSpecialTokens() {
        List<int[]> texts = List.of(new int[] {10, 11, 1, 12}, new int[] {13});
        TokenBatch clean = TokenBatch.plain(texts, SPECIAL, 16);
        Corruption corruption = Corruption.unconditional(NoiseSchedule.logLinear(1e-3, 10), SPECIAL);
        for (long draw = 0; draw < 50; draw++) {
            Corruption.Corrupted c = corruption.training(clean, new long[] {1, 2}, 9, draw);
            assertTrue(c.positions().length >= 2);
            for (int position : c.positions()) {
                assertFalse(SPECIAL.isSpecial(clean.ids()[position]), "masked a special token at " + position);
            }
            for (int b = 0; b < 2; b++) {
                assertEquals(1 / c.times()[b], weightOfRow(c, b, clean), 1e-3);
            }
        }
    }

    @Test
    void jointMasksPromptWordsAndEveryResponsePositionButNoOtherSpecialToken() {
        int pad = SPECIAL.pad();
        TokenBatch packed = TokenBatch.of(List.of(new int[] {10, 11, 1, 12}, new int[] {13, 14}),
                List.of(new int[] {60, pad, pad}, new int[] {61, 62, 63}), SPECIAL, 16);
        Corruption corruption = Corruption.joint(NoiseSchedule.cosine(100), SPECIAL);
        for (TokenBatch clean : List.of(packed, packed.padded(pad))) {
            boolean[] everMasked = new boolean[clean.ids().length];
            for (long draw = 0; draw < 200; draw++) {
                for (int position : corruption.training(clean, new long[] {1, 2}, 9, draw).positions()) {
                    assertTrue(clean.response()[position] || !SPECIAL.isSpecial(clean.ids()[position]),
                            "masked the special token " + clean.ids()[position] + " at " + position);
                    everMasked[position] = true;
                }
            }
            int[] rowOf = clean.rowOfPositions();
            for (int i = 0; i < clean.ids().length; i++) {
                boolean maskable = rowOf[i] >= 0 && (clean.response()[i] || !SPECIAL.isSpecial(clean.ids()[i]));
                assertEquals(maskable, everMasked[i], "position " + i + " (token " + clean.ids()[i] + ")");
            }
        }
    }

    @Test
    void jointWithAConditionalShareKeepsThatShareOfPromptsWhole() {
        TokenBatch clean = batch(2000, 12, 2);
        Corruption.Corrupted all = Corruption.joint(NoiseSchedule.linear(100), SPECIAL, 1).training(clean, ids(2000), 3, 0);
        for (int position : all.positions()) {
            assertTrue(clean.response()[position], "share 1 masked the prompt position " + position);
        }
        Corruption.Corrupted half = Corruption.joint(NoiseSchedule.linear(100), SPECIAL, 0.5).training(clean, ids(2000), 3, 0);
        boolean[] promptTouched = new boolean[2000];
        int[] rowOf = clean.rowOfPositions();
        for (int position : half.positions()) {
            promptTouched[rowOf[position]] |= !clean.response()[position];
        }
        int whole = 0;
        for (boolean touched : promptTouched) {
            whole += touched ? 0 : 1;
        }
        // a joint row keeps its prompt whole by chance only when its time is tiny, so about half the rows plus a few
        assertTrue(whole > 900 && whole < 1200, whole + " of 2000 rows kept their prompt whole");
        assertThrows(IllegalArgumentException.class, () -> Corruption.joint(NoiseSchedule.linear(100), SPECIAL, 1.5));
    }

    @Test
    void aWholeResponseShareMasksThatShareOfResponsesWholeAtTimeOneAndLeavesTheOtherRowsAsTheyWere() {
        int rows = 2000;
        TokenBatch clean = batch(rows, 6, 5);
        NoiseSchedule schedule = NoiseSchedule.cosine(100);
        Corruption.Corrupted plain = Corruption.conditional(schedule, SPECIAL).training(clean, ids(rows), 3, 9);
        Corruption.Corrupted shared = Corruption.conditional(schedule, SPECIAL, 0.3).training(clean, ids(rows), 3, 9);
        int[] maskedPerRow = new int[rows];
        int[] rowOf = clean.rowOfPositions();
        for (int position : shared.positions()) {
            assertTrue(clean.response()[position], "masked the prompt position " + position);
            maskedPerRow[rowOf[position]]++;
        }
        int whole = 0;
        for (int b = 0; b < rows; b++) {
            if (shared.times()[b] == 1f) {
                whole++;
                assertEquals(5, maskedPerRow[b], "row " + b + " at time 1 has its whole response masked");
            } else {
                // a row not drawn keeps the time and mask of the corruption without a share: same streams
                assertEquals(plain.times()[b], shared.times()[b], "row " + b);
                int from = clean.start(b);
                for (int i = from; i < from + clean.lengths()[b]; i++) {
                    assertEquals(plain.batch().ids()[i], shared.batch().ids()[i], "row " + b + " position " + i);
                }
            }
        }
        // 30% drawn, plus the few rows whose uniformly drawn time was 1 already (1 in 100)
        assertTrue(whole > 540 && whole < 700, whole + " of " + rows + " rows at time 1");
        assertThrows(IllegalArgumentException.class, () -> Corruption.conditional(schedule, SPECIAL, -0.1));
    }

    @Test
    void perRowWeightsGiveEveryRowTheSameTotal() {
        TokenBatch clean = batch(40, 7, 5);
        Corruption.Corrupted c = Corruption.conditional(NoiseSchedule.cosine(100), SPECIAL).training(clean, ids(40), 5, 2);
        float[] weights = c.perRowWeights();
        double[] total = new double[40];
        int[] count = new int[40];
        int[] rowOf = clean.rowOfPositions();
        for (int n = 0; n < weights.length; n++) {
            total[rowOf[c.positions()[n]]] += weights[n];
            count[rowOf[c.positions()[n]]]++;
        }
        for (int b = 0; b < 40; b++) {
            assertEquals(1, total[b], 1e-6, "row " + b);
        }
        // the rows differ in how many tokens they mask, so the weights are not all equal
        assertTrue(Arrays.stream(count).distinct().count() > 1, Arrays.toString(count));
    }

    private static float weightOfRow(Corruption.Corrupted c, int row, TokenBatch clean) {
        int[] rowOf = clean.rowOfPositions();
        for (int n = 0; n < c.positions().length; n++) {
            if (rowOf[c.positions()[n]] == row) {
                return c.weights()[n];
            }
        }
        throw new AssertionError("row " + row + " has no masked token");
    }

    @Test
    void aRowWithNothingToMaskIsAnError() {
        TokenBatch clean = TokenBatch.of(List.of(new int[] {10}), List.of(new int[0]), SPECIAL, 8);
        var e = assertThrows(IllegalArgumentException.class,
                () -> Corruption.conditional(NoiseSchedule.linear(10), SPECIAL).training(clean, new long[] {77}, 1, 0));
        assertTrue(e.getMessage().contains("example 77"), e.getMessage());
    }

    @Test
    void referenceMasksClsTheLabelWordAndSepButNeitherPromptNorPadding() {
        int pad = SPECIAL.pad();
        List<int[]> prompts = new ArrayList<>();
        List<int[]> responses = new ArrayList<>();
        for (int b = 0; b < 400; b++) {
            prompts.add(new int[] {10 + b % 7, 11, 12});
            responses.add(b % 2 == 0 ? new int[] {60, pad, pad} : new int[] {61, 62, 63});
        }
        TokenBatch clean = TokenBatch.of(prompts, responses, SPECIAL, 64);
        Corruption corruption = Corruption.conditional(NoiseSchedule.cosine(100), SPECIAL);
        Corruption.Corrupted c = corruption.reference(clean, ids(400));
        int cls = 0;
        int sep = 0;
        int words = 0;
        int[] rowOf = clean.rowOfPositions();
        int[] columnOf = clean.positionsInRow();
        for (int n = 0; n < c.positions().length; n++) {
            int position = c.positions()[n];
            int row = rowOf[position];
            int column = columnOf[position];
            assertEquals(clean.ids()[position], c.targets()[n]);
            assertEquals(SPECIAL.mask(), c.batch().ids()[position]);
            assertTrue(c.targets()[n] != pad, "a [PAD] is never scored");
            if (column == 0) {
                cls++;
            } else if (column == clean.lengths()[row] - 1) {
                sep++;
            } else {
                assertTrue(clean.response()[position], "only [CLS], the label word and [SEP]: column " + column);
                words++;
            }
        }
        assertTrue(cls > 50 && sep > 50 && words > 100, cls + " [CLS], " + sep + " [SEP], " + words + " label-word tokens");
        for (int i = 0; i < clean.ids().length; i++) {
            int column = columnOf[i];
            if (column > 0 && column <= 4) {
                assertEquals(clean.ids()[i], c.batch().ids()[i], "the prompt and its [SEP] stay whole");
            }
        }
        Corruption.Corrupted again = corruption.reference(clean, ids(400));
        assertArrayEquals(c.positions(), again.positions(), "a fixed seed");
        assertArrayEquals(c.times(), again.times());
    }
}
