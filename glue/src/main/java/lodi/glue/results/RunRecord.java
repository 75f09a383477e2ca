package lodi.glue.results;

import java.util.Map;

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
    public static final Map<String, String> PER_TASK_KEYS = titles("sst2_generation_accuracy", "SST-2 Acc (%)",
            "qnli_generation_accuracy", "QNLI Acc (%)", "mrpc_generation_accuracy", "MRPC Acc (%)",
            "mrpc_generation_f1", "MRPC F1 (%)", "generation_invalid", "Invalid (%)");

    /** Candidate scoring and the reference's token-level metric, in table order, with their column titles. */
    public static final Map<String, String> SCORING_KEYS = titles("scored_accuracy", "Scored (%)",
            "sst2_scored_accuracy", "SST-2 (%)", "qnli_scored_accuracy", "QNLI (%)", "mrpc_scored_accuracy", "MRPC (%)",
            "mrpc_scored_f1", "MRPC F1 (%)", "reference_token_accuracy", "Reference token acc (%)");

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
