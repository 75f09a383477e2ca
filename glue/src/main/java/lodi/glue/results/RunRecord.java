package lodi.glue.results;

import java.util.Map;
import lodi.glue.data.Task;

/**
 * One finished run's numbers as read back from its folder. Accuracies are fractions in [0, 1]; a value
 * that the run did not record is null (shown as "---").
 *
 * @param metrics   final-evaluation metrics by key: {@link #PER_TASK_KEYS} and {@link #SCORING_KEYS}
 * @param synthetic whether the run trained on lodi's built-in synthetic data rather than real GLUE
 */
public record RunRecord(String method, int seed, String runDir, Double bestTokenAccuracy, Double finalTokenAccuracy,
                        Double finalGenerationAccuracy, Map<String, Double> metrics, Double trainablePercent,
                        Double wallSeconds, boolean synthetic) {

    /** The per-task keys of {@code final_eval_metrics}, in table order, with their column titles. */
    public static final Map<String, String> PER_TASK_KEYS = titles(Metrics.generationAccuracy(Task.SST2), "SST-2 Acc (%)",
            Metrics.generationAccuracy(Task.QNLI), "QNLI Acc (%)", Metrics.generationAccuracy(Task.MRPC), "MRPC Acc (%)",
            Metrics.MRPC_GENERATION_F1, "MRPC F1 (%)", Metrics.GENERATION_INVALID, "Invalid (%)");

    /** Candidate scoring and the reference's token-level metric, in table order, with their column titles. */
    public static final Map<String, String> SCORING_KEYS = titles(Metrics.SCORED_ACCURACY, "Scored (%)",
            Metrics.scoredAccuracy(Task.SST2), "SST-2 (%)", Metrics.scoredAccuracy(Task.QNLI), "QNLI (%)",
            Metrics.scoredAccuracy(Task.MRPC), "MRPC (%)", Metrics.MRPC_SCORED_F1, "MRPC F1 (%)",
            Metrics.REFERENCE_TOKEN_ACCURACY, "Reference token acc (%)");

    /** The method name of the base evaluated alone ({@code base_metrics.json}). */
    public static final String BASE = "base (no fine-tuning)";

    private static Map<String, String> titles(String... keysAndTitles) {
        var titles = new java.util.LinkedHashMap<String, String>();
        for (int i = 0; i < keysAndTitles.length; i += 2) {
            titles.put(keysAndTitles[i], keysAndTitles[i + 1]);
        }
        return java.util.Collections.unmodifiableMap(titles);
    }
}
