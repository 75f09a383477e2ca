package lodi.glue.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import lodi.glue.data.Task;
import lodi.glue.experiment.Trajectory;
import lodi.glue.results.Evaluation;
import lodi.glue.results.Metrics;
import lodi.glue.results.ResultsTables;
import lodi.glue.results.RunRecord;

/**
 * A grid's report as one self-contained HTML page: what the grid is (preset, base, data), learning curves per
 * method (mean over seeds, the band their range), final metrics per task with error bars (mean ± sample std) and
 * the majority-class line, trainable parameters against accuracy, the runs' numbers as tables, and how a few dev
 * inputs' responses were written step by step. No script, no network: inline styles and SVG only.
 */
public final class Report {
    private static final String[] COLORS = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#17becf"};

    /**
     * Everything the page shows.
     *
     * @param heading      what the grid is: preset, base, data (a screenshot cannot be mistaken for another grid's)
     * @param synthetic    whether the data is lodi's synthetic data
     * @param runs         the finished runs
     * @param histories    each run's evaluations, by run folder name
     * @param trainingLoss each run's training loss per step (steps from 1), by run folder name
     * @param majority     the majority class's accuracy per task on the dev set (fractions)
     * @param trajectories per method, a few dev inputs' trajectories under its first seed's model
     */
    public record Data(String heading, boolean synthetic, List<RunRecord> runs, Map<String, List<Evaluation>> histories,
                       Map<String, double[]> trainingLoss, Map<Task, Double> majority,
                       Map<String, List<Trajectory>> trajectories) {
    }

    /** The size of {@link #perTaskFigure}, in pixels. */
    public static final int FIGURE_WIDTH = Svg.WIDTH;
    public static final int FIGURE_HEIGHT = Svg.HEIGHT;

    private Report() {
    }

    /** The per-task generation accuracy chart alone (the report's headline figure). */
    public static String perTaskFigure(Data data) {
        return charts(data).get("per-task-accuracy");
    }

    /**
     * Every chart of the page as SVG, by file name: {@code token-accuracy}, {@code generation-accuracy},
     * {@code scored-accuracy}, {@code loss} (learning curves), {@code per-task-accuracy}, {@code frontier}.
     */
    public static Map<String, String> charts(Data data) {
        Map<String, List<RunRecord>> byMethod = byMethod(data);
        Map<String, String> colors = colors(byMethod);
        Map<String, String> charts = new LinkedHashMap<>();
        charts.put("token-accuracy", curves("Token-level denoising accuracy (%)", Metrics.TOKEN_ACCURACY, byMethod, data, colors));
        charts.put("generation-accuracy", curves("Generation accuracy (%)", Metrics.GENERATION_ACCURACY, byMethod, data, colors));
        charts.put("scored-accuracy", curves("Scored accuracy (%)", Metrics.SCORED_ACCURACY, byMethod, data, colors));
        charts.put("loss", curves("Evaluation loss at the masked response positions", Metrics.LOSS, byMethod, data, colors));
        charts.put("training-loss", trainingLoss(byMethod, data, colors));
        charts.put("per-task-accuracy", perTask(byMethod, data.majority(), colors));
        charts.put("frontier", frontier(byMethod, colors));
        charts.values().removeIf(String::isEmpty);
        return charts;
    }

    private static Map<String, List<RunRecord>> byMethod(Data data) {
        Map<String, List<RunRecord>> byMethod = new TreeMap<>();
        data.runs().forEach(r -> byMethod.computeIfAbsent(r.method(), m -> new ArrayList<>()).add(r));
        return byMethod;
    }

    private static Map<String, String> colors(Map<String, List<RunRecord>> byMethod) {
        Map<String, String> colors = new LinkedHashMap<>();
        byMethod.keySet().forEach(m -> colors.put(m, COLORS[colors.size() % COLORS.length]));
        return colors;
    }

