package lodi.glue.experiment;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import lodi.autograd.Autograd;
import lodi.glue.data.Task;
import lodi.glue.results.Metrics;
import lodi.model.TokenBatch;
import lodi.model.diffusion.Corruption;
import lodi.model.diffusion.DenoisingAccuracy;
import lodi.model.diffusion.MaskPredictor;
import lodi.model.sampling.CandidateScorer;
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
 *       word at all); MRPC F1 with {@code equivalent} as the positive class ({@code mrpc_generation_f1});</li>
 *   <li>candidate scoring: the label whose padded response has the highest likelihood when the whole response is
 *       masked ({@link CandidateScorer}, as LLaDA scores multiple choice; {@code scored_accuracy}, per task
 *       {@code sst2_scored_accuracy}, ..., {@code mrpc_scored_f1}): what the model knows, even where it cannot
 *       yet write the label word exactly;</li>
 *   <li>the published experiment's own token-level metric ({@code reference_token_accuracy},
 *       {@link Corruption#reference}): [CLS], the label word and [SEP] masked at a per-example time, [PAD] not
 *       scored, so that its 95–97% can be set beside lodi's numbers on the same definition.</li>
 * </ul>
 * All accuracies are fractions.
 */
public final class Evaluator {
    private record Chunk(List<Encoder.Encoded> examples, long[] ids, Corruption.Corrupted corrupted, TokenBatch masked,
                         Corruption.Corrupted reference) {
    }

    private final Encoder encoder;
    private final Sampler sampler;
    private final int maxLength;
    private final List<Chunk> chunks = new ArrayList<>();
    private final int size;

    public Evaluator(List<Encoder.Encoded> dev, Encoder encoder, Corruption corruption, Sampler sampler, int maxLength,
                     int batchSize) {
        this.encoder = encoder;
        this.sampler = sampler;
        this.maxLength = maxLength;
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
                    TokenBatch.maskedResponses(prompts, lengths, encoder.special(), maxLength),
                    corruption.reference(clean, ids)));
        }
    }

    /** How many dev examples are evaluated. */
    public int size() {
        return size;
    }

    /** Every metric of the class comment for {@code model} (in evaluation mode, no gradients). */
    public Map<String, Double> evaluate(MaskPredictor model, ProgressReporter.Meter progress) {
        Map<Task, TokenCounts> tokens = new EnumMap<>(Task.class);
        Map<Task, LabelCounts> generation = new EnumMap<>(Task.class);
        Map<Task, LabelCounts> scored = new EnumMap<>(Task.class);
        DenoisingAccuracy allTokens = new DenoisingAccuracy();
        DenoisingAccuracy referenceTokens = new DenoisingAccuracy();
        double lossSum = 0;
        long lossCount = 0;
        try (var noGrad = Autograd.noGrad()) {
            for (Chunk chunk : chunks) {
                Corruption.Corrupted c = chunk.corrupted();
                Tensor logits = model.logits(c.batch(), c.times(), c.positions());
                allTokens.add(logits, c.targets());
                int[] rowOf = c.batch().rowOfPositions();
                for (int i = 0; i < c.positions().length; i++) {
                    Task task = chunk.examples().get(rowOf[c.positions()[i]]).task();
                    TokenCounts counts = tokens.computeIfAbsent(task, t -> new TokenCounts());
                    counts.correct += DenoisingAccuracy.argmax(logits, i) == c.targets()[i] ? 1 : 0;
                    counts.total++;
                    lossSum += crossEntropy(logits, i, c.targets()[i]);
                    lossCount++;
                }
                Corruption.Corrupted reference = chunk.reference();
                if (reference.positions().length > 0) {
                    referenceTokens.add(model.logits(reference.batch(), reference.times(), reference.positions()),
                            reference.targets());
                }
                SampleResult result = sampler.sample(model, chunk.masked(), chunk.ids());
                for (int b = 0; b < chunk.examples().size(); b++) {
                    Encoder.Encoded example = chunk.examples().get(b);
                    generation.computeIfAbsent(example.task(), t -> new LabelCounts())
                            .add(encoder.labelOf(example.task(), result.responses()[b]), example.label());
                }
                score(model, chunk.examples(), scored);
                if (progress != null) {
                    progress.step(chunk.examples().size());
                }
            }
        }
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put(Metrics.TOKEN_ACCURACY, allTokens.accuracy());
        metrics.put(Metrics.LOSS, lossSum / Math.max(1, lossCount));
        LabelCounts allGeneration = LabelCounts.sum(generation.values());
        metrics.put(Metrics.GENERATION_ACCURACY, allGeneration.accuracy());
        metrics.put(Metrics.GENERATION_INVALID, allGeneration.invalidShare());
        for (Task task : generation.keySet()) {
            metrics.put(Metrics.tokenAccuracy(task), (double) tokens.get(task).correct / tokens.get(task).total);
            metrics.put(Metrics.generationAccuracy(task), generation.get(task).accuracy());
            if (task == Task.MRPC) {
                metrics.put(Metrics.MRPC_GENERATION_F1, generation.get(task).f1());
            }
        }
        metrics.put(Metrics.SCORED_ACCURACY, LabelCounts.sum(scored.values()).accuracy());
        for (Task task : scored.keySet()) {
            metrics.put(Metrics.scoredAccuracy(task), scored.get(task).accuracy());
            if (task == Task.MRPC) {
                metrics.put(Metrics.MRPC_SCORED_F1, scored.get(task).f1());
            }
        }
        metrics.put(Metrics.REFERENCE_TOKEN_ACCURACY, referenceTokens.accuracy());
        return metrics;
    }

    /** Candidate scoring of a chunk's examples, one scorer call per task (its label words share one length). */
    private void score(MaskPredictor model, List<Encoder.Encoded> examples, Map<Task, LabelCounts> scored) {
        for (Task task : Task.values()) {
            List<Encoder.Encoded> ofTask = examples.stream().filter(e -> e.task() == task).toList();
            if (ofTask.isEmpty()) {
                continue;
            }
            CandidateScorer.Scores scores = CandidateScorer.score(model, ofTask.stream().map(Encoder.Encoded::prompt).toList(),
                    encoder.labels(task), encoder.special(), maxLength, CandidateScorer.LengthNorm.SUM);
            LabelCounts counts = scored.computeIfAbsent(task, t -> new LabelCounts());
            for (int i = 0; i < ofTask.size(); i++) {
                counts.add(scores.best()[i], ofTask.get(i).label());
            }
        }
    }

    /** One task's masked response tokens: how many the model predicted right, of how many. */
    private static final class TokenCounts {
        long correct;
        long total;
    }

    /** Predicted against gold labels of one task: correct, total, invalid (-1) and MRPC's positive class counts. */
    private static final class LabelCounts {
        int correct;
        int total;
        int invalid;
        int truePositives;
        int falsePositives;
        int falseNegatives;

        void add(int predicted, int gold) {
            correct += predicted == gold ? 1 : 0;
            total++;
            invalid += predicted < 0 ? 1 : 0;
            truePositives += predicted == 1 && gold == 1 ? 1 : 0;
            falsePositives += predicted == 1 && gold != 1 ? 1 : 0;
            falseNegatives += predicted != 1 && gold == 1 ? 1 : 0;
        }

        double accuracy() {
            return (double) correct / Math.max(1, total);
        }

        double invalidShare() {
            return (double) invalid / Math.max(1, total);
        }

        /** F1 with label 1 as the positive class. */
        double f1() {
            return truePositives == 0 ? 0.0 : 2.0 * truePositives / (2.0 * truePositives + falsePositives + falseNegatives);
        }

        /** Several tasks' counts together, for their joint accuracy and invalid share (F1 stays per task). */
        static LabelCounts sum(java.util.Collection<LabelCounts> tasks) {
            LabelCounts sum = new LabelCounts();
            for (LabelCounts c : tasks) {
                sum.correct += c.correct;
                sum.total += c.total;
                sum.invalid += c.invalid;
            }
            return sum;
        }
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
