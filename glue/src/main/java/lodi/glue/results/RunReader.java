package lodi.glue.results;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import lodi.glue.data.JsonFiles;
import tools.jackson.databind.JsonNode;

/**
 * Reads run folders named {@code multitask_{method}_seed{seed}_frozen} the way the reference's collection
 * script does: {@code training_summary.json} first ({@code best_metric}, {@code final_eval_metrics}), else
 * {@code evaluation_history.json} (best and last {@code accuracy}). {@code params.json} adds the trainable
 * share and {@code config.json} whether the data was synthetic. {@link #readBase} reads the base's own
 * evaluation, {@code base_metrics.json}.
 */
public final class RunReader {
    private static final Pattern RUN_NAME = Pattern.compile("multitask_(.+)_seed(-?\\d+)_frozen");
    /** The base's evaluation beside the run folders. */
    public static final String BASE_METRICS = "base_metrics.json";

    private RunReader() {
    }

    /** Every complete run below {@code outputs}, sorted by method then seed. Unfinished folders are skipped. */
    public static List<RunRecord> readAll(Path outputs) throws IOException {
        if (!Files.isDirectory(outputs)) {
            throw new IllegalArgumentException("no runs folder at " + outputs + " (train some runs first, or pass --outputs)");
        }
        List<RunRecord> runs = new ArrayList<>();
        try (Stream<Path> children = Files.list(outputs)) {
            for (Path dir : children.sorted().toList()) {
                read(dir).ifPresent(runs::add);
            }
        }
        runs.sort(Comparator.comparing(RunRecord::method).thenComparingInt(RunRecord::seed));
        return runs;
    }

    /** The run in {@code dir}, or empty when the name does not match or the run has no results yet. */
    public static Optional<RunRecord> read(Path dir) throws IOException {
        Matcher name = RUN_NAME.matcher(dir.getFileName().toString());
        if (!Files.isDirectory(dir) || !name.matches()) {
            return Optional.empty();
        }
        String method = name.group(1);
        int seed = Integer.parseInt(name.group(2));
        Path summaryFile = dir.resolve("training_summary.json");
        Path historyFile = dir.resolve("evaluation_history.json");
        Double best;
        Double last;
        JsonNode finalMetrics;
        if (Files.exists(summaryFile)) {
            JsonNode summary = parse(summaryFile);
            best = number(summary.path("best_metric"));
            finalMetrics = summary.path("final_eval_metrics");
            last = number(finalMetrics.path(Metrics.TOKEN_ACCURACY));
        } else if (Files.exists(historyFile)) {
            JsonNode history = parse(historyFile);
            if (!history.isArray() || history.isEmpty()) {
                return Optional.empty();
            }
            best = null;
            last = null;
            for (JsonNode entry : history) {
                Double accuracy = number(entry.path("metrics").path(Metrics.TOKEN_ACCURACY));
                if (accuracy != null) {
                    best = best == null ? accuracy : Math.max(best, accuracy);
                    last = accuracy;
                }
            }
            finalMetrics = history.get(history.size() - 1).path("metrics");
        } else {
            return Optional.empty();
        }
        if (best == null) {
            return Optional.empty();
        }
        Map<String, Double> metrics = metrics(finalMetrics);
        Path paramsFile = dir.resolve("params.json");
        Double trainable = Files.exists(paramsFile) ? number(parse(paramsFile).path("trainable_percent")) : null;
        Double wall = Files.exists(summaryFile) ? number(parse(summaryFile).path("training_wall_clock_seconds")) : null;
        Path configFile = dir.resolve("config.json");
        boolean synthetic = Files.exists(configFile) && parse(configFile).path("data").path("synthetic").asBoolean(false);
        return Optional.of(new RunRecord(method, seed, dir.getFileName().toString(), best, last,
                number(finalMetrics.path(Metrics.GENERATION_ACCURACY)), metrics, trainable, wall, synthetic));
    }

    /**
     * The base evaluated alone ({@code base_metrics.json} in {@code outputs}) as a record named
     * {@link RunRecord#BASE} with seed 0, its token-level accuracy as best and final; empty when there is none.
     */
    public static Optional<RunRecord> readBase(Path outputs) throws IOException {
        Path file = outputs.resolve(BASE_METRICS);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        JsonNode node = parse(file);
        JsonNode metrics = node.path("metrics");
        Double accuracy = number(metrics.path(Metrics.TOKEN_ACCURACY));
        return Optional.of(new RunRecord(RunRecord.BASE, 0, BASE_METRICS, accuracy, accuracy,
                number(metrics.path(Metrics.GENERATION_ACCURACY)), metrics(metrics), null, null,
                node.path("data").path("synthetic").asBoolean(false)));
    }

    private static Map<String, Double> metrics(JsonNode finalMetrics) {
        Map<String, Double> metrics = new LinkedHashMap<>();
        for (String key : RunRecord.PER_TASK_KEYS.keySet()) {
            metrics.put(key, number(finalMetrics.path(key)));
        }
        for (String key : RunRecord.SCORING_KEYS.keySet()) {
            metrics.put(key, number(finalMetrics.path(key)));
        }
        return metrics;
    }

    private static JsonNode parse(Path file) throws IOException {
        return JsonFiles.read(file, "move the damaged run folder away (or train it again) and collect again");
    }

    private static Double number(JsonNode node) {
        return node.isNumber() ? node.doubleValue() : null;
    }
}
