package lodi.glue.experiment;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import lodi.autograd.Autograd;
import lodi.glue.cli.Progress;
import lodi.glue.data.Task;
import lodi.model.TokenBatch;
import lodi.model.diffusion.Corruption;
import lodi.model.diffusion.DenoisingAccuracy;
import lodi.model.diffusion.MaskPredictor;
import lodi.model.sampling.SampleResult;
import lodi.model.sampling.Sampler;
import lodi.tensor.Tensor;

/**
 * Evaluation on the combined validation set, identical for every evaluation, method and seed:
 * <ul>
 *   <li>token-level denoising accuracy ({@code accuracy}, per task {@code sst2_accuracy}, ...) and the mean
 *       cross-entropy ({@code loss}) at the response positions masked by {@link Corruption#evaluation} (a
 *       fixed seed, keyed by each example's stable id);</li>
 *   <li>generation accuracy: the sampler fills an all-[MASK] response after the prompt and the decoded result
 *       ([PAD]s dropped) must be the gold label word exactly ({@link Encoder#labelOf}; {@code generation_accuracy}, per task
 *       {@code sst2_generation_accuracy}, ...; {@code generation_invalid} counts responses that are no label
 *       word at all); MRPC F1 with {@code equivalent} as the positive class ({@code mrpc_generation_f1}).</li>
 * </ul>
 * All accuracies are fractions.
 */
public final class Evaluator {
    private record Chunk(List<Encoder.Encoded> examples, long[] ids, Corruption.Corrupted corrupted, TokenBatch masked) {
    }

    private final Encoder encoder;
    private final Sampler sampler;
    private final List<Chunk> chunks = new ArrayList<>();
    private final int size;

    public Evaluator(List<Encoder.Encoded> dev, Encoder encoder, Corruption corruption, Sampler sampler, int maxLength,
                     int batchSize) {
        this.encoder = encoder;
        this.sampler = sampler;
        this.size = dev.size();
        List<Encoder.Encoded> sorted = new ArrayList<>(dev);
        sorted.sort(Comparator.comparingInt(Encoder.Encoded::length));
        for (int from = 0; from < sorted.size(); from += batchSize) {
            List<Encoder.Encoded> examples = sorted.subList(from, Math.min(from + batchSize, sorted.size()));
            long[] ids = examples.stream().mapToLong(Encoder.Encoded::id).toArray();
            List<int[]> prompts = examples.stream().map(Encoder.Encoded::prompt).toList();
            TokenBatch clean = TokenBatch.of(prompts, examples.stream().map(Encoder.Encoded::response).toList(),
                    encoder.special(), maxLength);
            int[] lengths = examples.stream().mapToInt(e -> e.response().length).toArray();
            chunks.add(new Chunk(List.copyOf(examples), ids, corruption.evaluation(clean, ids),
                    TokenBatch.maskedResponses(prompts, lengths, encoder.special(), maxLength)));
        }
    }

    /** How many dev examples are evaluated. */
    public int size() {
        return size;
    }

    /** Every metric of the class comment for {@code model} (in evaluation mode, no gradients). */
    public Map<String, Double> evaluate(MaskPredictor model, Progress progress) {
        Map<Task, long[]> tokens = new EnumMap<>(Task.class); // correct, total
        Map<Task, int[]> generation = new EnumMap<>(Task.class); // correct, total, invalid, tp, fp, fn
        DenoisingAccuracy allTokens = new DenoisingAccuracy();
        double lossSum = 0;
        long lossCount = 0;
        try (var noGrad = Autograd.noGrad()) {
            for (Chunk chunk : chunks) {
                Corruption.Corrupted c = chunk.corrupted();
                Tensor logits = model.logits(c.batch(), c.times(), c.positions());
                allTokens.add(logits, c.targets());
                for (int i = 0; i < c.positions().length; i++) {
                    Task task = chunk.examples().get(c.positions()[i] / c.batch().seqLen()).task();
                    long[] counts = tokens.computeIfAbsent(task, t -> new long[2]);
                    counts[0] += DenoisingAccuracy.argmax(logits, i) == c.targets()[i] ? 1 : 0;
                    counts[1]++;
                    lossSum += crossEntropy(logits, i, c.targets()[i]);
                    lossCount++;
                }
                SampleResult result = sampler.sample(model, chunk.masked(), chunk.ids());
                for (int b = 0; b < chunk.examples().size(); b++) {
                    Encoder.Encoded example = chunk.examples().get(b);
                    int predicted = encoder.labelOf(example.task(), result.responses()[b]);
                    int[] counts = generation.computeIfAbsent(example.task(), t -> new int[6]);
                    counts[0] += predicted == example.label() ? 1 : 0;
                    counts[1]++;
                    counts[2] += predicted < 0 ? 1 : 0;
                    counts[3] += predicted == 1 && example.label() == 1 ? 1 : 0;
                    counts[4] += predicted == 1 && example.label() != 1 ? 1 : 0;
                    counts[5] += predicted != 1 && example.label() == 1 ? 1 : 0;
                }
                if (progress != null) {
                    progress.step(chunk.examples().size());
                }
            }
        }
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put("accuracy", allTokens.accuracy());
        metrics.put("loss", lossSum / Math.max(1, lossCount));
        int correct = generation.values().stream().mapToInt(c -> c[0]).sum();
        int total = generation.values().stream().mapToInt(c -> c[1]).sum();
        metrics.put("generation_accuracy", (double) correct / Math.max(1, total));
        metrics.put("generation_invalid", (double) generation.values().stream().mapToInt(c -> c[2]).sum() / Math.max(1, total));
        for (Task task : generation.keySet()) {
            int[] counts = generation.get(task);
            metrics.put(task.shortName() + "_accuracy", (double) tokens.get(task)[0] / tokens.get(task)[1]);
            metrics.put(task.shortName() + "_generation_accuracy", (double) counts[0] / counts[1]);
            if (task == Task.MRPC) {
                int truePositives = counts[3];
                metrics.put("mrpc_generation_f1", truePositives == 0 ? 0.0
                        : 2.0 * truePositives / (2.0 * truePositives + counts[4] + counts[5]));
            }
        }
        return metrics;
    }

    private static double crossEntropy(Tensor logits, int row, int target) {
        float[] data = logits.data();
        int base = logits.offset() + row * logits.cols();
        double max = Double.NEGATIVE_INFINITY;
        for (int v = 0; v < logits.cols(); v++) {
            max = Math.max(max, data[base + v]);
        }
        double sum = 0;
        for (int v = 0; v < logits.cols(); v++) {
            sum += Math.exp(data[base + v] - max);
        }
        return Math.log(sum) + max - data[base + target];
    }
}
