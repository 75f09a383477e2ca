package lodi.glue.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import lodi.glue.results.ResultsTables;
import lodi.glue.results.RunReader;
import lodi.glue.results.RunRecord;
import lodi.model.io.AtomicFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code lodi collect}: the results tables from finished run folders. */
@Command(name = "collect", mixinStandardHelpOptions = true,
        description = "Collect finished runs into GLUE_MULTITASK_RESULTS.md, a LaTeX table and a CSV.")
public final class CollectCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Option(names = "--outputs", paramLabel = "DIR",
            description = "Folder holding multitask_{method}_seed{seed}_frozen run folders (default: outputs/PRESET/glue_multitask).")
    private Path outputs;

    @Option(names = "--preset", paramLabel = "NAME", defaultValue = lodi.glue.experiment.Presets.DEFAULT,
            description = "Whose default outputs folder to collect when --outputs is not given (default: ${DEFAULT-VALUE}).")
    private String preset;

    @Option(names = "--results-dir", description = "Where to write the tables (default: the parent of --outputs).")
    private Path resultsDir;

    @Override
    public Integer call() throws Exception {
        if (outputs == null) {
            lodi.glue.experiment.Presets.tree(preset); // an unknown name is an error, not an empty folder
            outputs = Path.of("outputs", preset, "glue_multitask");
        }
        Path target = resultsDir != null ? resultsDir
                : outputs.toAbsolutePath().getParent() == null ? Path.of(".") : outputs.toAbsolutePath().getParent();
        writeTables(outputs, target, spec.commandLine().getOut());
        return 0;
    }

    /** Reads the finished runs under {@code outputs}, writes the three tables into {@code target} and prints the markdown. */
    public static Path writeTables(Path outputs, Path target, PrintWriter out) throws IOException {
        List<RunRecord> runs = RunReader.readAll(outputs);
        if (runs.isEmpty()) {
            throw new Lodi.UsageException("no finished runs in " + outputs + " (run 'lodi reproduce' first)");
        }
        Files.createDirectories(target);
        String markdown = ResultsTables.markdown(runs, RunReader.readBase(outputs).orElse(null), outputs.toString());
        Path md = target.resolve("GLUE_MULTITASK_RESULTS.md");
        Path tex = target.resolve("glue_multitask_table.tex");
        Path csv = target.resolve("glue_multitask_results.csv");
        AtomicFiles.writeString(md, markdown);
        AtomicFiles.writeString(tex, ResultsTables.latex(runs));
        AtomicFiles.writeString(csv, ResultsTables.csv(runs));
        out.print(markdown);
        out.println();
        out.println("Wrote " + md + ", " + tex + " and " + csv);
        out.flush();
        return md;
    }
}
