package lodi.glue.results;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import lodi.glue.cli.Lodi;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CollectTest {
    @TempDir
    Path temp;

    /** Writes a run folder the way training does (training_summary.json, params.json, config.json). */
    private void writeRun(String method, int seed, double best, double last, double gen, double sst2, double trainable) throws IOException {
        Path dir = Files.createDirectories(temp.resolve("glue_multitask").resolve("multitask_" + method + "_seed" + seed + "_frozen"));
        Files.writeString(dir.resolve("training_summary.json"), String.format(Locale.ROOT, """
                {"best_metric": %s, "total_steps": 300, "training_wall_clock_seconds": %s,
                 "final_eval_metrics": {"accuracy": %s, "generation_accuracy": %s, "sst2_generation_accuracy": %s,
                   "qnli_generation_accuracy": 0.5, "mrpc_generation_accuracy": 0.625, "mrpc_generation_f1": 0.75,
                   "generation_invalid": 0.125, "scored_accuracy": %s, "sst2_scored_accuracy": %s,
                   "qnli_scored_accuracy": 0.625, "mrpc_scored_accuracy": 0.75, "mrpc_scored_f1": 0.8,
                   "reference_token_accuracy": 0.96}}
                """, best, 10.0 + seed, last, gen, sst2, gen + 0.05, sst2 + 0.05));
        Files.writeString(dir.resolve("params.json"), String.format(Locale.ROOT, "{\"trainable_percent\": %s}", trainable));
        Files.writeString(dir.resolve("config.json"), "{\"data\": {\"synthetic\": true}}");
    }

    @Test
    void tablesMatchTheGoldenFile() throws IOException {
        writeRun("lora_diffusion", 42, 0.9, 0.88, 0.8, 0.85, 3.5);
        writeRun("lora_diffusion", 43, 0.92, 0.9, 0.84, 0.95, 3.5);
        writeRun("full_ft", 42, 0.95, 0.95, 0.9, 0.9, 100);
        // An unfinished run (no results yet) and an unrelated folder are not collected.
        Files.createDirectories(temp.resolve("glue_multitask/multitask_bitfit_seed42_frozen"));
        Files.createDirectories(temp.resolve("glue_multitask/notes"));
        // The base evaluated alone is a row of the by-method tables.
        Files.writeString(temp.resolve("glue_multitask/base_metrics.json"), """
                {"base": {"kind": "pretrained", "path": "outputs/cache/base/model"}, "data": {"synthetic": true},
                 "metrics": {"accuracy": 0.6, "generation_accuracy": 0.55, "sst2_generation_accuracy": 0.7,
                   "generation_invalid": 0.25, "scored_accuracy": 0.625, "sst2_scored_accuracy": 0.75,
                   "reference_token_accuracy": 0.9}}
                """);
        Path historyOnly = Files.createDirectories(temp.resolve("glue_multitask/multitask_adapters_seed44_frozen"));
        Files.writeString(historyOnly.resolve("evaluation_history.json"), """
                [{"step": 100, "metrics": {"accuracy": 0.5, "generation_accuracy": 0.25}},
                 {"step": 200, "metrics": {"accuracy": 0.75, "generation_accuracy": 0.5}},
                 {"step": 300, "metrics": {"accuracy": 0.7, "generation_accuracy": 0.5}}]
                """);

        StringWriter out = new StringWriter();
        var cli = Lodi.commandLine();
        cli.setOut(new PrintWriter(out));
        int code = cli.execute("collect", "--outputs", temp.resolve("glue_multitask").toString(),
                "--results-dir", temp.toString());
        assertEquals(0, code);

        String golden = new String(CollectTest.class.getResourceAsStream("/collect/GLUE_MULTITASK_RESULTS.md").readAllBytes(),
                StandardCharsets.UTF_8);
        String written = Files.readString(temp.resolve("GLUE_MULTITASK_RESULTS.md"))
                .replace(temp.resolve("glue_multitask").toString(), "outputs/glue_multitask");
        assertEquals(golden, written);
        assertTrue(Files.readString(temp.resolve("glue_multitask_table.tex")).contains("LoRA-Diffusion & $91.00 \\pm 1.41$ & $82.00 \\pm 2.83$ \\\\"));
        List<String> csv = Files.readAllLines(temp.resolve("glue_multitask_results.csv"));
        assertEquals(5, csv.size());
        assertTrue(csv.get(1).startsWith("adapters,44,0.75,0.7,0.5,"), csv.get(1));
    }

    @Test
    void sampleStandardDeviationUsesNMinusOne() {
        double[] ms = ResultsTables.meanAndSampleStd(List.of(1.0, 2.0, 3.0, 4.0));
        assertEquals(2.5, ms[0], 1e-12);
        assertEquals(Math.sqrt(5.0 / 3.0), ms[1], 1e-12);
        assertEquals(0.0, ResultsTables.meanAndSampleStd(List.of(7.0))[1]);
    }

    @Test
    void noRunsIsAUsageError() {
        StringWriter err = new StringWriter();
        var cli = Lodi.commandLine();
        cli.setErr(new PrintWriter(err));
        assertEquals(Lodi.USAGE_ERROR, cli.execute("collect", "--outputs", temp.resolve("missing").toString()));
        assertTrue(err.toString().startsWith("lodi: no runs folder at"), err.toString());
        assertEquals(1, err.toString().strip().lines().count());
    }
}
