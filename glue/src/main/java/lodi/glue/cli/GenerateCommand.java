package lodi.glue.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import lodi.glue.data.Example;
import lodi.glue.data.Task;
import lodi.glue.experiment.Encoder;
import lodi.glue.experiment.Experiment;
import lodi.glue.experiment.TrainedRun;
import lodi.model.TokenBatch;
import lodi.model.sampling.SampleResult;
import lodi.model.tokenizer.Vocabulary;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code lodi generate}: classifies one input with a trained run and shows how the response was denoised. */
@Command(name = "generate", mixinStandardHelpOptions = true,
        description = "Classify one input with a finished run's model: the response starts as [MASK]s and the sampler"
                + " reveals it step by step; every step that revealed something is shown.")
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

    @Override
    public Integer call() throws Exception {
        Task task = Task.parse(taskName);
        if (task.isPair() != (textB != null)) {
            throw new Lodi.UsageException(task.isPair() ? task.shortName() + " needs a second text: pass --text-b \"...\""
                    : "sst2 takes one text; drop --text-b");
        }
        PrintWriter out = spec.commandLine().getOut();
        TrainedRun trained = TrainedRun.open(run);
        Encoder encoder = new Encoder(new lodi.model.tokenizer.WordPieceTokenizer(trained.vocabulary()));
        var config = trained.config();
        Example example = new Example(task, text, textB, 0, "command line");
        int[] prompt = encoder.prompt(example);
        TokenBatch masked = TokenBatch.maskedResponses(List.of(prompt), new int[] {encoder.responseLength(task)},
                encoder.special(), config.training().maxLength());
        SampleResult result = Experiment.sampler(config.sampler(), Experiment.schedule(config.diffusion()), encoder, true)
                .sample(trained.model(), masked);
        Vocabulary vocabulary = trained.vocabulary();
        int responseStart = masked.responsePositions(0)[0];
        // what the model saw: [CLS] prompt [SEP], the prompt cut to fit training.max_length with the response
        int[] seen = java.util.Arrays.copyOfRange(masked.ids(), 1, responseStart - 1);
        out.println("prompt: " + encoder.tokenizer().decode(seen) + (seen.length < prompt.length
                ? " [cut to " + seen.length + " of " + prompt.length + " tokens by training.max_length "
                + config.training().maxLength() + "]" : ""));
        out.printf("%-6s %-7s %-10s %-20s %s%n", "step", "time", "positions", "tokens", "confidence");
        for (SampleResult.TraceStep step : result.trace()) {
            if (step.positions().length == 0) {
                continue;
            }
            StringBuilder positions = new StringBuilder();
            StringBuilder tokens = new StringBuilder();
            StringBuilder confidences = new StringBuilder();
            for (int i = 0; i < step.positions().length; i++) {
                String sep = i == 0 ? "" : " ";
                positions.append(sep).append(step.positions()[i] - responseStart);
                tokens.append(sep).append(vocabulary.token(step.tokens()[i]));
                confidences.append(sep).append(String.format(Locale.ROOT, "%.3f", step.confidences()[i]));
            }
            out.printf(Locale.ROOT, "%-6d %-7.3f %-10s %-20s %s%n", step.step(), step.time(), positions, tokens, confidences);
        }
        int[] response = result.responses()[0];
        int label = encoder.labelOf(task, response);
        out.println("response: " + String.join(" ", java.util.Arrays.stream(response).mapToObj(vocabulary::token).toList()));
        out.println(label >= 0 ? "prediction: " + task.labelWord(label)
                : "prediction: none (the response is not one of " + task.labelWords() + ")");
        out.flush();
        return 0;
    }
}
