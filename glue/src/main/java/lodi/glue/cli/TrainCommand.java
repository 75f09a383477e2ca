package lodi.glue.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import lodi.glue.experiment.BaseModel;
import lodi.glue.experiment.Experiment;
import lodi.glue.experiment.ExperimentConfig;
import lodi.glue.experiment.RunTrainer;
import lodi.peft.PeftMethod;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code lodi train}: one run (method, seed) of the experiment. */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Fine-tune the base with one method and seed into OUTPUTS/glue_multitask/multitask_{method}_seed{seed}_frozen"
                + " (resumes from its checkpoint; a finished run is skipped; a run folder made with other settings is an error).")
public final class TrainCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Mixin
    private ExperimentOptions options;

    @Option(names = "--method", required = true, paramLabel = "METHOD",
            description = "full_ft, bitfit, adapters, weight_lora or lora_diffusion.")
    private String method;

    @Option(names = "--seed", defaultValue = "42", paramLabel = "SEED", description = "The run's seed (default: ${DEFAULT-VALUE}).")
    private int seed;

    @Override
    public Integer call() throws Exception {
        PeftMethod parsed = PeftMethod.parse(method);
        ExperimentConfig config = options.config(List.of("training.methods=" + parsed.id(), "training.seeds=" + seed));
        PrintWriter out = spec.commandLine().getOut();
        Experiment experiment = ExperimentSetup.announce(config, out);
        BaseModel base = BaseModel.locate(experiment, options.cacheRoot());
        RunTrainer trainer = new RunTrainer(experiment, base, out, ExperimentSetup.invocation(spec));
        java.nio.file.Path dir = RunTrainer.runDir(options.runsRoot(), parsed, seed);
        trainer.requireSameConfig(dir, parsed, seed); // before the base is prepared: that can take minutes
        base.prepare(experiment, out);
        var outcome = trainer.run(parsed, seed, dir);
        out.println("run folder: " + outcome.dir());
        out.flush();
        return 0;
    }
}
