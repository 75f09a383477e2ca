package lodi.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import lodi.tensor.Tensor;
import org.junit.jupiter.api.Test;

class LossOpsTest {
    private static final int[] TARGETS = {2, LossOps.IGNORE_INDEX, 0, 4};

    private static double nll(Tensor logits, int row, int target) {
        int v = logits.cols();
        double sum = 0;
        for (int j = 0; j < v; j++) {
            sum += Math.exp(logits.at(row, j));
        }
        return Math.log(sum) - logits.at(row, target);
    }

    @Test
    void meanOverNonIgnoredRowsMatchesTheDefinition() {
        Tensor logits = Init.normal(5, 1, 2f, 4, 5);
        Variable loss = LossOps.crossEntropy(Variable.constant(logits), TARGETS);
        assertArrayEquals(new int[0], loss.shape());
        double expected = (nll(logits, 0, 2) + nll(logits, 2, 0) + nll(logits, 3, 4)) / 3;
        assertEquals(expected, loss.value().get(0), 1e-5);
        GradCheck.standard().check("crossEntropy", v -> LossOps.crossEntropy(v.get(0), TARGETS), List.of(logits));
    }

    @Test
    void weightedSumOverDivisorMatchesTheDefinitionAndGradient() {
        Tensor logits = Init.normal(5, 2, 2f, 4, 5);
        float[] weights = {0.5f, 9f, 2f, 1.25f};
        Variable loss = LossOps.crossEntropy(Variable.constant(logits), TARGETS, weights, 8f);
        double expected = (0.5 * nll(logits, 0, 2) + 2 * nll(logits, 2, 0) + 1.25 * nll(logits, 3, 4)) / 8;
        assertEquals(expected, loss.value().get(0), 1e-5);
        GradCheck.standard().check("weighted crossEntropy",
                v -> LossOps.crossEntropy(v.get(0), TARGETS, weights, 8f), List.of(logits));
    }

    @Test
    void leadingDimensionsFlattenIntoRows() {
        Tensor logits = Init.normal(5, 3, 1f, 2, 2, 5);
        GradCheck.standard().check("crossEntropy rank 3", v -> LossOps.crossEntropy(v.get(0), TARGETS),
                List.of(logits));
    }

    @Test
    void allIgnoredGivesZeroLossAndZeroGradient() {
        Variable logits = Variable.leaf(Init.normal(5, 4, 1f, 2, 3));
        Variable loss = LossOps.crossEntropy(logits, new int[] {LossOps.IGNORE_INDEX, LossOps.IGNORE_INDEX});
        assertEquals(0f, loss.value().get(0));
        loss.backward();
        assertArrayEquals(new float[6], logits.grad().toArray());
    }

    @Test
    void mismatchedTargetsAreNamed() {
        var error = assertThrows(IllegalArgumentException.class,
                () -> LossOps.crossEntropy(Variable.constant(Tensor.zeros(3, 4)), new int[] {0, 1}));
        assertEquals("crossEntropy: logits [3, 4] (3 rows), 2 targets, 2 weights", error.getMessage());
    }
}
