package lodi.glue.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.util.ServiceLoader;
import lodi.glue.data.DataException;
import lodi.glue.experiment.ConfigurationException;
import lodi.model.training.TrainingStep;
import lodi.tensor.EngineSettings;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code lodi} command-line application. */
@Command(name = "lodi", mixinStandardHelpOptions = true, version = "lodi 0.1.0",
        description = "Masked-diffusion language models and PEFT on the pure JVM.",
        subcommands = {CommandLine.HelpCommand.class, ReproduceCommand.class, TrainCommand.class, EvalCommand.class,
                PretrainCommand.class, GenerateCommand.class, PredictCommand.class, CollectCommand.class, ReportCommand.class, DownloadGlueCommand.class,
                TokenizeCommand.class, ConvertCommand.class})
public final class Lodi implements Runnable {
    /** Exit code for a usage error: a bad option or setting, a missing or malformed file, an unknown name. */
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
        cli.setExecutionExceptionHandler((ex, commandLine, parseResult) -> report(ex, commandLine.getErr()));
        cli.setParameterExceptionHandler((ex, args) -> {
            CommandLine commandLine = ex.getCommandLine();
            commandLine.getErr().println("lodi: " + ex.getMessage() + " (see '"
                    + commandLine.getCommandSpec().qualifiedName() + " --help')");
            return USAGE_ERROR;
        });
        return cli;
    }

    /**
     * One line for what the user can act on: exit 2 when what they gave is wrong (an option, a setting, a file or
     * its contents), 1 when the run could not finish (it diverged, the disk is full); anything else is a defect in
     * lodi, said so, with its stack trace, exit 1. An {@link IllegalArgumentException} raised inside the kernels or
     * the autograd engine (a shape that does not fit) is such a defect: no user input reaches them unchecked.
     */
    static int report(Exception ex, PrintWriter err) {
        Throwable cause = ex instanceof UncheckedIOException unchecked ? unchecked.getCause() : ex;
        if (cause instanceof IllegalArgumentException && raisedInTheEngine(cause)) {
            return defect(cause, err);
        }
        switch (cause) {
            case UsageException _, ConfigurationException _, DataException _, IllegalArgumentException _ ->
                    err.println("lodi: " + cause.getMessage());
            case NoSuchFileException e -> err.println("lodi: " + e.getFile() + ": no such file or folder");
            case AccessDeniedException e -> err.println("lodi: " + e.getFile() + ": permission denied");
            case TrainingStep.DivergedException e -> {
                err.println("lodi: " + e.getMessage());
                return 1;
            }
            case IOException e when String.valueOf(e.getMessage()).contains("No space left on device") -> {
                err.println("lodi: " + e.getMessage() + ": the disk is full; free some space and run the same command"
                        + " again (a run resumes from its last checkpoint)");
                return 1;
            }
            case IOException e -> err.println("lodi: " + e.getMessage());
            default -> {
                return defect(cause, err);
            }
        }
        return USAGE_ERROR;
    }

    private static int defect(Throwable cause, PrintWriter err) {
        err.println("lodi: internal error (a defect in lodi; please report it with the trace below): " + cause);
        cause.printStackTrace(err);
        return 1;
    }

    private static boolean raisedInTheEngine(Throwable e) {
        StackTraceElement[] frames = e.getStackTrace();
        if (frames.length == 0) {
            return false;
        }
        String where = frames[0].getClassName();
        return where.startsWith("lodi.tensor.") || where.startsWith("lodi.autograd.");
    }

    public static void main(String[] args) {
        try {
            EngineSettings.check();
        } catch (IllegalArgumentException e) {
            System.err.println("lodi: " + e.getMessage());
            System.exit(USAGE_ERROR);
        }
        System.exit(commandLine().execute(args));
    }

    /** An error in what the user asked for; printed as one line, exit code 2. */
    public static final class UsageException extends RuntimeException {
        public UsageException(String message) {
            super(message);
        }
    }
}
