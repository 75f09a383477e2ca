package lodi.glue.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import lodi.glue.experiment.Presets;
import lodi.model.io.AtomicFiles;
import lodi.model.io.Safetensors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Run folders under what users do to them: bad settings (nothing may be written), two processes on one folder,
 * a moved outputs folder, a disk that fills at each output file, {@code kill -9} at any moment.
 */
class RunFolderSafetyTest {
    private static final String RUN = "glue_multitask/multitask_full_ft_seed42_frozen";

    @TempDir
    Path temp;

    @AfterEach
    void restoreWrites() {
        AtomicFiles.injectFailures(file -> false);
    }

    /** A short smoke-preset run of full_ft, seed 42, into {@code outputs}. */
    private static String[] train(Path outputs, String... extra) {
        return train(outputs, 30, 10, extra);
    }

    private static String[] train(Path outputs, int steps, int evalEvery, String... extra) {
        List<String> args = new ArrayList<>(List.of("train", "--preset", "smoke", "--method", "full_ft", "--seed", "42",
                "--steps", Integer.toString(steps), "--eval-every", Integer.toString(evalEvery), "--set",
                "pretraining.steps=5", "--outputs", outputs.toString()));
        args.addAll(List.of(extra));
        return args.toArray(String[]::new);
    }

    private static byte[] adapter(Path outputs) throws IOException {
        return Files.readAllBytes(outputs.resolve(RUN).resolve("adapter_model.safetensors"));
    }

    private static String oneLine(LodiRun run) {
        assertEquals(1, run.err().strip().lines().count(), run.err());
        assertFalse(run.err().contains("\tat "), "no stack trace: " + run.err());
        return run.err().strip();
    }

    @Test
    void configurationErrorsExitTwoBeforeAnyFileIsWritten() {
        Path outputs = temp.resolve("outputs");
        String[][] cases = {
                {"--set", "peft.full_ft.learning_rate=NaN"},
                {"--set", "training.weight_decay=-0.01"},
                {"--set", "training.clip_norm=-1"},
                {"--set", "data.train_caps.sst2=-1"},
                {"--set", "pretraining.steps=0"},
                {"--glue-dir", "/nonexistent/glue"},
                {"--vocab", "/nonexistent/vocab.txt"},
                {"--skip-bad-rows"},
                {"--base", "/nonexistent/model.onnx"},
                {"--set", "training.max_length=100000"},
                {"--set", "peft.lora_diffusion.hidden_states=everywhere"},
        };
        for (String[] extra : cases) {
            LodiRun run = LodiRun.of(train(outputs, extra));
            assertEquals(2, run.code(), String.join(" ", extra) + ": " + run.err());
            String message = oneLine(run);
            assertTrue(message.startsWith("lodi: "), message);
            assertFalse(Files.exists(outputs), String.join(" ", extra) + " wrote " + outputs + " before failing");
        }
    }

    @Test
    void aClashAnywhereInTheGridStopsItBeforeAnyWork() throws IOException {
        Path outputs = temp.resolve("outputs");
        assertEquals(0, LodiRun.of(train(outputs)).code());
        List<Path> before;
        try (Stream<Path> files = Files.walk(outputs)) {
            before = files.sorted().toList();
        }
        // Another pretraining would mean another base: the grid must stop before preparing it.
        LodiRun clash = LodiRun.of("reproduce", "--preset", "smoke", "--methods", "bitfit,full_ft", "--seeds", "42",
                "--steps", "40", "--set", "pretraining.steps=6", "--outputs", outputs.toString());
        assertEquals(2, clash.code(), clash.err());
        assertTrue(oneLine(clash).contains("multitask_full_ft_seed42_frozen holds a run made with another configuration"
                + " (pretraining.steps: 5 there, 6 now)"), clash.err());
        try (Stream<Path> files = Files.walk(outputs)) {
            assertEquals(before, files.sorted().toList(), "nothing was written");
        }
    }

