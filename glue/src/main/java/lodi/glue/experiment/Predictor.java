package lodi.glue.experiment;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntConsumer;
import lodi.autograd.Autograd;
import lodi.glue.data.Example;
import lodi.glue.data.Task;
import lodi.model.TokenBatch;
import lodi.model.diffusion.MaskPredictor;
import lodi.model.sampling.CandidateScorer;
import lodi.model.sampling.SampleResult;
import lodi.model.sampling.Sampler;

/**
 * Classifies inputs with a trained model as the evaluation does: the sampler writes each response from an
 * all-[MASK] start (generation), and candidate scoring gives every label word its probability (the label words'
 * likelihoods, normalised over the task's labels).
 */
public final class Predictor {
    /**
     * One input's prediction.
     *
     * @param label       the generated label; where the response is no label word, the best-scored one
     * @param probability the scored probability of {@code label} among the task's labels
     * @param invalid     the generated response was no label word
     */
    public record Prediction(int label, double probability, boolean invalid) {
    }

    private final MaskPredictor model;
    private final Encoder encoder;
    private final Sampler sampler;
    private final int maxLength;
    private final int batchSize;

    public Predictor(MaskPredictor model, Encoder encoder, Sampler sampler, int maxLength, int batchSize) {
        this.model = model;
        this.encoder = encoder;
        this.sampler = sampler;
        this.maxLength = maxLength;
        this.batchSize = batchSize;
    }

    /** A run's model with its own sampler and lengths. */
    public static Predictor of(TrainedRun run) throws java.io.IOException {
        Encoder encoder = run.encoder();
        return new Predictor(run.model(), encoder, run.sampler(encoder, false), run.config().training().maxLength(),
                run.config().training().evalBatchSize());
    }

    /**
     * The predictions for {@code inputs} (all of {@code task}), in order; {@code afterBatch} hears how many were
     * done. Input {@code i} samples with noise keyed by {@code i}, so a prediction does not depend on the batching.
     */
    public List<Prediction> predict(Task task, List<Example> inputs, IntConsumer afterBatch) {
        List<Prediction> predictions = new ArrayList<>(inputs.size());
        int responseLength = encoder.responseLength(task);
        try (var noGrad = Autograd.noGrad()) {
            for (int from = 0; from < inputs.size(); from += batchSize) {
                List<Example> batch = inputs.subList(from, Math.min(from + batchSize, inputs.size()));
                List<int[]> prompts = batch.stream().map(encoder::prompt).toList();
                int[] lengths = new int[batch.size()];
                java.util.Arrays.fill(lengths, responseLength);
                long[] ids = new long[batch.size()];
                for (int i = 0; i < ids.length; i++) {
                    ids[i] = from + i;
                }
                SampleResult generated = sampler.sample(model,
                        TokenBatch.maskedResponses(prompts, lengths, encoder.special(), maxLength), ids);
                CandidateScorer.Scores scores = CandidateScorer.score(model, prompts, encoder.labels(task),
                        encoder.special(), maxLength, CandidateScorer.LengthNorm.SUM);
                for (int i = 0; i < batch.size(); i++) {
                    int label = encoder.labelOf(task, generated.responses()[i]);
                    boolean invalid = label < 0;
                    label = invalid ? scores.best()[i] : label;
                    predictions.add(new Prediction(label, probability(scores.logLikelihoods()[i], label), invalid));
                }
                afterBatch.accept(batch.size());
            }
        }
        return predictions;
    }

    /** softmax(logLikelihoods)[label], computed stably. */
    private static double probability(double[] logLikelihoods, int label) {
        double max = Double.NEGATIVE_INFINITY;
        for (double value : logLikelihoods) {
            max = Math.max(max, value);
        }
        double sum = 0;
        for (double value : logLikelihoods) {
            sum += Math.exp(value - max);
        }
        return Math.exp(logLikelihoods[label] - max) / sum;
    }
}
