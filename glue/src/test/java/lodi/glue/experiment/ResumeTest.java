package lodi.glue.experiment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import lodi.peft.PeftMethod;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * A run interrupted after 17 of 30 steps resumes from its step-10 checkpoint and ends bit-identical to an
 * uninterrupted run. Both runs share one JVM, so the second runs more C2-compiled code than the first: this also
 * checks that the SIMD kernels compute the same bits in every JIT tier (see lodi.tensor.VectorMath).
 */
class ResumeTest {
    @TempDir
    Path temp;

    private static JsonNode json(Path file) throws IOException {
        return Presets.JSON.readTree(Files.readString(file));
    }

    @Test
    void interruptedRunResumesBitIdentical() throws IOException {
        ExperimentConfig config = Presets.load("smoke", List.of("training.steps=30", "training.eval_every=10",
                "pretraining.steps=5"));
        StringWriter log = new StringWriter();
        PrintWriter out = new PrintWriter(log);
        Experiment experiment = Experiment.load(config, out);
        BaseModel base = BaseModel.resolve(experiment, temp.resolve("cache"), out);
        RunTrainer trainer = new RunTrainer(experiment, base, out);

        Path whole = temp.resolve("whole");
        assertTrue(trainer.run(PeftMethod.FULL_FT, 42, whole).complete());
        Path resumed = temp.resolve("resumed");
        var interrupted = trainer.run(PeftMethod.FULL_FT, 42, resumed, 17);
        assertFalse(interrupted.complete());
        assertTrue(Files.isDirectory(resumed.resolve("checkpoint")), "the step-10 checkpoint is there");
        assertTrue(new RunTrainer(experiment, base, out).run(PeftMethod.FULL_FT, 42, resumed).complete());
        assertTrue(log.toString().contains("resuming from step 10"), log.toString());

        assertEquals(json(whole.resolve("training_history.json")), json(resumed.resolve("training_history.json")));
        assertEquals(json(whole.resolve("evaluation_history.json")), json(resumed.resolve("evaluation_history.json")));
        assertArrayEquals(Files.readAllBytes(whole.resolve("adapter_model.safetensors")),
                Files.readAllBytes(resumed.resolve("adapter_model.safetensors")));
        assertEquals(json(whole.resolve("training_summary.json")).path("final_eval_metrics"),
                json(resumed.resolve("training_summary.json")).path("final_eval_metrics"));
    }
}