    public static String html(Data data) {
        Map<String, List<RunRecord>> byMethod = byMethod(data);
        Map<String, String> charts = charts(data);
        StringBuilder page = new StringBuilder("""
                <!DOCTYPE html>
                <html lang="en"><head><meta charset="utf-8"><title>lodi report</title>
                <style>
                body { font-family: sans-serif; margin: 24px; color: #222; max-width: 1320px; }
                .charts { display: flex; flex-wrap: wrap; gap: 16px; }
                table { border-collapse: collapse; margin: 8px 0 24px; font-size: 13px; }
                td, th { border: 1px solid #ccc; padding: 3px 8px; text-align: right; }
                th { background: #f3f3f3; } td:first-child, th:first-child { text-align: left; }
                .warning { background: #fff3cd; border: 1px solid #e0c36a; padding: 8px 12px; }
                .reveal { display: inline-block; padding: 1px 5px; margin: 1px; border-radius: 3px; font-family: monospace; }
                .trajectory { margin: 6px 0 14px; font-size: 13px; }
                </style></head><body>
                """);
        page.append("<h1>lodi report</h1>\n<p class=\"heading\">").append(Svg.escape(data.heading())).append("</p>\n");
        if (data.synthetic()) {
            page.append("<p class=\"warning\">SYNTHETIC data: lodi's generated GLUE-shaped examples. These numbers are"
                    + " not GLUE results.</p>\n");
        }
        page.append("<h2>Learning curves</h2>\n<div class=\"charts\">\n");
        for (String name : List.of("token-accuracy", "generation-accuracy", "scored-accuracy", "loss", "training-loss")) {
            page.append(charts.getOrDefault(name, ""));
        }
        page.append("</div>\n<h2>Final metrics</h2>\n<div class=\"charts\">\n");
        page.append(charts.getOrDefault("per-task-accuracy", "")).append(charts.getOrDefault("frontier", ""));
        page.append("</div>\n");
        page.append(summaryTable(byMethod));
        page.append(runsTable(data.runs()));
        page.append(trajectories(data.trajectories()));
        return page.append("</body></html>\n").toString();
    }

    private static String curves(String title, String key, Map<String, List<RunRecord>> byMethod, Data data,
                                 Map<String, String> colors) {
        boolean percent = !key.equals(Metrics.LOSS);
        List<Svg.Series> series = new ArrayList<>();
        byMethod.forEach((method, runs) -> {
            TreeMap<Long, List<Double>> byStep = new TreeMap<>();
            for (RunRecord run : runs) {
                for (Evaluation e : data.histories().getOrDefault(run.runDir(), List.of())) {
                    Double value = e.metrics().get(key);
                    if (value != null) {
                        byStep.computeIfAbsent(e.step(), s -> new ArrayList<>()).add(percent ? 100 * value : value);
                    }
                }
            }
            if (byStep.isEmpty()) {
                return;
            }
            int n = byStep.size();
            double[] x = new double[n];
            double[] y = new double[n];
            double[] low = new double[n];
            double[] high = new double[n];
            int i = 0;
            for (var entry : byStep.entrySet()) {
                x[i] = entry.getKey();
                y[i] = entry.getValue().stream().mapToDouble(Double::doubleValue).average().orElse(0);
                low[i] = entry.getValue().stream().mapToDouble(Double::doubleValue).min().orElse(0);
                high[i] = entry.getValue().stream().mapToDouble(Double::doubleValue).max().orElse(0);
                i++;
            }
            series.add(new Svg.Series(method, colors.get(method), x, y, low, high));
        });
        return series.isEmpty() ? "" : Svg.lines(title, "step", percent ? "%" : "loss", series);
    }

