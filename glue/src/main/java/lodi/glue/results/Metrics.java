package lodi.glue.results;

import lodi.glue.data.Task;

/**
 * The names of the evaluation's metrics, as they appear in {@code final_eval_metrics}, {@code
 * evaluation_history.json} and {@code base_metrics.json}: one place, so that the evaluator that writes them and
 * every reader agree. Accuracies are fractions; {@code loss} is the mean cross-entropy at the masked positions.
 */
public final class Metrics {
    /** Token-level denoising accuracy at the masked response positions. */
    public static final String TOKEN_ACCURACY = "accuracy";
    public static final String LOSS = "loss";
    /** The generated response is the gold label word exactly. */
    public static final String GENERATION_ACCURACY = "generation_accuracy";
    /** The share of generated responses that are no label word. */
    public static final String GENERATION_INVALID = "generation_invalid";
    /** Candidate scoring: the most likely label word is the gold one. */
    public static final String SCORED_ACCURACY = "scored_accuracy";
    /** The published experiment's own token-level metric. */
    public static final String REFERENCE_TOKEN_ACCURACY = "reference_token_accuracy";
    public static final String MRPC_GENERATION_F1 = "mrpc_generation_f1";
    public static final String MRPC_SCORED_F1 = "mrpc_scored_f1";

    private Metrics() {
    }

    public static String tokenAccuracy(Task task) {
        return task.shortName() + "_accuracy";
    }

    public static String generationAccuracy(Task task) {
        return task.shortName() + "_generation_accuracy";
    }

    public static String scoredAccuracy(Task task) {
        return task.shortName() + "_scored_accuracy";
    }
}
