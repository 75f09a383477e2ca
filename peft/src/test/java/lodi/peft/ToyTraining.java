package lodi.peft;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import lodi.autograd.ElementwiseOps;
import lodi.autograd.LossOps;
import lodi.autograd.Variable;
import lodi.autograd.optim.AdamW;
import lodi.autograd.optim.LrSchedule;
import lodi.model.TokenBatch;
import lodi.model.bert.Denoiser;
import lodi.model.bert.DenoiserConfig;
import lodi.model.bert.ToyLabelTask;
import lodi.model.diffusion.Corruption;
import lodi.model.diffusion.NoiseSchedule;
import lodi.model.sampling.LowConfidenceSampler;
import lodi.model.sampling.SampleResult;
import lodi.model.sampling.TokenChoice;
import lodi.model.training.TrainingStep;
import lodi.tensor.CounterRng;

/** Fine-tuning a PEFT model on the conditional toy task, as the tests need it: a tiny base, batches, a loop. */
final class ToyTraining {
    static final ToyLabelTask TASK = new ToyLabelTask();
    static final NoiseSchedule SCHEDULE = NoiseSchedule.cosine(100);

    private ToyTraining() {
    }

    /** d = 32, 2 layers, 2 heads, FFN 64, the toy vocabulary. */
    static DenoiserConfig tiny(double dropout) {
        return new DenoiserConfig(TASK.tokenizer.vocabulary().size(), 32, 2, 2, 64, 32, 2, 1e-12, dropout, "gelu", true,
                false, "output", 100);
    }

    static Denoiser tinyBase(long seed) {
        return new Denoiser(tiny(0.1), seed);
    }

    /** Runs {@code steps} AdamW steps (cosine schedule, clip 1.0) on batches of the toy task; returns the losses. */
    static List<Double> train(PeftModel model, int steps, int batchSize, double learningRate, long seed) {
        Corruption corruption = Corruption.conditional(SCHEDULE, TASK.special);
        AdamW optimizer = AdamW.builder(model.trainableParameters(), learningRate).weightDecay(0.01).build();
        TrainingStep step = new TrainingStep(model.allParameters().values(), optimizer,
                LrSchedule.cosine(learningRate, Math.min(30, steps / 10), steps), 1.0);
        model.train(true);
        List<Double> losses = new ArrayList<>();
        for (int s = 0; s < steps; s++) {
            List<ToyLabelTask.Example> examples = new ArrayList<>();
            long[] ids = new long[batchSize];
            for (int i = 0; i < batchSize; i++) {
                ids[i] = s * (long) batchSize + i;
                examples.add(ToyLabelTask.example(seed, ids[i]));
            }
            var corrupted = corruption.training(TASK.batch(examples, 32), ids, seed, s);
            model.base().setDropoutSeed(CounterRng.bits(seed, s, -1));
            losses.add(step.run(s, () -> {
                Variable logits = model.trainingLogits(corrupted.batch(), corrupted.times(), corrupted.positions());
                Variable loss = LossOps.crossEntropy(logits, corrupted.targets());
                Variable penalty = model.regularization();
                return penalty == null ? loss : ElementwiseOps.add(loss, penalty);
            }).loss());
        }
        model.train(false);
        return losses;
    }

    /**
     * Generation on {@code count} unseen examples with the low-confidence sampler (greedy): the fraction whose
     * whole label is right, and the fraction that wrote either label.
     */
    record Generation(double accuracy, double validLabels) {
    }

    static Generation generate(PeftModel model, int count) {
        List<ToyLabelTask.Example> test = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            test.add(ToyLabelTask.example(2, i));
        }
        int responseLength = TASK.labelIds.get(0).length;
        List<int[]> prompts = test.stream().map(e -> TASK.tokenizer.encode(e.text())).toList();
        int[] lengths = new int[count];
        Arrays.fill(lengths, responseLength);
        TokenBatch masked = TokenBatch.maskedResponses(prompts, lengths, TASK.special, 32);
        SampleResult result = new LowConfidenceSampler(responseLength, TokenChoice.greedy(), TASK.special, false)
                .sample(model, masked);
        int correct = 0;
        int valid = 0;
        for (int i = 0; i < count; i++) {
            int[] written = result.responses()[i];
            correct += Arrays.equals(written, TASK.labelIds.get(test.get(i).label())) ? 1 : 0;
            valid += Arrays.equals(written, TASK.labelIds.get(0)) || Arrays.equals(written, TASK.labelIds.get(1)) ? 1 : 0;
        }
        return new Generation(correct / (double) count, valid / (double) count);
    }
}
