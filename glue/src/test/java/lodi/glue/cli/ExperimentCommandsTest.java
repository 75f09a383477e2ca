package lodi.glue.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Usage errors of the experiment commands: one line on stderr, exit code 2. */
class ExperimentCommandsTest {
    private static String[] run(int expectedCode, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        var cli = Lodi.commandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        assertEquals(expectedCode, cli.execute(args), err.toString());
        return new String[] {out.toString(), err.toString()};
    }

    private static String oneLine(String text) {
        assertEquals(1, text.strip().lines().count(), text);
        return text.strip();
    }

    @Test
    void usageErrorsAreOneLineWithExitCodeTwo() {
        assertTrue(oneLine(run(2, "train", "--method", "lora")[1])
                .contains("unknown method 'lora'; valid methods: full_ft, bitfit, adapters, weight_lora, lora_diffusion"));
        assertTrue(oneLine(run(2, "reproduce", "--preset", "quick")[1])
                .contains("unknown preset 'quick'; valid presets: smoke, demo, cpu, minilm, paper"));
        assertTrue(oneLine(run(2, "reproduce", "--preset", "cpu", "--vocab", "vocab.txt")[1]).contains("pass --glue-dir DIR"));
        assertTrue(oneLine(run(2, "reproduce", "--set", "training.rate=1")[1]).contains("unknown setting 'training.rate'; valid keys under training: steps"));
        assertTrue(oneLine(run(2, "reproduce", "--preset", "smoke", "--methods", "full_ft,adaptors")[1])
                .contains("unknown method 'adaptors'"));
        assertTrue(oneLine(run(2, "generate", "--run", "x", "--task", "qnli", "who?")[1]).contains("pass --text-b"));
    }

    @Test
    void everyExperimentCommandHasHelp() {
        for (String command : new String[] {"reproduce", "train", "eval", "pretrain", "generate", "predict", "report", "collect"}) {
            String help = run(0, command, "--help")[0];
            assertTrue(help.contains("Usage: lodi " + command), help);
        }
        assertTrue(run(0, "reproduce", "--help")[0].contains("--set=KEY=VALUE"));
    }

    /** A shape error inside the engine is lodi's defect (exit 1, said so, with the trace); a bad name is the user's. */
    @Test
    void engineErrorsAreDefectsAndUserErrorsAreNot() {
        IllegalArgumentException shape = new IllegalArgumentException("matmul: [3, 4] x [5, 6]");
        shape.setStackTrace(new StackTraceElement[] {new StackTraceElement("lodi.tensor.Gemm", "sgemm", "Gemm.java", 1)});
        StringWriter err = new StringWriter();
        assertEquals(1, Lodi.report(shape, new PrintWriter(err)));
        assertTrue(err.toString().startsWith("lodi: internal error (a defect in lodi"), err.toString());
        assertTrue(err.toString().contains("at lodi.tensor.Gemm.sgemm"), "the trace is shown: " + err);

        IllegalArgumentException name = new IllegalArgumentException("unknown method 'lora'");
        name.setStackTrace(new StackTraceElement[] {new StackTraceElement("lodi.peft.PeftMethod", "parse", "PeftMethod.java", 1)});
        StringWriter user = new StringWriter();
        assertEquals(2, Lodi.report(name, new PrintWriter(user)));
        assertEquals("lodi: unknown method 'lora'", user.toString().strip());

        StringWriter npe = new StringWriter();
        assertEquals(1, Lodi.report(new NullPointerException("x"), new PrintWriter(npe)));
        assertTrue(npe.toString().contains("internal error"), npe.toString());
    }

    /** A malformed engine setting in the environment stops lodi before any work: one line, exit code 2. */
    @Test
    void badEngineSettingsAreOneLineWithExitCodeTwo(@TempDir Path temp) throws Exception {
        for (var setting : Map.of("LODI_BUFFERS", "sometimes", "LODI_THREADS", "zero").entrySet()) {
            Path log = temp.resolve(setting.getKey() + ".log");
            LodiProcess lodi = LodiProcess.start(temp, log, Map.of(setting.getKey(), setting.getValue()), "bench", "step");
            assertEquals(2, lodi.waitFor(), lodi.output());
            String line = oneLine(lodi.output().lines().filter(l -> !l.startsWith("WARNING")).reduce("", (a, b) -> a + b + "\n"));
            assertTrue(line.startsWith("lodi: " + setting.getKey() + " must be"), line);
            assertTrue(line.contains("'" + setting.getValue() + "'"), line);
        }
    }
}
