package lodi.glue.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import lodi.glue.cli.LodiRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** The smoke preset end to end: files and keys, the results table, skipping finished runs, re-evaluation. */
class RunsTest {
    @TempDir
    Path temp;

    /** The finished smoke full_ft run of seed 42 in {@code outputs}, asked for again with one setting changed. */
    private static LodiRun reproduceFullFtWith(Path outputs, String setting) {
        return LodiRun.of("reproduce", "--preset", "smoke", "--methods", "full_ft", "--seeds", "42",
                "--outputs", outputs.toString(), "--set", setting);
    }

    private static JsonNode json(Path file) throws IOException {
        return Presets.JSON.readTree(Files.readString(file));
    }

    @Test
    void smokeReproduceWritesEveryRunFileAndTheTableThenSkipsFinishedRuns() throws IOException {
        Path outputs = temp.resolve("outputs");
        LodiRun first = LodiRun.of("reproduce", "--preset", "smoke", "--methods", "full_ft,lora_diffusion", "--seeds", "42",
                "--outputs", outputs.toString());
        assertEquals(0, first.code(), first.err());
        for (String method : List.of("full_ft", "lora_diffusion")) {
            Path run = outputs.resolve("glue_multitask/multitask_" + method + "_seed42_frozen");
            for (String file : List.of("training_summary.json", "evaluation_history.json", "training_history.json",
                    "params.json", "config.json", "adapter_model.safetensors", "vocab.txt")) {
                assertTrue(Files.isRegularFile(run.resolve(file)), run + " lacks " + file);
            }
            assertFalse(Files.exists(run.resolve("checkpoint")), "a finished run drops its checkpoint");
            JsonNode summary = json(run.resolve("training_summary.json"));
            assertTrue(summary.path("best_metric").isNumber());
            assertEquals(40, summary.path("total_steps").intValue());
            assertTrue(summary.path("training_wall_clock_seconds").doubleValue() > 0);
            JsonNode throughput = summary.path("throughput");
            int batchSize = Presets.load("smoke", List.of()).training().batchSize();
            assertEquals(40L * batchSize, throughput.path("rows").longValue(), "rows of 40 steps");
            assertEquals(throughput.path("real_tokens").longValue(), throughput.path("positions").longValue(),
                    "packed rows: every processed position is a real token");
            assertEquals(1.0, throughput.path("real_token_share").doubleValue());
            assertEquals((double) throughput.path("positions").longValue() / throughput.path("rows").longValue(),
                    throughput.path("mean_sequence_length").doubleValue(), 1e-9);
            assertTrue(throughput.path("tokens_per_second").doubleValue() > 0
                    && throughput.path("positions_per_second").doubleValue() > 0, throughput.toString());
            JsonNode metrics = summary.path("final_eval_metrics");
            for (String key : List.of("accuracy", "generation_accuracy", "sst2_generation_accuracy", "qnli_generation_accuracy",
                    "mrpc_generation_accuracy", "mrpc_generation_f1", "sst2_accuracy", "qnli_accuracy", "mrpc_accuracy", "loss",
                    "scored_accuracy", "sst2_scored_accuracy", "qnli_scored_accuracy", "mrpc_scored_accuracy", "mrpc_scored_f1",
                    "reference_token_accuracy")) {
                assertTrue(metrics.path(key).isNumber(), key);
            }
            JsonNode history = json(run.resolve("evaluation_history.json"));
            assertEquals(List.of(20, 40), List.of(history.get(0).path("step").intValue(), history.get(1).path("step").intValue()));
            assertEquals(summary.path("best_metric").doubleValue(), Math.max(history.get(0).path("metrics").path("accuracy").doubleValue(),
                    history.get(1).path("metrics").path("accuracy").doubleValue()));
            JsonNode steps = json(run.resolve("training_history.json"));
            assertEquals(40, steps.size());
            assertTrue(steps.get(0).has("loss") && steps.get(0).has("lr") && steps.get(0).has("grad_norm"));
            JsonNode params = json(run.resolve("params.json"));
            assertEquals(method, params.path("method").asString());
            double percent = 100.0 * params.path("trainable_params").longValue() / params.path("all_params").longValue();
            assertEquals(percent, params.path("trainable_percent").doubleValue(), 1e-9);
            assertTrue(method.equals("full_ft") ? percent == 100 : percent < 100, method + " trains " + percent + "%");
            assertTrue(Files.isRegularFile(run.resolve("adapter_config.json")), run + " lacks adapter_config.json");
            JsonNode config = json(run.resolve("config.json"));
            assertTrue(config.path("data").path("synthetic").booleanValue());
            assertTrue(config.path("data").path("description").asString().startsWith("SYNTHETIC"));
        }
        JsonNode base = json(outputs.resolve("glue_multitask/base_metrics.json"));
        assertEquals("pretrained", base.path("base").path("kind").asString());
        assertTrue(base.path("data").path("synthetic").booleanValue());
        assertTrue(base.path("metrics").path("scored_accuracy").isNumber() && base.path("metrics").path("accuracy").isNumber());
        String table = Files.readString(outputs.resolve("GLUE_MULTITASK_RESULTS.md"));
        assertTrue(table.contains("| full_ft | 42 |") && table.contains("| lora_diffusion | 42 |"), table);
        assertTrue(table.contains("| base (no fine-tuning) |"), "the base alone is a row: " + table);
        assertTrue(table.toLowerCase().contains("synthetic"), "the table says the data was synthetic");
        assertTrue(first.out().contains("SYNTHETIC"), first.out());

        Path summary = outputs.resolve("glue_multitask/multitask_full_ft_seed42_frozen/training_summary.json");
        var written = Files.getLastModifiedTime(summary);
        LodiRun again = LodiRun.of("reproduce", "--preset", "smoke", "--methods", "full_ft,lora_diffusion", "--seeds", "42",
                "--outputs", outputs.toString());
        assertEquals(0, again.code(), again.err());
        assertTrue(again.out().contains("multitask_full_ft_seed42_frozen: complete, skipped"), again.out());
        assertTrue(again.out().contains("base: cached pretrained denoiser"), again.out());
        assertEquals(written, Files.getLastModifiedTime(summary));

        LodiRun reworded = reproduceFullFtWith(outputs, "description=the same settings, described in other words");
        assertEquals(0, reworded.code(), "a preset's prose is not a setting: " + reworded.err());
        assertTrue(reworded.out().contains("multitask_full_ft_seed42_frozen: complete, skipped"), reworded.out());

        LodiRun otherMethod = reproduceFullFtWith(outputs, "peft.bitfit.learning_rate=0.5");
        assertEquals(0, otherMethod.code(), "another method's settings are not full_ft's: " + otherMethod.err());
        assertTrue(otherMethod.out().contains("multitask_full_ft_seed42_frozen: complete, skipped"), otherMethod.out());

        LodiRun ownMethod = reproduceFullFtWith(outputs, "peft.full_ft.learning_rate=0.5");
        assertEquals(2, ownMethod.code(), "the run's own method's settings are part of it: " + ownMethod.out());
        assertTrue(ownMethod.err().contains("another configuration (peft.full_ft.learning_rate:"), ownMethod.err());

        LodiRun changed = reproduceFullFtWith(outputs, "training.steps=30");
        assertEquals(2, changed.code(), "a finished run of other settings is neither skipped nor mixed in: " + changed.out());
        assertTrue(changed.err().contains("another configuration (training.steps: 40 there, 30 now)"), changed.err());
        assertEquals(written, Files.getLastModifiedTime(summary));

        Path loraRun = outputs.resolve("glue_multitask/multitask_lora_diffusion_seed42_frozen");
        LodiRun eval = LodiRun.of("eval", "--run", loraRun.toString());
        assertEquals(0, eval.code(), eval.err());
        double recorded = json(loraRun.resolve("training_summary.json")).path("final_eval_metrics").path("generation_accuracy").doubleValue();
        assertTrue(eval.out().contains(String.format(java.util.Locale.ROOT, "%.2f%%", 100 * recorded)), eval.out());
    }
}
