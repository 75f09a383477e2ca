package lodi.model.sampling;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import lodi.model.BigramPredictor;
import lodi.model.OraclePredictor;
import lodi.model.SpecialTokens;
import lodi.model.TokenBatch;
import lodi.model.diffusion.NoiseSchedule;
import org.junit.jupiter.api.Test;

class SamplerTest {
    static final SpecialTokens SPECIAL = new SpecialTokens(0, 1, 2, 3, 4);
    static final int VOCAB = 50;

    static List<int[]> prompts(int rows) {
        List<int[]> prompts = new ArrayList<>();
        for (int b = 0; b < rows; b++) {
            prompts.add(new int[] {10 + b % 7, 11, 12 + b % 3});
        }
        return prompts;
    }

    static int[] answers(TokenBatch batch) {
        int[] answers = new int[batch.ids().length];
        for (int i = 0; i < answers.length; i++) {
            answers[i] = 20 + i % 29;
        }
        return answers;
    }

    static float[] margins(int size, float margin) {
        float[] margins = new float[size];
        Arrays.fill(margins, margin);
        return margins;
    }

    static void assertRevealedTheOracle(TokenBatch masked, SampleResult result, int[] answers) {
        for (int i = 0; i < masked.ids().length; i++) {
            int expected = masked.response()[i] ? answers[i] : masked.ids()[i];
            assertEquals(expected, result.batch().ids()[i], "position " + i);
        }
        for (int b = 0; b < masked.batch(); b++) {
            assertArrayEquals(result.batch().responseIds(b), result.responses()[b]);
        }
    }

    /** Every masked position is revealed exactly once in the trace. */
    static void assertEachRevealedOnce(TokenBatch masked, SampleResult result) {
        List<Integer> revealed = new ArrayList<>();
        result.trace().forEach(step -> Arrays.stream(step.positions()).forEach(revealed::add));
        Collections.sort(revealed);
        List<Integer> expected = new ArrayList<>();
        for (int b = 0; b < masked.batch(); b++) {
            Arrays.stream(masked.responsePositions(b)).forEach(expected::add);
        }
        assertEquals(expected, revealed);
    }

    @Test
    void ancestralRevealsEveryResponseTokenOfRowsOfDifferentLengths() {
        TokenBatch masked = TokenBatch.maskedResponses(prompts(3), new int[] {3, 1, 4}, SPECIAL, 64);
        int[] answers = answers(masked);
        OraclePredictor oracle = new OraclePredictor(answers, margins(answers.length, 2), VOCAB, true);
        var sampler = new AncestralSampler(NoiseSchedule.cosine(20), 20, TokenChoice.greedy(), SPECIAL, 5, true);
        SampleResult result = sampler.sample(oracle, masked);
        assertRevealedTheOracle(masked, result, answers);
        assertEachRevealedOnce(masked, result);
        assertEquals(oracle.calls(), result.modelCalls());
    }

    @Test
    void ancestralRevealsAtThePosteriorRate() {
        int rows = 400;
        int length = 10;
        int[] lengths = new int[rows];
        Arrays.fill(lengths, length);
        TokenBatch masked = TokenBatch.maskedResponses(prompts(rows), lengths, SPECIAL, 64);
        int[] answers = answers(masked);
        OraclePredictor oracle = new OraclePredictor(answers, margins(answers.length, 1), VOCAB, true);
        // Linear, K = 4: a masked token stays masked with probability (k − 1)/k at step k.
        var sampler = new AncestralSampler(NoiseSchedule.linear(4), 4, TokenChoice.greedy(), SPECIAL, 9, true);
        SampleResult result = sampler.sample(oracle, masked);
        int remaining = rows * length;
        for (int k = 4; k >= 1; k--) {
            int step = k;
            int revealed = result.trace().stream().filter(s -> s.step() == step).mapToInt(s -> s.positions().length).sum();
            double p = 1.0 / k;
            assertEquals(remaining * p, revealed, 5 * Math.sqrt(remaining * p * (1 - p)) + 1e-9, "step " + k);
            remaining -= revealed;
        }
        assertEquals(0, remaining);
        assertRevealedTheOracle(masked, result, answers);
        assertEquals(4, oracle.calls(), "a time-conditioned model is called at every step");
    }

    @Test
    void aTimeBlindModelIsNotCalledAgainWhenNothingChanged() {
        TokenBatch masked = TokenBatch.maskedResponses(prompts(1), new int[] {2}, SPECIAL, 64);
        int[] answers = answers(masked);
        OraclePredictor oracle = new OraclePredictor(answers, margins(answers.length, 2), VOCAB, false);
        var sampler = new AncestralSampler(NoiseSchedule.cosine(100), 100, TokenChoice.greedy(), SPECIAL, 3, true);
        SampleResult result = sampler.sample(oracle, masked);
        assertRevealedTheOracle(masked, result, answers);
        List<SampleResult.TraceStep> trace = result.trace();
        int expectedCalls = 1;
        for (int s = 0; s < trace.size() - 1; s++) {
            expectedCalls += trace.get(s).positions().length > 0 ? 1 : 0;
        }
        assertTrue(trace.size() > 2, "with 100 steps and 2 tokens most steps reveal nothing");
        assertEquals(expectedCalls, oracle.calls());
        assertEquals(expectedCalls, result.modelCalls());
        assertTrue(oracle.calls() <= 2);
    }

