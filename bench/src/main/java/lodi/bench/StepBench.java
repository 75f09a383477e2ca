package lodi.bench;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import lodi.autograd.ElementwiseOps;
import lodi.autograd.Parameter;
import lodi.autograd.Variable;
import lodi.autograd.optim.AdamW;
import lodi.autograd.optim.LrSchedule;
import lodi.model.TokenBatch;
import lodi.model.bert.Denoiser;
import lodi.model.bert.DenoiserConfig;
import lodi.model.training.TrainingLoop;
import lodi.model.training.TrainingStep;
import lodi.peft.Peft;
import lodi.peft.PeftConfig;
import lodi.peft.PeftMethod;
import lodi.peft.PeftModel;
import lodi.tensor.CounterRng;
import lodi.tensor.Parallel;
import lodi.tensor.Sequences;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code lodi bench step}: one fine-tuning step per method at the cpu-small shape (d=128, 4 layers, 4 heads,
 * FFN 512, V=30,522) or MiniLM's (d=384, 6 layers, 12 heads, FFN 1536; {@code --shape minilm}), any of whose
 * sizes {@code --hidden}, {@code --layers}, {@code --heads} and {@code --ffn} replace: forward, cross-entropy on a fixed 15% of the positions (set to [MASK]), backward, global
 * gradient clipping, AdamW, through the training loop itself ({@link TrainingLoop}). Rows get diffusion times spread over [0, 1], so lora_diffusion uses all three phases;
 * it perturbs the final hidden states, or every layer's with {@code --hidden-states every_layer}.
 * Warm-up steps ({@code --warmup}, two by default), then the median of the timed steps; the table also splits the median step into forward,
 * backward and optimizer time.
 */
@Command(name = "step", mixinStandardHelpOptions = true,
        description = "One training step per PEFT method at the cpu-small or MiniLM shape (median ms, tokens/s).")
public final class StepBench implements Runnable {
    private static final int MASK_ID = 103;
    private static final double MASK_RATE = 0.15;
    private static final ObjectMapper JSON = JsonMapper.builder().build();

    @Option(names = "--method", paramLabel = "M", description = "One method (full_ft, bitfit, adapters, weight_lora, "
            + "lora_diffusion); default all five.")
    private String method;

    @Option(names = "--batch", defaultValue = "64", description = "Rows per batch (default ${DEFAULT-VALUE}).")
    private int batch;

    @Option(names = "--seq", defaultValue = "64", description = "Tokens per row (default ${DEFAULT-VALUE}).")
    private int seq;

    @Option(names = "--steps", defaultValue = "3", description = "Timed steps after the warm-up steps (default ${DEFAULT-VALUE}).")
    private int steps;

    @Option(names = "--warmup", defaultValue = "2", paramLabel = "N",
            description = "Untimed steps first, while the JIT compiles and the step buffers fill (default ${DEFAULT-VALUE}; "
                    + "weight_lora at the minilm shape needs about 10 to settle).")
    private int warmup;

    @Option(names = "--hidden", paramLabel = "D", description = "Hidden size instead of the shape's.")
    private Integer hidden;

    @Option(names = "--layers", paramLabel = "L", description = "Number of layers instead of the shape's.")
    private Integer layers;

    @Option(names = "--heads", paramLabel = "H", description = "Attention heads instead of the shape's (must divide the hidden size).")
    private Integer heads;

    @Option(names = "--ffn", paramLabel = "F", description = "Feed-forward (intermediate) size instead of the shape's.")
    private Integer ffn;

    @Option(names = "--hidden-states", defaultValue = "final", paramLabel = "WHERE",
            description = "Where lora_diffusion's modules act: final (the final hidden states at the scored positions, "
                    + "the reference's; default) or every_layer (every layer's output, as the minilm preset).")
    private String hiddenStates;

    @Option(names = "--json", description = "Print one JSON object per method instead of a table.")
    private boolean json;

    @Option(names = "--shape", defaultValue = "cpu-small", paramLabel = "NAME",
            description = "cpu-small (d=128, 4 layers, 4 heads, FFN 512; default) or minilm (d=384, 6 layers, 12 heads, FFN 1536, as all-MiniLM-L6-v2).")
    private String shape;

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    /** Median phase times of one method, in milliseconds. */
    private record Timing(double step, double forward, double backward, double optimizer) {
    }

