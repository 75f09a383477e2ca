package lodi.glue.cli;

import java.io.PrintWriter;
import java.util.ServiceLoader;
import lodi.glue.data.DataException;
import lodi.model.training.TrainingStep;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code lodi} command-line application. */
@Command(name = "lodi", mixinStandardHelpOptions = true, version = "lodi 0.1.0",
        description = "Masked-diffusion language models and PEFT on the pure JVM.",
        subcommands = {CommandLine.HelpCommand.class, ReproduceCommand.class, TrainCommand.class, EvalCommand.class,
                PretrainCommand.class, GenerateCommand.class, CollectCommand.class, DownloadGlueCommand.class,
                TokenizeCommand.class, ConvertCommand.class})
public final class Lodi implements Runnable {
    /** Exit code for a usage error: a bad option, a missing file, an unknown name. */
    public static final int USAGE_ERROR = 2;

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** The command line with every subcommand attached, ready to execute. */
    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new Lodi());
        for (Subcommand sub : ServiceLoader.load(Subcommand.class)) {
            cli.addSubcommand(sub);
        }
        cli.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            PrintWriter err = commandLine.getErr();
            if (ex instanceof UsageException || ex instanceof IllegalArgumentException) {
                err.println("lodi: " + ex.getMessage());
                return USAGE_ERROR;
            }
            if (ex instanceof DataException || ex instanceof TrainingStep.DivergedException) {
                err.println("lodi: " + ex.getMessage());
                return 1;
            }
            err.println("lodi: " + ex.getClass().getSimpleName() + ": " + ex.getMessage());
            return 1;
        });
        cli.setParameterExceptionHandler((ex, args) -> {
            CommandLine commandLine = ex.getCommandLine();
            commandLine.getErr().println("lodi: " + ex.getMessage() + " (see '"
                    + commandLine.getCommandSpec().qualifiedName() + " --help')");
            return USAGE_ERROR;
        });
        return cli;
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** An error in what the user asked for; printed as one line, exit code 2. */
    public static final class UsageException extends RuntimeException {
        public UsageException(String message) {
            super(message);
        }
    }
}