    @Test
    void eachPresetHasItsOwnDefaultOutputsFolder() throws Exception {
        String[] quick = {"--methods", "full_ft", "--seeds", "42", "--steps", "4", "--eval-every", "4", "--set",
                "pretraining.steps=2"};
        List<String> smoke = new ArrayList<>(List.of("reproduce", "--preset", "smoke"));
        smoke.addAll(List.of(quick));
        assertEquals(0, LodiProcess.start(temp, temp.resolve("smoke.log"), smoke.toArray(String[]::new)).waitFor(),
                Files.readString(temp.resolve("smoke.log")));
        List<String> demo = new ArrayList<>(List.of("reproduce", "--preset", "demo"));
        demo.addAll(List.of(quick));
        demo.addAll(List.of("--set", "data.synthetic_train.sst2=60", "--set", "data.synthetic_train.qnli=60",
                "--set", "data.synthetic_train.mrpc=60"));
        assertEquals(0, LodiProcess.start(temp, temp.resolve("demo.log"), demo.toArray(String[]::new)).waitFor(),
                Files.readString(temp.resolve("demo.log")));
        for (String preset : Presets.NAMES.subList(0, 2)) {
            assertTrue(Files.isRegularFile(temp.resolve("outputs").resolve(preset).resolve(RUN).resolve("training_summary.json")),
                    preset);
            assertTrue(Files.isRegularFile(temp.resolve("outputs").resolve(preset).resolve("GLUE_MULTITASK_RESULTS.md")),
                    preset);
        }
    }

    @Test
    void twoTrainersOnOneFolderGiveOneCorrectRun() throws Exception {
        Path reference = temp.resolve("reference");
        assertEquals(0, LodiRun.of(train(reference)).code());

        Path outputs = temp.resolve("outputs");
        LodiProcess first = LodiProcess.start(temp, temp.resolve("first.log"), train(outputs));
        LodiProcess second = LodiProcess.start(temp, temp.resolve("second.log"), train(outputs));
        assertEquals(0, first.waitFor(), first.output());
        assertEquals(0, second.waitFor(), second.output());
        String both = first.output() + second.output();
        assertEquals(1, count(both, "base: pretraining"), both);
        assertTrue(both.contains("is in use by pid "), both);
        assertEquals(1, count(both, "complete, skipped"), both);
        assertEquals(0, count(both, "resuming from step"), both);
        assertArrayEquals(adapter(reference), adapter(outputs), "the one run is the uninterrupted run");
    }

    @Test
    void aMovedOutputsFolderStillEvaluates() throws IOException {
        Path outputs = temp.resolve("outputs");
        assertEquals(0, LodiRun.of(train(outputs)).code());
        Path moved = temp.resolve("elsewhere");
        Files.move(outputs, moved);
        LodiRun eval = LodiRun.of("eval", "--run", moved.resolve(RUN).toString());
        assertEquals(0, eval.code(), eval.err());
        double accuracy = Presets.JSON.readTree(Files.readString(moved.resolve(RUN).resolve("training_summary.json")))
                .path("final_eval_metrics").path("accuracy").doubleValue();
        assertTrue(eval.out().contains(String.format(java.util.Locale.ROOT, "%.2f%%", 100 * accuracy)), eval.out());
    }

    @Test
    void aFailingWriteAtEachOutputFileLeavesNoTruncatedFile() throws IOException {
        Path reference = temp.resolve("reference");
        assertEquals(0, LodiRun.of(reproduce(reference)).code());
        List<String> names = List.of("model.safetensors", "weights.safetensors", "base_metrics.json", "config.json",
                "vocab.txt", "params.json", "adapter_model.safetensors", "adapter_config.json", "evaluation_history.json",
                "training_history.json", "training_summary.json", "GLUE_MULTITASK_RESULTS.md");
        for (String name : names) {
            Path outputs = temp.resolve("fail-" + name);
            AtomicFiles.injectFailures(file -> file.getFileName().toString().equals(name));
            LodiRun failed = LodiRun.of(reproduce(outputs));
            assertEquals(1, failed.code(), name + ": " + failed.out() + failed.err());
            assertTrue(oneLine(failed).contains(name + ": No space left on device"), failed.err());
            assertTrue(failed.err().contains("run the same command again"), failed.err());
            assertNoTruncatedFile(outputs, name);
            AtomicFiles.injectFailures(file -> false);
            LodiRun rerun = LodiRun.of(reproduce(outputs));
            assertEquals(0, rerun.code(), name + ": " + rerun.err());
            assertArrayEquals(adapter(reference), adapter(outputs), name + ": the rerun ends as the uninterrupted run");
        }
    }

