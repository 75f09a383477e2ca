package lodi.glue.cli;

import java.io.IOException;
import java.io.PrintWriter;
import lodi.glue.experiment.Experiment;
import lodi.glue.experiment.ExperimentConfig;

/** Loads an experiment for a command and says what it is (preset, data, sizes, vocabulary). */
final class ExperimentSetup {
    private ExperimentSetup() {
    }

    static Experiment announce(ExperimentConfig config, PrintWriter out) throws IOException {
        out.println("preset " + config.preset() + ": " + config.description());
        out.flush();
        Experiment experiment = Experiment.load(config, out);
        out.println("data: " + experiment.data().description());
        int train = experiment.train().values().stream().mapToInt(java.util.List::size).sum();
        out.println("using " + train + " training examples, " + experiment.dev().size() + " validation examples; vocabulary of "
                + experiment.vocabulary().size() + " tokens (" + switch (config.vocabulary().source()) {
                    case "learnt" -> "learnt from the training texts";
                    case "minilm" -> "all-MiniLM-L6-v2's own, bert-base-uncased's WordPiece";
                    default -> config.vocabulary().file();
                } + ")");
        out.flush();
        return experiment;
    }
}