    @Override
    public void run() {
        if (batch < 1 || seq < 2 || steps < 1 || warmup < 0) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--batch and --steps must be at least 1, --seq at"
                    + " least 2 and --warmup at least 0, got " + batch + ", " + steps + ", " + seq + ", " + warmup);
        }
        List<PeftMethod> methods;
        try {
            methods = method == null ? List.of(PeftMethod.values()) : List.of(PeftMethod.parse(method));
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        PeftConfig loraDiffusion;
        try {
            loraDiffusion = PeftConfig.fromJson(PeftMethod.LORA_DIFFUSION,
                    JSON.createObjectNode().put("hidden_states", hiddenStates));
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--hidden-states: " + e.getMessage());
        }
        DenoiserConfig config = resized(switch (shape) {
            case "cpu-small" -> DenoiserConfig.cpuSmall();
            case "minilm" -> DenoiserConfig.miniLm();
            default -> throw new CommandLine.ParameterException(spec.commandLine(),
                    "--shape must be cpu-small or minilm, got '" + shape + "'");
        });
        if (seq > config.maxPositions()) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--seq " + seq + " exceeds the " + shape + " model's " + config.maxPositions() + " positions");
        }
        PrintWriter out = spec.commandLine().getOut();
        if (!json) {
            String form = methods.contains(PeftMethod.LORA_DIFFUSION)
                    ? ", lora_diffusion on the " + hiddenStates + " hidden states" : "";
            out.printf("training step, %s (d=%d, %d layers, %d heads, FFN %d, V=%d), batch %d x seq %d, 15%% scored, "
                    + "threads=%d%s; median of %d steps after %d warm-up%n", shape,
                    config.hiddenSize(), config.numLayers(), config.numHeads(), config.intermediateSize(),
                    config.vocabSize(), batch, seq, Parallel.threads(), form, steps, warmup);
            out.printf("%-15s %10s %10s %10s %10s %10s%n", "method", "ms/step", "tokens/s", "fwd ms", "bwd ms", "optim ms");
            out.flush();
        }
        for (PeftMethod m : methods) {
            Timing t = measure(m == PeftMethod.LORA_DIFFUSION ? loraDiffusion : PeftConfig.defaults(m), config);
            double tokensPerSecond = batch * (double) seq / (t.step() / 1000);
            if (json) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("method", m.id());
                row.put("shape", shape);
                row.put("batch", batch);
                row.put("seq", seq);
                if (m == PeftMethod.LORA_DIFFUSION) {
                    row.put("hidden_states", hiddenStates);
                }
                row.put("ms_per_step", round(t.step()));
                row.put("tokens_per_s", Math.round(tokensPerSecond));
                out.println(JSON.writeValueAsString(row));
            } else {
                out.printf("%-15s %10.1f %10.0f %10.1f %10.1f %10.1f%n", m.id(), t.step(), tokensPerSecond, t.forward(),
                        t.backward(), t.optimizer());
            }
            out.flush();
        }
    }

    /** The shape's config with the sizes given on the command line; an impossible combination is a usage error. */
    private DenoiserConfig resized(DenoiserConfig base) {
        try {
            return base.withSizes(base.vocabSize(), hidden != null ? hidden : base.hiddenSize(),
                    layers != null ? layers : base.numLayers(), heads != null ? heads : base.numHeads(),
                    ffn != null ? ffn : base.intermediateSize());
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--hidden/--layers/--heads/--ffn: " + e.getMessage());
        }
    }

    private Timing measure(PeftConfig peftConfig, DenoiserConfig config) {
        PeftModel model = Peft.apply(new Denoiser(config, 1), peftConfig, 2);
        model.train(true);
        Map<String, Parameter> trainable = model.trainableParameters();
        AdamW optimizer = AdamW.builder(trainable, 1e-4).build();
        TokenBatch tokens = randomBatch(config.vocabSize());
        int[] positions = scoredPositions();
        int[] targets = new int[positions.length];
        int[] ids = tokens.ids().clone();
        for (int n = 0; n < positions.length; n++) {
            targets[n] = ids[positions[n]];
            ids[positions[n]] = MASK_ID;
        }
        TokenBatch masked = tokens.withIds(ids);
        float[] times = new float[batch];
        for (int b = 0; b < batch; b++) {
            times[b] = (b + 0.5f) / batch;
        }
        float[] ones = new float[positions.length];
        Arrays.fill(ones, 1f);
        // the training loop itself (TrainingLoop, TrainingStep), as fine-tuning and pretraining run it
        TrainingStep trainingStep = new TrainingStep(trainable.values(), optimizer, LrSchedule.constant(1e-4, 0), 1.0);
        int positionCount = batch * seq;
        TrainingLoop.Batches batches = step -> new TrainingLoop.Work(() -> {
            model.base().setDropoutSeed(step);
            Variable loss = model.trainingLoss(masked, times, positions, targets, ones, positions.length);
            Variable penalty = model.regularization();
            return penalty == null ? loss : ElementwiseOps.add(loss, penalty);
        }, positionCount, positionCount, batch);
        double[][] samples = new double[4][steps];
        TrainingLoop.Listener timings = (step, work, result) -> {
            if (step >= warmup) {
                int i = (int) step - warmup;
                TrainingStep.Timing timing = result.timing();
                samples[0][i] = timing.totalNanos() / 1e6;
                samples[1][i] = timing.forwardNanos() / 1e6;
                samples[2][i] = timing.backwardNanos() / 1e6;
                samples[3][i] = timing.optimizerNanos() / 1e6;
            }
            return true;
        };
        try {
            new TrainingLoop(trainingStep).run(0, warmup + steps, batches, timings);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // the listener writes nothing
        }
        return new Timing(median(samples[0]), median(samples[1]), median(samples[2]), median(samples[3]));
    }

    /** Full rows of random non-special token ids; segment 0 everywhere (the whole row counts as the prompt). */
    private TokenBatch randomBatch(int vocab) {
        int[] ids = new int[batch * seq];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = 1000 + (int) Long.remainderUnsigned(CounterRng.bits(7, 0, i), vocab - 1000);
        }
        return new TokenBatch(ids, new int[batch * seq], Sequences.uniform(batch, seq), new boolean[batch * seq]);
    }

    /** A fixed 15% of the flat positions (at least one), in increasing order. */
    private int[] scoredPositions() {
        List<Integer> chosen = new ArrayList<>();
        for (int i = 0; i < batch * seq; i++) {
            if (CounterRng.uniform(7, 1, i) < MASK_RATE) {
                chosen.add(i);
            }
        }
        if (chosen.isEmpty()) {
            chosen.add(0);
        }
        return chosen.stream().mapToInt(Integer::intValue).toArray();
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    private static double round(double x) {
        return Math.round(x * 100) / 100.0;
    }
}
