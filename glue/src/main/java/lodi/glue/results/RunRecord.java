package lodi.glue.results;

import java.util.Map;

/**
 * One finished run's numbers as read back from its folder. Accuracies are fractions in [0, 1]; a value
 * that the run did not record is null (shown as "---").
 *
 * @param perTask per-task generation metrics by key (see {@link #PER_TASK_KEYS})
 * @param synthetic whether the run trained on lodi's built-in synthetic data rather than real GLUE
 */
public record RunRecord(String method, int seed, String runDir, Double bestTokenAccuracy, Double finalTokenAccuracy,
                        Double finalGenerationAccuracy, Map<String, Double> perTask, Double trainablePercent,
                        Double wallSeconds, boolean synthetic) {

    /** The per-task keys of {@code final_eval_metrics}, in table order, with their column titles. */
    public static final Map<String, String> PER_TASK_KEYS = orderedTitles();

    private static Map<String, String> orderedTitles() {
        var titles = new java.util.LinkedHashMap<String, String>();
        titles.put("sst2_generation_accuracy", "SST-2 Acc (%)");
        titles.put("qnli_generation_accuracy", "QNLI Acc (%)");
        titles.put("mrpc_generation_accuracy", "MRPC Acc (%)");
        titles.put("mrpc_generation_f1", "MRPC F1 (%)");
        return java.util.Collections.unmodifiableMap(titles);
    }
}
