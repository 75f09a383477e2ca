package lodi.glue.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import lodi.glue.data.DataException;
import lodi.glue.data.Example;
import lodi.glue.data.GlueReader;
import lodi.glue.data.ReadReport;
import lodi.glue.data.Task;
import lodi.glue.experiment.Predictor;
import lodi.glue.experiment.TrainedRun;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code lodi predict}: classifies every line of a file with a finished run, in one process. */
@Command(name = "predict", mixinStandardHelpOptions = true,
        description = {"Classify every input of a file with a finished run's model and print one prediction per input:"
                + " its line, the label (generated; where the response is no label word, the best-scored one), the"
                + " label's scored probability, and whether the generated response was invalid.",
                "Inputs: text lines (SST-2: one sentence; QNLI and MRPC: the two texts separated by a tab), a GLUE"
                        + " .tsv of the task (its header first), or .jsonl as the GLUE reader takes it, the label"
                        + " optional. Where inputs carry labels, the accuracy is printed at the end. A bad line is an"
                        + " error naming it, as in the GLUE reader, unless --skip-bad-rows."})
public final class PredictCommand implements Callable<Integer> {
    private static final Path STANDARD_INPUT = Path.of("standard input");

    @Spec
    private CommandSpec spec;

    @Option(names = "--run", required = true, paramLabel = "DIR", description = "A run folder (multitask_{method}_seed{seed}_frozen).")
    private Path run;

    @Option(names = "--input", required = true, paramLabel = "FILE|-", description = "The inputs: a .tsv, .jsonl or text file, or - for standard input.")
    private String input;

    @Option(names = "--task", defaultValue = "sst2", paramLabel = "TASK", description = "sst2, qnli or mrpc (default: ${DEFAULT-VALUE}).")
    private String taskName;

    @Option(names = "--jsonl", description = "Read standard input as JSON lines (a file is read as JSON lines when its name ends in .jsonl).")
    private boolean jsonLines;

    @Option(names = "--json", description = "Print one JSON object per input: line, label, probability, invalid.")
    private boolean json;

    @Option(names = "--skip-bad-rows", description = "Skip bad lines (reported on stderr) instead of stopping at the first.")
    private boolean skipBadRows;

    @Override
    public Integer call() throws IOException {
        Task task = Task.parse(taskName);
        Path name = input.equals("-") ? STANDARD_INPUT : Path.of(input);
        byte[] bytes;
        try {
            bytes = input.equals("-") ? System.in.readAllBytes() : Files.readAllBytes(name);
        } catch (NoSuchFileException e) {
            throw new DataException(name + ": no such file (--input)");
        }
        GlueReader.Result read = new GlueReader(skipBadRows).readInputs(task, name, bytes,
                jsonLines || name.toString().endsWith(".jsonl"));
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        ReadReport report = read.report();
        if (report.skipped() > 0) {
            err.println(report.summary());
            err.flush();
        }
        List<Example> inputs = read.examples();
        TrainedRun trained = TrainedRun.open(run);
        Predictor predictor = Predictor.of(trained);
        List<Predictor.Prediction> predictions;
        try (Progress progress = Progress.start("predict", inputs.size())) {
            predictions = predictor.predict(task, inputs, progress::step);
        }
        int labelled = 0;
        int correct = 0;
        for (int i = 0; i < inputs.size(); i++) {
            Example example = inputs.get(i);
            Predictor.Prediction p = predictions.get(i);
            String line = example.source().substring(example.source().lastIndexOf(':') + 1);
            String label = task.labelWord(p.label());
            if (json) {
                out.printf(Locale.ROOT, "{\"line\": %s, \"label\": \"%s\", \"probability\": %.6f, \"invalid\": %b}%n",
                        line, label, p.probability(), p.invalid());
            } else {
                out.printf(Locale.ROOT, "%s\t%s\t%.6f\t%s%n", line, label, p.probability(), p.invalid() ? "invalid" : "valid");
            }
            if (example.label() != Example.NO_LABEL) {
                labelled++;
                correct += example.label() == p.label() && !p.invalid() ? 1 : 0;
            }
        }
        out.flush();
        if (labelled > 0) {
            err.printf(Locale.ROOT, "generation accuracy %.2f%% on the %d labelled inputs%n", 100.0 * correct / labelled,
                    labelled);
            err.flush();
        }
        return 0;
    }
}
