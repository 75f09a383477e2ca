package lodi.model.sampling;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import lodi.model.SpecialTokens;
import lodi.model.TokenBatch;
import lodi.model.diffusion.MaskPredictor;
import lodi.tensor.Tensor;
import org.junit.jupiter.api.Test;

class CandidateScorerTest {
    static final SpecialTokens SPECIAL = new SpecialTokens(0, 1, 2, 3, 4);
    static final int VOCAB = 50;
    static final float MARGIN = 4;

    /** Knows each row's label and puts {@link #MARGIN} on its j-th token at the j-th response position. */
    record LabelOracle(List<int[]> candidates, int[] truth) implements MaskPredictor {
        @Override
        public Tensor logits(TokenBatch batch, float[] times, int[] positions) {
            Tensor out = Tensor.zeros(positions.length, VOCAB);
            int[] rowOf = batch.rowOfPositions();
            for (int i = 0; i < positions.length; i++) {
                int row = rowOf[positions[i]];
                int j = positions[i] - batch.responsePositions(row)[0];
                int[] label = candidates.get(truth[row]);
                if (j < label.length) {
                    out.set(i * VOCAB + label[j], MARGIN);
                }
            }
            return out;
        }

        @Override
        public int vocabSize() {
            return VOCAB;
        }

        @Override
        public boolean timeConditioned() {
            return true;
        }
    }

    @Test
    void picksTheOraclesLabelAmongCandidatesOfDifferentLengths() {
        List<int[]> candidates = List.of(new int[] {30}, new int[] {31, 32}, new int[] {33});
        int[] truth = {1, 0, 2, 1};
        List<int[]> prompts = List.of(new int[] {10}, new int[] {11, 12}, new int[] {13}, new int[] {14, 15, 16});
        var scores = CandidateScorer.score(new LabelOracle(candidates, truth), prompts, candidates, SPECIAL, 32,
                CandidateScorer.LengthNorm.SUM);
        assertArrayEquals(truth, scores.best());
        assertEquals(2, scores.modelCalls(), "one pass per distinct candidate length");
        double hit = Math.log(Math.exp(MARGIN) / (Math.exp(MARGIN) + VOCAB - 1));
        double miss = Math.log(1 / (Math.exp(MARGIN) + VOCAB - 1));
        assertEquals(2 * hit, scores.logLikelihoods()[0][1], 1e-5);
        assertEquals(miss, scores.logLikelihoods()[0][0], 1e-5);
        assertEquals(miss + Math.log(1.0 / VOCAB), scores.logLikelihoods()[1][1], 1e-5, "the second mask has no hint");
        var mean = CandidateScorer.score(new LabelOracle(candidates, truth), prompts, candidates, SPECIAL, 32,
                CandidateScorer.LengthNorm.MEAN);
        assertEquals(hit, mean.logLikelihoods()[0][1], 1e-5);
        assertArrayEquals(truth, mean.best());
    }

    @Test
    void closestCandidateByEditDistance() {
        List<int[]> candidates = List.of(new int[] {30}, new int[] {31, 32, 33}, new int[] {31, 40});
        assertEquals(0, CandidateScorer.closest(new int[] {30}, candidates));
        assertEquals(1, CandidateScorer.closest(new int[] {31, 33}, candidates), "one deletion away, ties to the first");
        assertEquals(2, CandidateScorer.closest(new int[] {31, 40, 40}, candidates));
        assertEquals(3, CandidateScorer.editDistance(new int[] {1, 2, 3}, new int[0]));
        assertEquals(2, CandidateScorer.editDistance(new int[] {1, 2, 3}, new int[] {2, 4}));
    }
}