    @Test
    void killedAnywhereItResumesToTheUninterruptedResult() throws Exception {
        Path reference = temp.resolve("reference");
        assertEquals(0, LodiRun.of(train(reference)).code());
        Path outputs = temp.resolve("outputs");
        Path run = outputs.resolve(RUN);
        java.util.Random random = new java.util.Random(2026);
        // at random moments, then as soon as a checkpoint exists, then in the final writes
        List<java.util.function.BooleanSupplier> killWhen = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            long delay = 300 + random.nextInt(2500);
            killWhen.add(new java.util.function.BooleanSupplier() {
                long start = -1;

                @Override
                public boolean getAsBoolean() {
                    start = start < 0 ? System.nanoTime() : start;
                    return (System.nanoTime() - start) / 1_000_000 >= delay;
                }
            });
        }
        killWhen.add(() -> Files.isDirectory(run.resolve("checkpoint")));
        killWhen.add(() -> Files.exists(run.resolve("adapter_model.safetensors")));
        int killed = 0;
        for (var trigger : killWhen) {
            LodiProcess process = LodiProcess.start(temp, temp.resolve("killed.log"), train(outputs));
            while (process.isAlive() && !trigger.getAsBoolean()) {
                Thread.sleep(1);
            }
            if (process.isAlive()) {
                process.kill();
                killed++;
            }
        }
        assertTrue(killed >= 3, "most kills hit a running process: " + killed);
        LodiRun last = LodiRun.of(train(outputs));
        assertEquals(0, last.code(), last.err());
        assertArrayEquals(adapter(reference), adapter(outputs));
        for (String file : List.of("evaluation_history.json", "training_history.json")) {
            assertEquals(Presets.JSON.readTree(Files.readString(reference.resolve(RUN).resolve(file))),
                    Presets.JSON.readTree(Files.readString(run.resolve(file))), file);
        }
        assertEquals(Presets.JSON.readTree(Files.readString(reference.resolve(RUN).resolve("training_summary.json")))
                        .path("final_eval_metrics"),
                Presets.JSON.readTree(Files.readString(run.resolve("training_summary.json"))).path("final_eval_metrics"));
    }

    @Test
    void damagedRunFilesAreOneLineNamingTheFile() throws IOException {
        Path outputs = temp.resolve("outputs");
        assertEquals(0, LodiRun.of(train(outputs)).code());
        Path dir = outputs.resolve(RUN);
        Path config = dir.resolve("config.json");
        String original = Files.readString(config);

        Files.writeString(config, original.substring(0, original.length() / 2));
        LodiRun truncated = LodiRun.of("eval", "--run", dir.toString());
        assertEquals(2, truncated.code());
        assertTrue(oneLine(truncated).startsWith("lodi: " + config + ": not valid JSON at line "), truncated.err());

        Files.writeString(config, "");
        LodiRun empty = LodiRun.of("eval", "--run", dir.toString());
        assertEquals(2, empty.code());
        assertTrue(oneLine(empty).contains(config + ": the file is empty (damaged)"), empty.err());
        LodiRun retrain = LodiRun.of(train(outputs));
        assertEquals(2, retrain.code());
        assertTrue(oneLine(retrain).contains(config + ": the file is empty (damaged); move the damaged run folder"),
                retrain.err());

        Files.writeString(config, original);
        Files.delete(dir.resolve("vocab.txt"));
        LodiRun noVocab = LodiRun.of("eval", "--run", dir.toString());
        assertEquals(2, noVocab.code());
        assertEquals("lodi: " + dir.resolve("vocab.txt") + ": no such file or folder", oneLine(noVocab));
    }

    @Test
    void nonFiniteWeightsAreRefused() throws IOException {
        Path outputs = temp.resolve("outputs");
        assertEquals(0, LodiRun.of(train(outputs)).code());
        Path weights = outputs.resolve(RUN).resolve("adapter_model.safetensors");
        var tensors = new java.util.TreeMap<>(Safetensors.read(weights).tensors());
        var first = tensors.firstEntry();
        first.getValue().set(3, Float.NaN);
        Safetensors.write(weights, tensors, java.util.Map.of("method", "full_ft"));
        LodiRun eval = LodiRun.of("eval", "--run", outputs.resolve(RUN).toString());
        assertEquals(2, eval.code(), eval.out());
        assertEquals("lodi: " + weights + ": tensor \"" + first.getKey() + "\" holds a non-finite value (NaN) at element 3;"
                + " the weights are damaged or come from a run that diverged: train it again", oneLine(eval));
    }

    /** A tiny GLUE folder: {@code rows} training and 6 dev rows per task, one of SST-2's training rows bad. */
    private static Path tinyGlue(Path dir, int rows) throws IOException {
        String[] words = {"great", "dull", "fun", "bad", "fine", "poor"};
        StringBuilder sst2 = new StringBuilder("sentence\tlabel\n");
        StringBuilder qnli = new StringBuilder("index\tquestion\tsentence\tlabel\n");
        StringBuilder mrpc = new StringBuilder("Quality\t#1 ID\t#2 ID\t#1 String\t#2 String\n");
        for (int i = 0; i < rows; i++) {
            String w = words[i % words.length];
            sst2.append("a ").append(w).append(" film ").append(i).append('\t').append(i % 2).append('\n');
            qnli.append(i).append("\twhat is ").append(w).append("?\tit is ").append(w).append('\t')
                    .append(i % 2 == 0 ? "entailment" : "not_entailment").append('\n');
            mrpc.append(i % 2).append('\t').append(i).append('\t').append(i + 1).append("\tit was ").append(w)
                    .append("\tit is ").append(w).append('\n');
        }
        for (var task : List.of(List.of("SST-2", sst2.toString()), List.of("QNLI", qnli.toString()),
                List.of("MRPC", mrpc.toString()))) {
            Path taskDir = Files.createDirectories(dir.resolve(task.get(0)));
            String[] lines = task.get(1).split("\n");
            String header = lines[0] + "\n";
            Files.writeString(taskDir.resolve("train.tsv"), task.get(1)
                    + (task.get(0).equals("SST-2") ? "a row without its label\n" : ""));
            Files.writeString(taskDir.resolve("dev.tsv"), header + String.join("\n", List.of(lines).subList(1, 7)) + "\n");
        }
        return dir;
    }

    @Test
    void theSameDataByAnotherPathIsTheSameRunAndMovedDataIsFoundAgain() throws Exception {
        tinyGlue(temp.resolve("glue"), 30);
        String[] real = {"--set", "data.synthetic=false", "--skip-bad-rows"};
        // relative, from the working directory of a process
        LodiProcess relative = LodiProcess.start(temp, temp.resolve("relative.log"),
                train(Path.of("outputs"), concat(real, "--glue-dir", "glue")));
        assertEquals(0, relative.waitFor(), relative.output());
        assertTrue(relative.output().contains("skipped 1 bad row"), relative.output());
        // absolute, from this process's own working directory: the same run, already complete, and the same base
        LodiRun absolute = LodiRun.of(train(temp.resolve("outputs"), concat(real, "--glue-dir",
                temp.resolve("glue").toString())));
        assertEquals(0, absolute.code(), absolute.err());
        assertTrue(absolute.out().contains("complete, skipped"), absolute.out());
        assertTrue(absolute.out().contains("base: cached pretrained denoiser"), absolute.out());
        // eval reads the data as training did (bad rows skipped) with no flag given again
        Path run = temp.resolve("outputs").resolve(RUN);
        assertEquals(0, LodiRun.of("eval", "--run", run.toString()).code());
        // the data moves: eval says so, and finds it with --glue-dir; other data is refused
        Files.move(temp.resolve("glue"), temp.resolve("glue-moved"));
        LodiRun lost = LodiRun.of("eval", "--run", run.toString());
        assertEquals(2, lost.code());
        assertTrue(oneLine(lost).contains("glue: no such directory"), lost.err());
        LodiRun found = LodiRun.of("eval", "--run", run.toString(), "--glue-dir", temp.resolve("glue-moved").toString());
        assertEquals(0, found.code(), found.err());
        tinyGlue(temp.resolve("other"), 31);
        LodiRun other = LodiRun.of("eval", "--run", run.toString(), "--glue-dir", temp.resolve("other").toString());
        assertEquals(2, other.code());
        assertTrue(oneLine(other).contains("is not the data " + run + " was trained on"), other.err());
    }

    @Test
    void aTaskLeftWithoutRowsIsRefusedBeforeAnyWork() throws IOException {
        Path glue = tinyGlue(temp.resolve("glue"), 30);
        Files.writeString(glue.resolve("SST-2/dev.tsv"), "sentence\tlabel\n");
        Path outputs = temp.resolve("outputs");
        LodiRun run = LodiRun.of(train(outputs, "--set", "data.synthetic=false", "--skip-bad-rows", "--glue-dir",
                glue.toString()));
        assertEquals(2, run.code());
        assertTrue(oneLine(run).contains("SST-2 has no validation examples"), run.err());
        assertFalse(Files.exists(outputs));
    }

    @Test
    void theCachedBaseKeepsOnlyItsModelAndGenerateShowsWhatTheModelSaw() throws IOException {
        Path outputs = temp.resolve("outputs");
        assertEquals(0, LodiRun.of(train(outputs)).code());
        try (Stream<Path> files = Files.walk(outputs.resolve("cache"))) {
            assertEquals(List.of(), files.filter(f -> f.getFileName().toString().startsWith("checkpoint")).toList(),
                    "the pretraining checkpoint is removed once the model is written");
        }
        String longText = String.join(" ", java.util.Collections.nCopies(300, "the plot is dull"));
        LodiRun generated = LodiRun.of("generate", "--run", outputs.resolve(RUN).toString(), longText);
        assertEquals(0, generated.code(), generated.err());
        String prompt = generated.out().lines().filter(l -> l.startsWith("prompt: ")).findFirst().orElseThrow();
        assertTrue(prompt.matches("prompt: .* \\[cut to \\d+ of \\d+ tokens by training.max_length 96]"), prompt);
        assertTrue(prompt.length() < longText.length() / 2, prompt);
    }

    @Test
    void theDefaultVocabularyIsFoundBesideTheProjectWhateverTheWorkingDirectory() {
        Path root = ExperimentOptions.projectRoot();
        assertTrue(root != null && Files.isRegularFile(root.resolve("lodi")), "the project root holds ./lodi: " + root);
    }

    private static String[] concat(String[] first, String... more) {
        List<String> all = new ArrayList<>(List.of(first));
        all.addAll(List.of(more));
        return all.toArray(String[]::new);
    }

    @Test
    void aStopRequestCheckpointsAtTheCurrentStepAndTheRerunResumesThere() throws Exception {
        Path reference = temp.resolve("reference");
        assertEquals(0, LodiRun.of(train(reference, 400, 100)).code());
        Path outputs = temp.resolve("outputs");
        LodiProcess process = LodiProcess.start(temp, temp.resolve("stopped.log"), train(outputs, 400, 100));
        while (process.isAlive() && !Files.isDirectory(outputs.resolve(RUN).resolve("checkpoint"))) {
            Thread.sleep(1);
        }
        Thread.sleep(300);
        assertTrue(process.isAlive(), "still training: " + process.output());
        assertEquals(143, process.terminate(), "exits as SIGTERM asks: " + process.output());
        var stopped = java.util.regex.Pattern.compile("stopped on request after step (\\d+), checkpoint saved")
                .matcher(process.output());
        assertTrue(stopped.find(), process.output());
        LodiRun resumed = LodiRun.of(train(outputs, 400, 100));
        assertEquals(0, resumed.code(), resumed.err());
        assertTrue(resumed.out().contains("resuming from step " + stopped.group(1)), resumed.out());
        assertArrayEquals(adapter(reference), adapter(outputs));
        assertEquals(Presets.JSON.readTree(Files.readString(reference.resolve(RUN).resolve("training_history.json"))),
                Presets.JSON.readTree(Files.readString(outputs.resolve(RUN).resolve("training_history.json"))));
    }

    private static String[] reproduce(Path outputs) {
        return new String[] {"reproduce", "--preset", "smoke", "--methods", "full_ft", "--seeds", "42", "--steps", "30",
                "--eval-every", "10", "--set", "pretraining.steps=5", "--outputs", outputs.toString()};
    }

    /** Every file present is whole: no temporary file, each JSON file parses, each safetensors file reads. */
    private static void assertNoTruncatedFile(Path outputs, String failing) throws IOException {
        if (!Files.exists(outputs)) {
            return;
        }
        try (Stream<Path> files = Files.walk(outputs)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                String name = file.getFileName().toString();
                assertFalse(name.endsWith(".tmp"), failing + ": left " + file);
                assertTrue(Files.size(file) > 0 || name.equals(".lock"), failing + ": empty " + file);
                if (name.endsWith(".json")) {
                    Presets.JSON.readTree(Files.readString(file));
                } else if (name.endsWith(".safetensors")) {
                    Safetensors.read(file);
                }
            }
        }
    }

    private static int count(String text, String part) {
        int n = 0;
        for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
            n++;
        }
        return n;
    }
}
