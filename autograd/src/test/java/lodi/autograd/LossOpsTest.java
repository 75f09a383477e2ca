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
    void linearCrossEntropyMatchesLinearThenCrossEntropyBitwise() {
        // V = 37 is not a multiple of the vector length, so the row tails are covered too
        int[] targets = {36, LossOps.IGNORE_INDEX, 0, 17, 5};
        float[] weights = {0.5f, 9f, 2f, 1.25f, 1f};
        for (boolean withBias : new boolean[] {true, false}) {
            List<Variable> fused = headInputs(withBias);
            List<Variable> composed = headInputs(withBias);
            Variable a = LossOps.linearCrossEntropy(fused.get(0), fused.get(1), withBias ? fused.get(2) : null,
                    targets, weights, 6f);
            a.backward();
            Variable b = LossOps.crossEntropy(MatrixOps.linear(composed.get(0), composed.get(1),
                    withBias ? composed.get(2) : null), targets, weights, 6f);
            b.backward();
            assertEquals(b.value().get(0), a.value().get(0));
            for (int i = 0; i < (withBias ? 3 : 2); i++) {
                assertArrayEquals(composed.get(i).grad().toArray(), fused.get(i).grad().toArray(), "input " + i);
            }
        }
    }

    @Test
    void linearCrossEntropyGradient() {
        int[] targets = {2, LossOps.IGNORE_INDEX, 0, 6, 6};
        float[] weights = {1f, 1f, 0.5f, 2f, 1f};
        GradCheck.standard().check("linearCrossEntropy",
                v -> LossOps.linearCrossEntropy(v.get(0), v.get(1), v.get(2), targets, weights, 4f),
                List.of(Init.normal(6, 1, 1f, 5, 3), Init.normal(6, 2, 1f, 7, 3), Init.normal(6, 3, 1f, 7)));
    }

    @Test
    void twoLiveLinearCrossEntropiesDoNotShareTheirLogits() {
        int[] targets = {1, 0, 4, 2, 3};
        float[] ones = {1f, 1f, 1f, 1f, 1f};
        List<Variable> fused = headInputs(true);
        List<Variable> composed = headInputs(true);
        Variable scaled = ElementwiseOps.scale(fused.get(0), 2f);
        Variable a = ElementwiseOps.add(
                LossOps.linearCrossEntropy(fused.get(0), fused.get(1), fused.get(2), targets, ones, 5f),
                LossOps.linearCrossEntropy(scaled, fused.get(1), fused.get(2), targets, ones, 5f));
        a.backward();
        Variable twice = ElementwiseOps.scale(composed.get(0), 2f);
        Variable b = ElementwiseOps.add(
                LossOps.crossEntropy(MatrixOps.linear(composed.get(0), composed.get(1), composed.get(2)), targets),
                LossOps.crossEntropy(MatrixOps.linear(twice, composed.get(1), composed.get(2)), targets));
        b.backward();
        assertEquals(b.value().get(0), a.value().get(0));
        for (int i = 0; i < 3; i++) {
            assertArrayEquals(composed.get(i).grad().toArray(), fused.get(i).grad().toArray(), "input " + i);
        }
    }

    @Test
    void linearCrossEntropyWithoutGradientsRecordsNothing() {
        List<Variable> inputs = headInputs(true);
        float expected = LossOps.crossEntropy(MatrixOps.linear(inputs.get(0), inputs.get(1), inputs.get(2)),
                new int[] {1, 2, 3, 4, 5}).value().get(0);
        Autograd.clearTape();
        try (var scope = Autograd.noGrad()) {
            Variable loss = LossOps.linearCrossEntropy(inputs.get(0), inputs.get(1), inputs.get(2),
                    new int[] {1, 2, 3, 4, 5}, new float[] {1, 1, 1, 1, 1}, 5f);
            assertEquals(expected, loss.value().get(0));
            assertEquals(0, Autograd.tapeSize());
        }
    }

    /** x [5, 3], weight [37, 3], bias [37] as leaves, the same values on every call. */
    private static List<Variable> headInputs(boolean withBias) {
        List<Variable> inputs = new java.util.ArrayList<>(List.of(Variable.leaf(Init.normal(7, 1, 1f, 5, 3)),
                Variable.leaf(Init.normal(7, 2, 1f, 37, 3))));
        if (withBias) {
            inputs.add(Variable.leaf(Init.normal(7, 3, 1f, 37)));
        }
        return inputs;
    }

    @Test
    void mismatchedTargetsAreNamed() {
        var error = assertThrows(IllegalArgumentException.class,
                () -> LossOps.crossEntropy(Variable.constant(Tensor.zeros(3, 4)), new int[] {0, 1}));
        assertEquals("crossEntropy: logits [3, 4] (3 rows), 2 targets, 2 weights", error.getMessage());
    }
}
