package lodi.model.sampling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import lodi.tensor.Tensor;
import org.junit.jupiter.api.Test;

class TokenChoiceTest {

    @Test
    void greedyTakesTheArgmaxWithSoftmaxConfidence() {
        Tensor logits = Tensor.of(new float[] {0, 2, 1, 2}, 1, 4);
        TokenChoice.Choice choice = TokenChoice.greedy().choose(logits, 0, 0, 1, 0);
        assertEquals(1, choice.token(), "ties go to the lowest id");
        double z = 1 + 2 * Math.exp(2) + Math.exp(1);
        assertEquals((float) (Math.exp(2) / z), choice.confidence(), 1e-6f);
        TokenChoice.Choice restricted = TokenChoice.greedy().restrictedTo(new int[] {2, 0}).choose(logits, 0, 0, 1, 0);
        assertEquals(2, restricted.token());
        assertEquals((float) (Math.exp(1) / (1 + Math.exp(1))), restricted.confidence(), 1e-6f);
    }

    @Test
    void temperatureSamplingFollowsTheTemperedSoftmax() {
        // Logits 0 and ln 3 at temperature 2: weights 1 and √3.
        Tensor logits = Tensor.of(new float[] {0, (float) Math.log(3), 50}, 1, 3);
        TokenChoice choice = TokenChoice.temperature(2f, 99).restrictedTo(new int[] {0, 1});
        int n = 20000;
        int ones = 0;
        for (int i = 0; i < n; i++) {
            ones += choice.choose(logits, 0, i, 1, 0).token();
        }
        double p = Math.sqrt(3) / (1 + Math.sqrt(3));
        assertEquals(p * n, ones, 5 * Math.sqrt(n * p * (1 - p)));
    }

    @Test
    void badSettingsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> TokenChoice.temperature(0f, 1));
        assertThrows(IllegalArgumentException.class, () -> TokenChoice.greedy().restrictedTo(new int[0]));
        Tensor logits = Tensor.zeros(1, 3);
        assertThrows(IllegalArgumentException.class,
                () -> TokenChoice.greedy().restrictedTo(new int[] {1, 7}).choose(logits, 0, 0, 1, 0));
    }
}