    @Test
    void lowConfidenceRevealsTheMostConfidentFirstInAnEvenSplit() {
        TokenBatch masked = TokenBatch.maskedResponses(prompts(1), new int[] {5}, SPECIAL, 64);
        int[] answers = answers(masked);
        float[] margins = margins(answers.length, 0);
        int[] response = masked.responsePositions(0);
        float[] pattern = {1, 5, 3, 4, 2};
        for (int j = 0; j < 5; j++) {
            margins[response[j]] = pattern[j];
        }
        OraclePredictor oracle = new OraclePredictor(answers, margins, VOCAB, false);
        SampleResult oneByOne = new LowConfidenceSampler(5, TokenChoice.greedy(), SPECIAL, true).sample(oracle, masked);
        int[] order = oneByOne.trace().stream().mapToInt(s -> s.positions()[0]).toArray();
        assertArrayEquals(new int[] {response[1], response[3], response[2], response[4], response[0]}, order);
        SampleResult.TraceStep first = oneByOne.trace().get(0);
        assertEquals(5, first.step());
        assertEquals(1f, first.time());
        assertEquals(0, first.row());
        assertArrayEquals(new int[] {answers[response[1]]}, first.tokens());
        assertEquals((float) (Math.exp(5) / (Math.exp(5) + VOCAB - 1)), first.confidences()[0], 1e-6f);
        assertEquals(0.2f, oneByOne.trace().get(4).time(), 1e-7f);
        assertRevealedTheOracle(masked, oneByOne, answers);

        SampleResult twoSteps = new LowConfidenceSampler(2, TokenChoice.greedy(), SPECIAL, true).sample(oracle, masked);
        assertEquals(2, twoSteps.trace().size());
        assertArrayEquals(new int[] {response[1], response[3], response[2]}, twoSteps.trace().get(0).positions());
        assertArrayEquals(new int[] {response[4], response[0]}, twoSteps.trace().get(1).positions());
        assertRevealedTheOracle(masked, twoSteps, answers);
    }

    @Test
    void lowConfidenceWithACountTableGrowsTheAnswerFromTheLeft() {
        List<int[]> corpus = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            corpus.add(new int[] {3, 30, 31, 32, 3});
        }
        BigramPredictor bigrams = new BigramPredictor(corpus, VOCAB, SPECIAL.mask());
        TokenBatch masked = TokenBatch.maskedResponses(prompts(2), new int[] {3, 3}, SPECIAL, 64);
        TokenChoice labelTokens = TokenChoice.greedy().restrictedToCandidates(List.of(new int[] {30, 31, 32}));
        SampleResult result = new LowConfidenceSampler(3, labelTokens, SPECIAL, true).sample(bigrams, masked);
        assertArrayEquals(new int[] {30, 31, 32}, result.responses()[0]);
        assertArrayEquals(new int[] {30, 31, 32}, result.responses()[1]);
        int[] firstPerStep = result.trace().stream().filter(s -> s.row() == 0).mapToInt(s -> s.positions()[0]).toArray();
        assertArrayEquals(masked.responsePositions(0), firstPerStep);
    }

    @Test
    void constrainedSamplingOnlyUsesCandidateTokens() {
        float[] row = new float[VOCAB];
        row[20] = 9;
        row[30] = 3;
        row[31] = 5;
        row[32] = 4;
        TokenBatch masked = TokenBatch.maskedResponses(prompts(2), new int[] {2, 2}, SPECIAL, 64);
        var sameEverywhere = new FixedLogits(row);
        List<int[]> candidates = List.of(new int[] {30}, new int[] {31, 32});
        SampleResult free = new LowConfidenceSampler(2, TokenChoice.greedy(), SPECIAL, false).sample(sameEverywhere, masked);
        assertArrayEquals(new int[] {20, 20}, free.responses()[0]);
        assertTrue(free.trace().isEmpty(), "no trace unless asked");
        SampleResult constrained = new LowConfidenceSampler(2, TokenChoice.greedy().restrictedToCandidates(candidates),
                SPECIAL, false).sample(sameEverywhere, masked);
        assertArrayEquals(new int[] {31, 31}, constrained.responses()[0]);
        assertArrayEquals(new int[] {1, 1}, constrained.closestCandidates(candidates));
    }

    @Test
    void temperatureSamplingIsSeededAndKeyedByRow() {
        TokenBatch masked = TokenBatch.maskedResponses(prompts(3), new int[] {6, 6, 6}, SPECIAL, 64);
        var flat = new FixedLogits(new float[VOCAB]);
        var sampler = new AncestralSampler(NoiseSchedule.linear(3), 3, TokenChoice.temperature(1f, 17), SPECIAL, 17, false);
        SampleResult a = sampler.sample(flat, masked, new long[] {5, 6, 7});
        SampleResult b = sampler.sample(flat, masked, new long[] {5, 6, 7});
        assertArrayEquals(a.batch().ids(), b.batch().ids());
        TokenBatch alone = TokenBatch.maskedResponses(prompts(3).subList(1, 2), new int[] {6}, SPECIAL, 64);
        assertArrayEquals(a.responses()[1], sampler.sample(flat, alone, new long[] {6}).responses()[0],
                "a row's sample does not depend on its batch");
        var otherSeed = new AncestralSampler(NoiseSchedule.linear(3), 3, TokenChoice.temperature(1f, 18), SPECIAL, 17, false);
        assertFalse(Arrays.equals(a.batch().ids(), otherSeed.sample(flat, masked, new long[] {5, 6, 7}).batch().ids()));
    }

    @Test
    void badArgumentsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> new LowConfidenceSampler(0, TokenChoice.greedy(), SPECIAL, false));
        TokenBatch masked = TokenBatch.maskedResponses(prompts(2), new int[] {1, 1}, SPECIAL, 64);
        var sampler = new LowConfidenceSampler(2, TokenChoice.greedy(), SPECIAL, false);
        assertThrows(IllegalArgumentException.class, () -> sampler.sample(new FixedLogits(new float[VOCAB]), masked, new long[] {1}));
    }
}
