package lodi.model.sampling;

import java.util.Arrays;
import lodi.tensor.Tensor;

/** The reveals one row gets at one step: applied by {@link Denoising}, and kept for the trace. */
final class Reveals {
    private final int[] positions;
    private final int[] tokens;
    private final float[] confidences;
    private int count;

    Reveals(int capacity) {
        positions = new int[capacity];
        tokens = new int[capacity];
        confidences = new float[capacity];
    }

    void add(int position, TokenChoice.Choice choice) {
        positions[count] = position;
        tokens[count] = choice.token();
        confidences[count] = choice.confidence();
        count++;
    }

    interface Reveal {
        void reveal(int position, int token);
    }

    void forEach(Reveal action) {
        for (int i = 0; i < count; i++) {
            action.reveal(positions[i], tokens[i]);
        }
    }

    /** The trace of these reveals; {@code logitsRow} gives the row of the step's logits for a position. */
    SampleResult.TraceStep traceStep(int step, float time, int row, Tensor logits,
                                     java.util.function.IntUnaryOperator logitsRow, double perturbationNorm) {
        float[] probabilities = new float[count];
        int[][] alternatives = new int[count][];
        float[][] alternativeProbabilities = new float[count][];
        for (int i = 0; i < count; i++) {
            int r = logitsRow.applyAsInt(positions[i]);
            float[] data = logits.data();
            int base = logits.offset() + r * logits.cols();
            double logSumExp = CandidateScorer.logSumExp(logits, r);
            int keep = Math.min(SampleResult.TraceStep.ALTERNATIVES, logits.cols() - 1);
            int[] best = new int[keep];
            Arrays.fill(best, -1);
            for (int t = 0; t < logits.cols(); t++) {
                if (t == tokens[i]) {
                    continue;
                }
                // insert t among the best so far (a short sorted list: the vocabulary is scanned once)
                for (int k = 0; k < keep; k++) {
                    if (best[k] < 0 || data[base + t] > data[base + best[k]]) {
                        System.arraycopy(best, k, best, k + 1, keep - k - 1);
                        best[k] = t;
                        break;
                    }
                }
            }
            float[] bestProbabilities = new float[keep];
            for (int k = 0; k < keep; k++) {
                bestProbabilities[k] = (float) Math.exp(data[base + best[k]] - logSumExp);
            }
            probabilities[i] = (float) Math.exp(data[base + tokens[i]] - logSumExp);
            alternatives[i] = best;
            alternativeProbabilities[i] = bestProbabilities;
        }
        return new SampleResult.TraceStep(step, time, row, Arrays.copyOf(positions, count),
                Arrays.copyOf(tokens, count), Arrays.copyOf(confidences, count), probabilities, alternatives,
                alternativeProbabilities, perturbationNorm);
    }
}
