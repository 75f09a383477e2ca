package lodi.bench;

import lodi.glue.cli.Subcommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code lodi bench}: quick measurements of the hot kernels for people (JMH holds the careful ones). */
@Command(name = "bench", mixinStandardHelpOptions = true, subcommands = {GemmBench.class, AttentionBench.class, StepBench.class},
        description = "Quick kernel and training-step measurements (each well under a minute).")
public final class BenchCommand implements Runnable, Subcommand {
    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
