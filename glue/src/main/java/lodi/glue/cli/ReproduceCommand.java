package lodi.glue.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import lodi.glue.experiment.BaseModel;
import lodi.glue.experiment.Experiment;
import lodi.glue.experiment.ExperimentConfig;
import lodi.glue.experiment.Grid;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code lodi reproduce}: the whole joint multi-task experiment, methods × seeds, then the results tables. */
@Command(name = "reproduce", mixinStandardHelpOptions = true,
        description = {"Run the joint SST-2 + QNLI + MRPC experiment: pretrain (or load) the base once, fine-tune it with "
                + "every method and seed, and collect the results tables. Finished runs are skipped and an "
                + "interrupted run resumes from its last checkpoint, so running it again continues where it stopped; a "
                + "run folder made with other settings stops it with an error naming the setting."})
public final class ReproduceCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Mixin
    private ExperimentOptions options;

    @Option(names = "--methods", split = ",", paramLabel = "METHOD",
            description = "Methods, comma-separated: full_ft, bitfit, adapters, weight_lora, lora_diffusion (default: the preset's).")
    private List<String> methods;

    @Option(names = "--seeds", split = ",", paramLabel = "SEED", description = "Seeds, comma-separated (default: the preset's, 42-46).")
    private List<Integer> seeds;

    @Override
    public Integer call() throws Exception {
        List<String> extra = new ArrayList<>();
        if (methods != null) {
            extra.add("training.methods=" + String.join(",", methods));
        }
        if (seeds != null) {
            extra.add("training.seeds=" + seeds.stream().map(String::valueOf).collect(Collectors.joining(",")));
        }
        ExperimentConfig config = options.config(extra);
        PrintWriter out = spec.commandLine().getOut();
        long start = System.nanoTime();
        Experiment experiment = ExperimentSetup.announce(config, out);
        BaseModel base = BaseModel.locate(experiment, options.cacheRoot());
        Grid.requireFoldersMatch(experiment, base, config.training().parsedMethods(), config.training().seeds(),
                options.runsRoot());
        base.prepare(experiment, out);
        Grid.run(experiment, base, config.training().parsedMethods(), config.training().seeds(), options.runsRoot(), out);
        CollectCommand.writeTables(options.runsRoot(), options.outputs(), out);
        out.printf(java.util.Locale.ROOT, "reproduce: %.0f s in all%s%n", (System.nanoTime() - start) / 1e9,
                experiment.data().synthetic() ? " (SYNTHETIC data: these numbers are not GLUE results)" : "");
        out.flush();
        return 0;
    }
}
