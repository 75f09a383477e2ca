package lodi.peft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import lodi.model.TokenBatch;
import lodi.model.bert.Denoiser;
import lodi.model.bert.ToyLabelTask;
import lodi.model.training.Pretrainer;
import lodi.tensor.Tensor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The methods fine-tune a briefly pretrained tiny base on the conditional toy task (label a review sentence
 * "positive" or "negative") and are judged by generation with the low-confidence sampler (greedy) on 200 unseen
 * sentences; every method must reach {@value #REQUIRED_ACCURACY}. The base is pretrained with {@link Pretrainer}
 * on review sentences followed by their label word in running text, as a real pretrained model knows sentiment
 * words; it has never seen the conditional format ([SEP], response segment), and alone it never writes a label
 * there.
 *
 * <p>The base must have learnt to use the context: a base that writes a label word after a sentence but always the
 * same one (it does not look at the adjective) leaves nothing for the methods that keep its attention frozen
 * (bitfit, adapters) to learn from, as the deciding word never reaches the response positions. The base learns it
 * abruptly and late: with half the sentences labelled, 400–1,500 steps were not enough and 3,000 were for three
 * base seeds out of four; with all labelled, 2,000 steps were for four out of four. {@link #theBaseUsesTheContext}
 * guards it.
 */
class ToyTaskLearningTest {
    private static final double REQUIRED_ACCURACY = 0.95;
    private static Denoiser pretrained;

    @BeforeAll
    static void pretrain() throws IOException {
        // like a real pretrained model, the base has seen the label words used as sentiment in running text
        // ("the plot was dull negative"), never in the conditional format ([SEP], response segment) of the task
        List<int[]> texts = new ArrayList<>();
        for (int i = 0; i < 600; i++) {
            ToyLabelTask.Example example = ToyLabelTask.example(5, i);
            texts.add(ToyTraining.TASK.tokenizer.encode(example.text() + " " + ToyLabelTask.LABELS.get(example.label())));
        }
        pretrained = new Denoiser(ToyTraining.tiny(0.0), 7);
        Pretrainer.run(pretrained, texts, ToyTraining.TASK.special, ToyTraining.SCHEDULE,
                new Pretrainer.Settings(2000, 16, 16, 3e-3, 30, 0.01, 1.0, 0, 42), null, null);
    }

    private static Denoiser copyOfPretrained() {
        Denoiser copy = new Denoiser(pretrained.config(), 0);
        copy.loadStateDict(pretrained.stateDict(), true);
        return copy;
    }

    /**
     * In running text ("the plot was dull [MASK]") the pretrained base fills in the right label word: the
     * information the frozen-attention methods need is in the base.
     */
    @Test
    void theBaseUsesTheContext() {
        int count = 200;
        List<int[]> texts = new ArrayList<>();
        List<ToyLabelTask.Example> examples = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ToyLabelTask.Example example = ToyLabelTask.example(2, i);
            int[] sentence = ToyTraining.TASK.tokenizer.encode(example.text());
            int[] withMask = Arrays.copyOf(sentence, sentence.length + 1);
            withMask[sentence.length] = ToyTraining.TASK.special.mask();
            texts.add(withMask);
            examples.add(example);
        }
        TokenBatch batch = TokenBatch.plain(texts, ToyTraining.TASK.special, 32);
        int[] maskPositions = new int[count];
        for (int b = 0; b < count; b++) {
            maskPositions[b] = batch.start(b) + batch.lengths()[b] - 2;
        }
        float[] times = new float[count];
        Arrays.fill(times, 0.2f);
        Tensor logits = pretrained.logits(batch, times, maskPositions);
        int vocab = logits.cols();
        int negative = ToyTraining.TASK.labelIds.get(0)[0];
        int positive = ToyTraining.TASK.labelIds.get(1)[0];
        int correct = 0;
        for (int b = 0; b < count; b++) {
            int guess = logits.get(b * vocab + positive) > logits.get(b * vocab + negative) ? 1 : 0;
            correct += guess == examples.get(b).label() ? 1 : 0;
        }
        double accuracy = correct / (double) count;
        assertTrue(accuracy >= REQUIRED_ACCURACY, "the pretrained base picks the right label word in running text in "
                + accuracy + " of the cases; pretrain longer");
    }

    /** Before fine-tuning the base never writes a label in the response segment: the methods must teach the task. */
    @Test
    void theBaseAloneNeverWritesALabel() {
        PeftModel untouched = Peft.apply(copyOfPretrained(), PeftConfig.defaults(PeftMethod.FULL_FT), 11);
        assertEquals(0.0, ToyTraining.generate(untouched, 200).validLabels(), "the base alone wrote a label");
    }

    private static ToyTraining.Generation fineTune(String method, int steps, double learningRate) {
        PeftModel model = Peft.apply(copyOfPretrained(), PeftConfig.defaults(PeftMethod.parse(method)), 11);
        ToyTraining.train(model, steps, 32, learningRate, 3);
        return ToyTraining.generate(model, 200);
    }

    @ParameterizedTest
    @CsvSource({"full_ft, 100, 1e-3", "bitfit, 100, 1e-2", "adapters, 150, 3e-3", "weight_lora, 100, 3e-3",
            "lora_diffusion, 100, 1e-2"})
    void methodLearnsTheToyTask(String method, int steps, double learningRate) {
        double accuracy = fineTune(method, steps, learningRate).accuracy();
        assertTrue(accuracy >= REQUIRED_ACCURACY, method + " generation accuracy " + accuracy + " < " + REQUIRED_ACCURACY);
    }
}
