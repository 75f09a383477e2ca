package lodi.glue.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import lodi.glue.data.Example;
import lodi.glue.data.JsonFiles;
import lodi.glue.data.Task;
import lodi.glue.experiment.Encoder;
import lodi.glue.experiment.Experiment;
import lodi.glue.experiment.Presets;
import lodi.glue.experiment.TrainedRun;
import lodi.glue.experiment.Trajectory;
import lodi.glue.report.Report;
import lodi.glue.results.Evaluation;
import lodi.glue.results.RunReader;
import lodi.glue.results.RunRecord;
import lodi.model.io.AtomicFiles;
import lodi.peft.PeftModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import tools.jackson.databind.JsonNode;

/** {@code lodi report}: one self-contained HTML page of a grid's finished runs. */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = "Write report.html for a grid's finished runs: what the grid is, learning curves per method,"
                + " final metrics per task with error bars and the majority class, trainable parameters against"
                + " accuracy, the runs' numbers, and how a few dev inputs' responses were written step by step."
                + " The page needs no network: open it from disk.")
public final class ReportCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Option(names = "--preset", paramLabel = "NAME", defaultValue = Presets.DEFAULT,
            description = "Whose default outputs folder to report when --outputs is not given (default: ${DEFAULT-VALUE}).")
    private String preset;

    @Option(names = "--outputs", paramLabel = "DIR", description = "The outputs folder holding glue_multitask/ (default: outputs/PRESET).")
    private Path outputs;

    @Option(names = "--out", paramLabel = "FILE", description = "Where the page goes (default: OUTPUTS/report.html).")
    private Path out;

    @Option(names = "--screenshot", paramLabel = "FILE.png",
            description = "Also save the page as a PNG, through headless Chromium (apt-get install chromium).")
    private Path screenshot;

    @Option(names = "--figure", paramLabel = "FILE.png",
            description = "Also save the per-task accuracy chart alone as a PNG (for a README), through headless Chromium.")
    private Path figure;

    @Option(names = "--charts", paramLabel = "DIR",
            description = "Also save every chart as DIR/NAME.svg and DIR/NAME.png (PNG through headless Chromium, when installed).")
    private Path chartsDir;

    @Option(names = "--examples", paramLabel = "N", defaultValue = "2",
            description = "Dev inputs per task whose trajectories are shown, per method (default: ${DEFAULT-VALUE}; 0: none).")
    private int examples;

    @Override
    public Integer call() throws IOException {
        if (examples < 0) {
            throw new Lodi.UsageException("--examples must be 0 or more, got " + examples);
        }
        if (outputs == null) {
            Presets.tree(preset);
            outputs = Path.of("outputs", preset);
        }
        Path runsRoot = outputs.resolve("glue_multitask");
        List<RunRecord> runs = Files.isDirectory(runsRoot) ? RunReader.readAll(runsRoot) : List.of();
        if (runs.isEmpty()) {
            throw new Lodi.UsageException("no finished runs in " + runsRoot + " (run 'lodi reproduce' first, or pass --outputs)");
        }
        PrintWriter stdout = spec.commandLine().getOut();
        Map<String, List<Evaluation>> histories = new LinkedHashMap<>();
        Map<String, double[]> trainingLoss = new LinkedHashMap<>();
        for (RunRecord run : runs) {
            histories.put(run.runDir(), history(runsRoot.resolve(run.runDir()).resolve("evaluation_history.json")));
            Path steps = runsRoot.resolve(run.runDir()).resolve("training_history.json");
            if (Files.isRegularFile(steps)) {
                JsonNode array = JsonFiles.read(steps, "train the run again");
                double[] losses = new double[array.size()];
                for (int i = 0; i < losses.length; i++) {
                    losses[i] = array.get(i).path("loss").doubleValue();
                }
                trainingLoss.put(run.runDir(), losses);
            }
        }
        Path first = runsRoot.resolve(runs.getFirst().runDir());
        JsonNode config = JsonFiles.readObject(first.resolve("config.json"), "train the run again");
        TrainedRun firstRun = TrainedRun.open(first);
        Experiment experiment = firstRun.experiment(null, new PrintWriter(java.io.Writer.nullWriter()));
        String heading = "preset " + config.path("preset").asString() + ": " + config.path("description").asString()
                + " | base: " + config.path("run").path("base_model").path("kind").asString()
                + " | data: " + config.path("data").path("description").asString() + " | " + runs.size() + " runs in "
                + runsRoot;
        Map<String, List<Trajectory>> trajectories = new TreeMap<>();
        if (examples > 0) {
            Map<String, RunRecord> firstSeed = new TreeMap<>();
            runs.forEach(r -> firstSeed.putIfAbsent(r.method(), r));
            try (Progress progress = Progress.start("trajectories", firstSeed.size())) {
                for (RunRecord run : firstSeed.values()) {
                    TrainedRun trained = TrainedRun.open(runsRoot.resolve(run.runDir()));
                    PeftModel model = trained.model();
                    List<Trajectory> list = new ArrayList<>();
                    for (Task task : experiment.data().tasks()) {
                        for (Example example : experiment.data().dev(task).subList(0,
                                Math.min(examples, experiment.data().dev(task).size()))) {
                            list.add(Trajectory.of(trained, model, example));
                        }
                    }
                    trajectories.put(run.method(), list);
                    progress.step(1);
                }
            }
        }
        Report.Data data = new Report.Data(heading, experiment.data().synthetic(), runs, histories, trainingLoss,
                majority(experiment.dev()), trajectories);
        Path target = out != null ? out : outputs.resolve("report.html");
        if (target.toAbsolutePath().getParent() != null) {
            Files.createDirectories(target.toAbsolutePath().getParent());
        }
        String page = Report.html(data);
        AtomicFiles.writeString(target, page);
        stdout.println("wrote " + target + " (" + runs.size() + " runs)");
        if (screenshot != null) {
            Chromium.screenshot(target, 1320, 2400, screenshot);
            stdout.println("wrote " + screenshot);
        }
        if (figure != null) {
            chartPng(Report.perTaskFigure(data), figure);
            stdout.println("wrote " + figure);
        }
        if (chartsDir != null) {
            Files.createDirectories(chartsDir);
            boolean png = Chromium.find() != null;
            for (var chart : Report.charts(data).entrySet()) {
                AtomicFiles.writeString(chartsDir.resolve(chart.getKey() + ".svg"), chart.getValue());
                if (png) {
                    chartPng(chart.getValue(), chartsDir.resolve(chart.getKey() + ".png"));
                }
            }
            stdout.println("wrote the charts to " + chartsDir + (png ? " (SVG and PNG)" : " (SVG; PNG needs chromium)"));
        }
        stdout.flush();
        return 0;
    }

    /** One chart alone as a PNG of its own size. */
    private static void chartPng(String svg, Path png) throws IOException {
        Path alone = Files.createTempFile("lodi-chart", ".html");
        try {
            Files.writeString(alone, "<!DOCTYPE html><html><body style=\"margin:0\">" + svg + "</body></html>");
            Chromium.screenshot(alone, Report.FIGURE_WIDTH, Report.FIGURE_HEIGHT, png);
        } finally {
            Files.deleteIfExists(alone);
        }
    }

    private static List<Evaluation> history(Path file) throws IOException {
        return Files.isRegularFile(file) ? Evaluation.listOf(JsonFiles.read(file, "train the run again")) : List.of();
    }

    /** Per task, the share of dev examples whose label is the most common one. */
    private static Map<Task, Double> majority(List<Encoder.Encoded> dev) {
        Map<Task, int[]> counts = new EnumMap<>(Task.class);
        for (Encoder.Encoded e : dev) {
            counts.computeIfAbsent(e.task(), t -> new int[t.numLabels()])[e.label()]++;
        }
        Map<Task, Double> majority = new EnumMap<>(Task.class);
        counts.forEach((task, c) -> majority.put(task, (double) java.util.Arrays.stream(c).max().orElse(0)
                / java.util.Arrays.stream(c).sum()));
        return majority;
    }
}
