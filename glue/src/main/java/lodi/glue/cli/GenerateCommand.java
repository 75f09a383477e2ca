package lodi.glue.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import lodi.glue.data.Example;
import lodi.glue.data.Task;
import lodi.glue.experiment.Presets;
import lodi.glue.experiment.TrainedRun;
import lodi.glue.experiment.Trajectory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code lodi generate}: classifies one input with a trained run and shows how the response was denoised. */
@Command(name = "generate", mixinStandardHelpOptions = true,
        description = "Classify one input with a finished run's model: the response starts as [MASK]s and the sampler"
                + " reveals it step by step; every step that revealed something is shown (--trace: every reveal with"
                + " its time, the method's phase, the token's probability and the next best tokens; --json for tools).")
public final class GenerateCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Option(names = "--run", required = true, paramLabel = "DIR", description = "A run folder (multitask_{method}_seed{seed}_frozen).")
    private Path run;

    @Parameters(index = "0", paramLabel = "TEXT", description = "The sentence (SST-2), question (QNLI) or first sentence (MRPC).")
    private String text;

    @Option(names = "--task", defaultValue = "sst2", paramLabel = "TASK", description = "sst2, qnli or mrpc (default: ${DEFAULT-VALUE}).")
    private String taskName;

    @Option(names = "--text-b", paramLabel = "TEXT", description = "The second text: the QNLI sentence or the second MRPC sentence.")
    private String textB;

    @Option(names = "--trace", description = "Show every reveal: step, time t, phase and perturbation norm |dh| (lora_diffusion: early, middle, late), position, token, probability, the next best tokens.")
    private boolean trace;

    @Option(names = "--json", description = "Print the trajectory as one JSON object (prompt, reveals, response, prediction).")
    private boolean json;

    @Override
    public Integer call() throws Exception {
        Task task = Task.parse(taskName);
        if (task.isPair() != (textB != null)) {
            throw new Lodi.UsageException(task.isPair() ? task.shortName() + " needs a second text: pass --text-b \"...\""
                    : "sst2 takes one text; drop --text-b");
        }
        PrintWriter out = spec.commandLine().getOut();
        TrainedRun trained = TrainedRun.open(run);
        Trajectory trajectory = Trajectory.of(trained, trained.model(), new Example(task, text, textB, 0, "command line"));
        if (json) {
            out.println(Presets.JSON.writeValueAsString(Presets.JSON.valueToTree(trajectory)));
            out.flush();
            return 0;
        }
        out.println("prompt: " + trajectory.prompt() + (trajectory.seenTokens() < trajectory.promptTokens()
                ? " [cut to " + trajectory.seenTokens() + " of " + trajectory.promptTokens() + " tokens by"
                + " training.max_length " + trained.config().training().maxLength() + "]" : ""));
        if (trace) {
            out.printf("%-5s %-6s %-7s %-7s %-9s %-16s %-7s %s%n", "step", "time", "phase", "|dh|", "position", "token",
                    "prob", "next best");
            for (Trajectory.Reveal r : trajectory.reveals()) {
                out.printf(Locale.ROOT, "%-5d %-6.3f %-7s %-7s %-9d %-16s %-7.3f %s%n", r.step(), r.time(),
                        r.phase() == null ? "-" : r.phase(),
                        r.perturbationNorm() == null ? "-" : String.format(Locale.ROOT, "%.3f", r.perturbationNorm()),
                        r.position(), r.token(), r.probability(), alternatives(r));
            }
        } else {
            out.printf("%-6s %-7s %-10s %-20s %s%n", "step", "time", "positions", "tokens", "probability");
            Map<Integer, List<Trajectory.Reveal>> bySteps = new LinkedHashMap<>();
            trajectory.reveals().forEach(r -> bySteps.computeIfAbsent(r.step(), k -> new ArrayList<>()).add(r));
            bySteps.forEach((step, reveals) -> out.printf(Locale.ROOT, "%-6d %-7.3f %-10s %-20s %s%n", step,
                    reveals.getFirst().time(), join(reveals, r -> Integer.toString(r.position())),
                    join(reveals, Trajectory.Reveal::token),
                    join(reveals, r -> String.format(Locale.ROOT, "%.3f", r.probability()))));
        }
        out.println("response: " + String.join(" ", trajectory.response()));
        out.println(trajectory.label() >= 0 ? "prediction: " + task.labelWord(trajectory.label())
                : "prediction: none (the response is not one of " + task.labelWords() + ")");
        out.flush();
        return 0;
    }

    /** "token (p), token (p), ..." of a reveal's alternatives. */
    static String alternatives(Trajectory.Reveal reveal) {
        return reveal.alternatives().stream().map(a -> String.format(Locale.ROOT, "%s (%.3f)", a.token(), a.probability()))
                .collect(java.util.stream.Collectors.joining(", "));
    }

    private static String join(List<Trajectory.Reveal> reveals, java.util.function.Function<Trajectory.Reveal, String> part) {
        return reveals.stream().map(part).collect(java.util.stream.Collectors.joining(" "));
    }
}
