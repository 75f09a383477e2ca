package lodi.glue.experiment;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import lodi.glue.data.JsonFiles;
import lodi.glue.results.Metrics;
import lodi.glue.results.RunReader;
import lodi.model.bert.Denoiser;
import lodi.model.io.AtomicFiles;
import lodi.peft.PeftMethod;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** The methods × seeds grid of an experiment, run one after the other; complete runs are skipped. */
public final class Grid {
    private Grid() {
    }

    /**
     * Evaluates the base alone into {@code runsRoot/base_metrics.json} (unless it is there for this base and data),
     * then runs every (method, seed) into {@code runsRoot}; returns how many were trained now.
     */
    public static int run(Experiment experiment, BaseModel base, List<PeftMethod> methods, List<Integer> seeds,
                          Path runsRoot, PrintWriter out, Invocation invocation) throws IOException {
        evaluateBase(experiment, base, runsRoot, out);
        RunTrainer trainer = new RunTrainer(experiment, base, out, invocation);
        int trained = 0;
        int index = 0;
        for (PeftMethod method : methods) {
            for (int seed : seeds) {
                index++;
                out.printf("[%d/%d] ", index, methods.size() * seeds.size());
                trained += trainer.run(method, seed, RunTrainer.runDir(runsRoot, method, seed)).skipped() ? 0 : 1;
            }
        }
        return trained;
    }

    /**
     * Fails, before any work, when a run folder of the grid holds a run made with another configuration: a grid
     * stopped by its fifth run after preparing a base for minutes helps no one.
     */
    public static void requireFoldersMatch(Experiment experiment, BaseModel base, List<PeftMethod> methods,
                                           List<Integer> seeds, Path runsRoot) throws IOException {
        RunTrainer trainer = new RunTrainer(experiment, base, new PrintWriter(java.io.Writer.nullWriter()));
        for (PeftMethod method : methods) {
            for (int seed : seeds) {
                trainer.requireSameConfig(RunTrainer.runDir(runsRoot, method, seed), method, seed);
            }
        }
    }

    /**
     * The base, with no fine-tuning, through the same evaluator as every run: {@code base_metrics.json} holds
     * {@code base}, {@code data} and {@code metrics} (the keys of a run's {@code final_eval_metrics}). An existing file
     * for the same base and data is kept.
     */
    static void evaluateBase(Experiment experiment, BaseModel base, Path runsRoot, PrintWriter out) throws IOException {
        // two grids on one folder: the second waits, then finds the base evaluated
        try (FolderLock lock = FolderLock.acquire(runsRoot, out)) {
            evaluateBaseLocked(experiment, base, runsRoot, out);
        }
    }

    private static void evaluateBaseLocked(Experiment experiment, BaseModel base, Path runsRoot, PrintWriter out)
            throws IOException {
        Path file = runsRoot.resolve(RunReader.BASE_METRICS);
        ObjectNode identity = Presets.JSON.createObjectNode();
        identity.set("base", base.toJson(runsRoot));
        identity.set("data", RunTrainer.dataNode(experiment));
        if (Files.isRegularFile(file)) {
            JsonNode saved = JsonFiles.readObject(file, "delete it and run again: the base is evaluated anew");
            if (saved.path("base").equals(identity.get("base"))
                    && saved.path("data").path("fingerprint").equals(identity.path("data").path("fingerprint"))) {
                return;
            }
        }
        out.println("base: evaluating the base alone (no fine-tuning) -> " + file);
        out.flush();
        Denoiser model = base.load();
        model.eval();
        Evaluator evaluator = experiment.evaluator();
        Map<String, Double> metrics;
        try (ProgressReporter.Meter progress = experiment.progress().start("evaluate base", evaluator.size())) {
            metrics = evaluator.evaluate(model, progress);
        }
        identity.set("metrics", Presets.JSON.valueToTree(metrics));
        Files.createDirectories(runsRoot);
        AtomicFiles.writeString(file, Presets.JSON.writeValueAsString(identity));
        out.printf(Locale.ROOT, "base: token accuracy %.2f%%, generation accuracy %.2f%%, scored accuracy %.2f%%%n",
                100 * metrics.get(Metrics.TOKEN_ACCURACY), 100 * metrics.get(Metrics.GENERATION_ACCURACY), 100 * metrics.get(Metrics.SCORED_ACCURACY));
        out.flush();
    }
}
