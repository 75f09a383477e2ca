package lodi.glue.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import lodi.glue.experiment.Experiment;
import lodi.glue.experiment.ExperimentConfig;
import lodi.glue.experiment.Invocation;
import picocli.CommandLine.Model.CommandSpec;

/** Loads an experiment for a command and says what it is (preset, data, sizes, vocabulary). */
final class ExperimentSetup {
    private ExperimentSetup() {
    }

    /** This command line and the commit the code was built from ({@code .git} of the project, when there is one). */
    static Invocation invocation(CommandSpec spec) {
        return new Invocation(spec.commandLine().getParseResult().originalArgs(), gitCommit(ExperimentOptions.projectRoot()));
    }

    /** HEAD's commit, read from {@code root/.git} without running git; null when it cannot be told. */
    static String gitCommit(Path root) {
        if (root == null) {
            return null;
        }
        Path git = root.resolve(".git");
        try {
            String head = Files.readString(git.resolve("HEAD")).strip();
            if (!head.startsWith("ref: ")) {
                return head;
            }
            String ref = head.substring(5);
            Path loose = git.resolve(ref);
            if (Files.isRegularFile(loose)) {
                return Files.readString(loose).strip();
            }
            Path packed = git.resolve("packed-refs");
            if (Files.isRegularFile(packed)) {
                for (String line : Files.readAllLines(packed)) {
                    if (line.endsWith(" " + ref)) {
                        return line.substring(0, line.indexOf(' '));
                    }
                }
            }
        } catch (IOException e) {
            return null;
        }
        return null;
    }

    static Experiment announce(ExperimentConfig config, PrintWriter out) throws IOException {
        out.println("preset " + config.preset() + ": " + config.description());
        out.flush();
        Experiment experiment = Experiment.load(config, out, Progress::start);
        out.println("data: " + experiment.data().description());
        int train = experiment.train().values().stream().mapToInt(java.util.List::size).sum();
        out.println("using " + train + " training examples, " + experiment.dev().size() + " validation examples; vocabulary of "
                + experiment.vocabulary().size() + " tokens (" + switch (config.vocabulary().source()) {
                    case LEARNT -> "learnt from the training texts";
                    case MINILM -> "all-MiniLM-L6-v2's own, bert-base-uncased's WordPiece";
                    case FILE -> config.vocabulary().file();
                } + ")");
        out.flush();
        return experiment;
    }
}