    /** The training loss against step, each method's mean over seeds in windows of up to 200 points, band = range. */
    private static String trainingLoss(Map<String, List<RunRecord>> byMethod, Data data, Map<String, String> colors) {
        List<Svg.Series> series = new ArrayList<>();
        byMethod.forEach((method, runs) -> {
            List<double[]> losses = runs.stream().map(r -> data.trainingLoss().get(r.runDir()))
                    .filter(java.util.Objects::nonNull).toList();
            int steps = losses.stream().mapToInt(l -> l.length).min().orElse(0);
            if (steps == 0) {
                return;
            }
            int window = Math.max(1, (steps + 199) / 200);
            int points = (steps + window - 1) / window;
            double[] x = new double[points];
            double[] y = new double[points];
            double[] low = new double[points];
            double[] high = new double[points];
            for (int p = 0; p < points; p++) {
                int from = p * window;
                int to = Math.min(steps, from + window);
                double mean = 0;
                low[p] = Double.POSITIVE_INFINITY;
                high[p] = Double.NEGATIVE_INFINITY;
                for (double[] loss : losses) {
                    double run = 0;
                    for (int s = from; s < to; s++) {
                        run += loss[s];
                    }
                    run /= to - from;
                    mean += run / losses.size();
                    low[p] = Math.min(low[p], run);
                    high[p] = Math.max(high[p], run);
                }
                x[p] = (from + to + 1) / 2.0;
                y[p] = mean;
            }
            series.add(new Svg.Series(method, colors.get(method), x, y, low, high));
        });
        return series.isEmpty() ? "" : Svg.lines("Training loss (mean over seeds)", "step", "loss", series);
    }

    private static String perTask(Map<String, List<RunRecord>> byMethod, Map<Task, Double> majority,
                                  Map<String, String> colors) {
        List<String> groups = new ArrayList<>();
        List<List<Svg.Bar>> bars = new ArrayList<>();
        double[] references = new double[Task.values().length];
        for (Task task : Task.values()) {
            groups.add(task.directoryName());
            List<Svg.Bar> group = new ArrayList<>();
            byMethod.forEach((method, runs) -> {
                double[] ms = meanStd(runs, r -> r.metrics().get(Metrics.generationAccuracy(task)));
                group.add(new Svg.Bar(method, colors.get(method), ms[0], ms[1]));
            });
            bars.add(group);
            references[task.ordinal()] = majority.containsKey(task) ? 100 * majority.get(task) : Double.NaN;
        }
        return Svg.bars("Generation accuracy per task (%, mean ± sd over seeds)", "%", groups, bars, references,
                "majority class");
    }

    private static String frontier(Map<String, List<RunRecord>> byMethod, Map<String, String> colors) {
        List<Svg.Point> points = new ArrayList<>();
        byMethod.forEach((method, runs) -> {
            double[] ms = meanStd(runs, RunRecord::finalGenerationAccuracy);
            Double trainable = runs.getFirst().trainablePercent();
            if (trainable != null && trainable > 0) {
                points.add(new Svg.Point(method, colors.get(method), trainable, ms[0], ms[1]));
            }
        });
        return points.isEmpty() ? "" : Svg.scatter("Trainable parameters against generation accuracy",
                "trainable parameters (%, log scale)", "generation accuracy (%)", points);
    }

    /** Mean and sample std of a metric over runs, in percent; NaN-free (missing values are left out). */
    private static double[] meanStd(List<RunRecord> runs, Function<RunRecord, Double> metric) {
        List<Double> values = runs.stream().map(metric).filter(java.util.Objects::nonNull).map(v -> 100 * v).toList();
        return values.isEmpty() ? new double[] {0, 0} : ResultsTables.meanAndSampleStd(values);
    }

