package lodi.model.sampling;

import java.util.List;
import lodi.model.TokenBatch;

/**
 * What a sampler produced.
 *
 * @param batch      the final batch, every response position revealed
 * @param responses  each row's generated response ids
 * @param modelCalls how many times the denoiser was actually called (cached steps do not count)
 * @param trace      every step's reveals, in order; empty unless tracing was asked for
 */
public record SampleResult(TokenBatch batch, int[][] responses, int modelCalls, List<TraceStep> trace) {

    /** Each row's response snapped to the nearest candidate (an index into {@code candidates}). */
    public int[] closestCandidates(List<int[]> candidates) {
        int[] closest = new int[responses.length];
        for (int b = 0; b < responses.length; b++) {
            closest[b] = CandidateScorer.closest(responses[b], candidates);
        }
        return closest;
    }

    /**
     * One row's reveals at one step.
     *
     * @param step        the sampler step, counting down from K to 1
     * @param time        the diffusion time the step denoised from
     * @param row         the batch row
     * @param positions   the flat positions revealed at this step (possibly none)
     * @param tokens      the token revealed at each
     * @param confidences the choice confidence of each
     * @param probabilities the model's probability of each revealed token (softmax of its logits)
     * @param alternatives the {@value #ALTERNATIVES} most probable other tokens at each position, best first
     * @param alternativeProbabilities their probabilities
     * @param perturbationNorm the predictor's {@code lastPerturbationNorm} for the row at this step (NaN for most)
     */
    public record TraceStep(int step, float time, int row, int[] positions, int[] tokens, float[] confidences,
                            float[] probabilities, int[][] alternatives, float[][] alternativeProbabilities,
                            double perturbationNorm) {
        /** How many alternatives a trace keeps per reveal. */
        public static final int ALTERNATIVES = 3;
    }
}
