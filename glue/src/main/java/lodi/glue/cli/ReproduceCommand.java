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

    @Option(names = "--emit", arity = "2", paramLabel = "slurm DIR",
            description = "Run nothing here: write Slurm job scripts for this grid into DIR (pretrain.sbatch, grid.sbatch"
                    + " with one array task per method and seed, collect.sbatch) and submit.sh, which submits them in"
                    + " order; every run is safe to preempt and requeue.")
    private List<String> emit;

    @Mixin
    private SlurmOptions slurm;

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
        if (emit != null) {
            return emitSlurm(config, out);
        }
        if (slurm.anyGiven()) {
            throw new Lodi.UsageException("--max-parallel, --time, --partition and the other job options go with"
                    + " --emit slurm DIR");
        }
        long start = System.nanoTime();
        Experiment experiment = ExperimentSetup.announce(config, out);
        BaseModel base = BaseModel.locate(experiment, options.cacheRoot());
        Grid.requireFoldersMatch(experiment, base, config.training().parsedMethods(), config.training().seeds(),
                options.runsRoot());
        base.prepare(experiment, out);
        Grid.run(experiment, base, config.training().parsedMethods(), config.training().seeds(), options.runsRoot(), out,
                ExperimentSetup.invocation(spec));
        CollectCommand.writeTables(options.runsRoot(), options.outputs(), out);
        out.printf(java.util.Locale.ROOT, "reproduce: %.0f s in all%s%n", (System.nanoTime() - start) / 1e9,
                experiment.data().synthetic() ? " (SYNTHETIC data: these numbers are not GLUE results)" : "");
        out.flush();
        return 0;
    }

    private int emitSlurm(ExperimentConfig config, PrintWriter out) throws java.io.IOException {
        if (!emit.get(0).equals("slurm")) {
            throw new Lodi.UsageException("--emit takes 'slurm DIR', got '" + emit.get(0) + "'");
        }
        java.nio.file.Path jobs = java.nio.file.Path.of(emit.get(1)).toAbsolutePath().normalize();
        java.nio.file.Path root = ExperimentOptions.projectRoot();
        if (root == null || !java.nio.file.Files.isRegularFile(root.resolve("lodi"))) {
            throw new Lodi.UsageException("--emit slurm needs lodi's project folder (with its ./lodi launcher) to write"
                    + " jobs that start it; run it through ./lodi");
        }
        var points = SlurmJobs.points(config.training().parsedMethods(), config.training().seeds());
        boolean pretrains = config.base().equals("pretrained") || config.base().equals(lodi.model.bert.MiniLm.NAME);
        var files = SlurmJobs.scripts("lodi-" + config.preset(), root.resolve("lodi"),
                java.nio.file.Path.of("").toAbsolutePath(), jobs, options.asArguments(), points, pretrains,
                slurm.settings(config.preset()));
        SlurmJobs.write(jobs, files);
        out.println("wrote " + String.join(", ", files.keySet()) + " to " + jobs + ": " + points.size()
                + " array tasks (" + config.training().methods().size() + " methods x " + config.training().seeds().size()
                + " seeds), runs into " + options.runsRoot().toAbsolutePath().normalize());
        out.println("submit them with: bash " + jobs.resolve("submit.sh"));
        out.flush();
        return 0;
    }
}