    private static String summaryTable(Map<String, List<RunRecord>> byMethod) {
        StringBuilder t = new StringBuilder("<h2>By method (mean ± sd over seeds, %)</h2>\n<table class=\"summary\">"
                + "<tr><th>method</th><th>seeds</th><th>token acc. best</th><th>token acc. final</th><th>generation</th>"
                + "<th>scored</th><th>invalid</th><th>trainable</th></tr>\n");
        byMethod.forEach((method, runs) -> {
            t.append("<tr><td>").append(method).append("</td><td>").append(runs.size()).append("</td>");
            for (Function<RunRecord, Double> metric : List.<Function<RunRecord, Double>>of(RunRecord::bestTokenAccuracy,
                    RunRecord::finalTokenAccuracy, RunRecord::finalGenerationAccuracy,
                    r -> r.metrics().get(Metrics.SCORED_ACCURACY), r -> r.metrics().get(Metrics.GENERATION_INVALID))) {
                double[] ms = meanStd(runs, metric);
                t.append(String.format(Locale.ROOT, "<td>%.2f ± %.2f</td>", ms[0], ms[1]));
            }
            Double trainable = runs.getFirst().trainablePercent();
            t.append("<td>").append(trainable == null ? "---" : String.format(Locale.ROOT, "%.2f", trainable)).append("</td></tr>\n");
        });
        return t.append("</table>\n").toString();
    }

    /** Every run's numbers as in the CSV, in percent with two decimals. */
    private static String runsTable(List<RunRecord> runs) {
        StringBuilder t = new StringBuilder("<h2>Every run (%)</h2>\n<table class=\"runs\"><tr><th>method</th><th>seed</th>"
                + "<th>token acc. best</th><th>token acc. final</th><th>generation</th></tr>\n");
        for (RunRecord r : runs) {
            t.append("<tr><td>").append(r.method()).append("</td><td>").append(r.seed()).append("</td>");
            for (Double v : new Double[] {r.bestTokenAccuracy(), r.finalTokenAccuracy(), r.finalGenerationAccuracy()}) {
                t.append("<td>").append(v == null ? "---" : String.format(Locale.ROOT, "%.2f", 100 * v)).append("</td>");
            }
            t.append("</tr>\n");
        }
        return t.append("</table>\n").toString();
    }

    private static String trajectories(Map<String, List<Trajectory>> byMethod) {
        if (byMethod.isEmpty()) {
            return "";
        }
        StringBuilder t = new StringBuilder("<h2>How responses were written</h2>\n<p>Each input's response starts as"
                + " [MASK]s; the sampler reveals it step by step from time 1 to 0. Each box is one reveal: step, time,"
                + " (lora_diffusion: the phase that acted and the mean norm |dh| of its change to the hidden states),"
                + " the token and its probability (darker: surer), the next best tokens in its tooltip.</p>\n");
        byMethod.forEach((method, list) -> {
            t.append("<h3>").append(Svg.escape(method)).append("</h3>\n");
            for (Trajectory trajectory : list) {
                t.append("<div class=\"trajectory\"><b>").append(trajectory.task().directoryName()).append("</b> ")
                        .append(Svg.escape(trajectory.prompt())).append("<br>");
                for (Trajectory.Reveal r : trajectory.reveals()) {
                    int shade = (int) Math.round(255 - 155 * r.probability());
                    String alternatives = r.alternatives().stream().map(a -> String.format(Locale.ROOT, "%s (%.3f)",
                            a.token(), a.probability())).collect(java.util.stream.Collectors.joining(", "));
                    t.append(String.format(Locale.ROOT, "<span class=\"reveal\" style=\"background: rgb(%d,%d,255)\""
                                    + " title=\"next best: %s\">k=%d t=%.2f%s #%d %s %.2f</span>", shade, shade,
                            Svg.escape(alternatives), r.step(), r.time(),
                            r.phase() == null ? "" : " " + r.phase() + (r.perturbationNorm() == null ? ""
                                    : String.format(Locale.ROOT, " |dh| %.2f", r.perturbationNorm())),
                            r.position(), Svg.escape(r.token()), r.probability()));
                }
                t.append(" &rarr; <b>").append(trajectory.label() >= 0 ? trajectory.task().labelWord(trajectory.label())
                        : "invalid (" + Svg.escape(String.join(" ", trajectory.response())) + ")").append("</b></div>\n");
            }
        });
        return t.toString();
    }
}
