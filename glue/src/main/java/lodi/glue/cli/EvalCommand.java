package lodi.glue.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import lodi.glue.experiment.Evaluator;
import lodi.glue.experiment.Experiment;
import lodi.glue.experiment.TrainedRun;
import lodi.glue.results.Metrics;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code lodi eval --run DIR}: evaluates a finished run again and prints its metrics. */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = "Re-evaluate a finished run on its combined validation set (token-level denoising accuracy, "
                + "generation accuracy, per task, MRPC F1) and print the metrics.")
public final class EvalCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Option(names = "--run", required = true, paramLabel = "DIR", description = "A run folder (multitask_{method}_seed{seed}_frozen).")
    private Path run;

    @Option(names = "--glue-dir", paramLabel = "DIR",
            description = "Where the run's GLUE data is now, if it moved (it must be the same data: checked by content).")
    private Path glueDir;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        TrainedRun trained = TrainedRun.open(run);
        Experiment experiment = trained.experiment(glueDir, out);
        out.println(run.getFileName() + ": " + trained.method().id() + ", seed " + trained.seed() + "; data: "
                + experiment.data().description());
        out.flush();
        Evaluator evaluator = experiment.evaluator();
        Map<String, Double> metrics;
        try (Progress progress = Progress.start("eval", evaluator.size())) {
            metrics = evaluator.evaluate(trained.model(), progress);
        }
        metrics.forEach((key, value) -> out.printf(Locale.ROOT, "%-28s %s%n", key,
                key.equals(Metrics.LOSS) ? String.format(Locale.ROOT, "%.4f", value) : String.format(Locale.ROOT, "%.2f%%", 100 * value)));
        out.flush();
        return 0;
    }
}
