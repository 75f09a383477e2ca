package lodi.model.sampling;

import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import lodi.autograd.Autograd;
import lodi.model.SpecialTokens;
import lodi.model.TokenBatch;
import lodi.model.diffusion.MaskPredictor;
import lodi.tensor.Tensor;

/**
 * A cheap classifier over label words: scores each candidate response by its log-likelihood under one
 * fully masked pass and picks the best.
 *
 * <p>For a prompt and a candidate c of L tokens, the response is L [MASK]s at time 1 and the score is
 * Σ_j log softmax(logits_j)[c_j]: the mean-field likelihood of the candidate when every response token is
 * predicted at once. Candidates of different lengths are each scored with their own number of masks
 * (one model call per distinct length, shared by all candidates of that length), so a candidate is never
 * judged with padding it would not generate. Longer candidates add more (negative) terms; {@link
 * LengthNorm#MEAN} divides by L to compare per-token likelihoods instead. Ties go to the earlier candidate.
 */
public final class CandidateScorer {
    private CandidateScorer() {
    }

    /** How candidates of different lengths are compared. */
    public enum LengthNorm {
        /** Total log-likelihood. */
        SUM,
        /** Log-likelihood per token. */
        MEAN
    }

    /**
     * @param logLikelihoods [B][C] each candidate's (possibly length-normalised) score for each prompt
     * @param best           [B] the argmax candidate index per prompt
     * @param modelCalls     the number of denoiser calls (one per distinct candidate length)
     */
    public record Scores(double[][] logLikelihoods, int[] best, int modelCalls) {
    }

    /** Scores every candidate for every prompt; the prompts are truncated to fit {@code maxLength}. */
    public static Scores score(MaskPredictor model, List<int[]> prompts, List<int[]> candidates,
            SpecialTokens special, int maxLength, LengthNorm norm) {
        if (candidates.isEmpty()) {
            throw new IllegalArgumentException("candidate scoring needs at least one candidate");
        }
        int batch = prompts.size();
        double[][] scores = new double[batch][candidates.size()];
        TreeSet<Integer> lengths = new TreeSet<>();
        candidates.forEach(candidate -> lengths.add(candidate.length));
        for (int length : lengths) {
            int[] responseLengths = new int[batch];
            Arrays.fill(responseLengths, length);
            TokenBatch masked = TokenBatch.maskedResponses(prompts, responseLengths, special, maxLength);
            int[] positions = new int[batch * length];
            for (int b = 0; b < batch; b++) {
                System.arraycopy(masked.responsePositions(b), 0, positions, b * length, length);
            }
            float[] times = new float[batch];
            Arrays.fill(times, 1f);
            Tensor logits;
            try (var scope = Autograd.noGrad()) {
                logits = model.logits(masked, times, positions);
            }
            double[] logNormalisers = new double[positions.length];
            for (int row = 0; row < positions.length; row++) {
                logNormalisers[row] = logSumExp(logits, row);
            }
            for (int c = 0; c < candidates.size(); c++) {
                int[] candidate = candidates.get(c);
                if (candidate.length != length) {
                    continue;
                }
                for (int b = 0; b < batch; b++) {
                    double sum = 0;
                    for (int j = 0; j < length; j++) {
                        int row = b * length + j;
                        sum += logits.at(row, candidate[j]) - logNormalisers[row];
                    }
                    scores[b][c] = norm == LengthNorm.MEAN && length > 0 ? sum / length : sum;
                }
            }
        }
        int[] best = new int[batch];
        for (int b = 0; b < batch; b++) {
            for (int c = 1; c < candidates.size(); c++) {
                if (scores[b][c] > scores[b][best[b]]) {
                    best[b] = c;
                }
            }
        }
        return new Scores(scores, best, lengths.size());
    }

    /** The candidate nearest to {@code response} by edit distance (ties to the earlier candidate). */
    public static int closest(int[] response, List<int[]> candidates) {
        int best = -1;
        int bestDistance = Integer.MAX_VALUE;
        for (int c = 0; c < candidates.size(); c++) {
            int distance = editDistance(response, candidates.get(c));
            if (distance < bestDistance) {
                bestDistance = distance;
                best = c;
            }
        }
        if (best < 0) {
            throw new IllegalArgumentException("no candidate to snap a response to");
        }
        return best;
    }

    /** Levenshtein distance between two token sequences (unit cost insert, delete, substitute). */
    static int editDistance(int[] a, int[] b) {
        int[] previous = new int[b.length + 1];
        int[] current = new int[b.length + 1];
        for (int j = 0; j <= b.length; j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length; i++) {
            current[0] = i;
            for (int j = 1; j <= b.length; j++) {
                int substitute = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
                current[j] = Math.min(substitute, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length];
    }

    /** log Σ_v exp(logits[row, v]), computed stably. */
    static double logSumExp(Tensor logits, int row) {
        int vocab = logits.cols();
        float[] data = logits.data();
        int base = logits.offset() + row * vocab;
        double max = Double.NEGATIVE_INFINITY;
        for (int v = 0; v < vocab; v++) {
            max = Math.max(max, data[base + v]);
        }
        double sum = 0;
        for (int v = 0; v < vocab; v++) {
            sum += Math.exp(data[base + v] - max);
        }
        return max + Math.log(sum);
    }
}
