package lodi.peft;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import lodi.autograd.Init;
import lodi.autograd.LossOps;
import lodi.autograd.Variable;
import lodi.model.TokenBatch;
import lodi.model.bert.ToyLabelTask;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * trainingLoss is the fused form of crossEntropy(trainingLogits): the same loss and gradients, bit for bit; and it
 * is the same on rows back to back (no padding) as on rows padded to the longest.
 */
class TrainingLossTest {
    @ParameterizedTest
    @EnumSource(PeftMethod.class)
    void trainingLossEqualsCrossEntropyOfTheTrainingLogits(PeftMethod method) {
        TokenBatch batch = ToyTraining.TASK.batch(List.of(ToyLabelTask.example(1, 0), ToyLabelTask.example(1, 1),
                ToyLabelTask.example(1, 2)), 32);
        float[] times = {0.9f, 0.5f, 0.1f};
        int[] positions = {batch.start(1) - 2, 2, batch.start(2) + 1, batch.start(1) + 3};
        int[] targets = {5, LossOps.IGNORE_INDEX, 7, 11};
        float[] weights = {1f, 1f, 0.5f, 2f};
        PeftModel fused = model(method);
        Variable a = fused.trainingLoss(batch, times, positions, targets, weights, 3f);
        a.backward();
        PeftModel composed = model(method);
        Variable b = LossOps.crossEntropy(composed.trainingLogits(batch, times, positions), targets, weights, 3f);
        b.backward();
        assertEquals(b.value().get(0), a.value().get(0), method.id());
        Map<String, float[]> expected = gradients(composed);
        gradients(fused).forEach((name, grad) -> assertArrayEquals(expected.get(name), grad, method.id() + " " + name));
    }

    /**
     * The same examples packed and padded: the same loss and gradients. Every position of a row computes the same
     * per-row arithmetic in both layouts, and padding adds exact zeros to the sums over rows, so at this size the
     * bits agree. (With more rows than the GEMM's K block the weight-gradient sums over rows are split where the
     * rows fall, and may then differ by rounding.)
     */
    @ParameterizedTest
    @EnumSource(PeftMethod.class)
    void packedAndPaddedRowsGiveTheSameLossAndGradients(PeftMethod method) {
        TokenBatch packed = ToyTraining.TASK.batch(List.of(ToyLabelTask.example(1, 0), ToyLabelTask.example(2, 1),
                ToyLabelTask.example(1, 2), ToyLabelTask.example(3, 3)), 32);
        TokenBatch padded = packed.padded(ToyTraining.TASK.special.pad());
        float[] times = {0.9f, 0.5f, 0.1f, 0.7f};
        int[] positions = {packed.start(1) - 2, 2, packed.start(2) + 1, packed.start(1) + 3, packed.start(3) + 1};
        int[] paddedPositions = new int[positions.length];
        int[] rowOf = packed.rowOfPositions();
        for (int n = 0; n < positions.length; n++) {
            int row = rowOf[positions[n]];
            paddedPositions[n] = positions[n] - packed.start(row) + padded.start(row);
        }
        assertTrue(padded.ids().length > packed.ids().length, "the padded layout has padding");
        int[] targets = {5, 9, 7, 11, 4};
        float[] weights = {1f, 1f, 0.5f, 2f, 1f};
        PeftModel onPacked = model(method);
        Variable a = onPacked.trainingLoss(packed, times, positions, targets, weights, 3f);
        a.backward();
        PeftModel onPadded = model(method);
        Variable b = onPadded.trainingLoss(padded, times, paddedPositions, targets, weights, 3f);
        b.backward();
        assertEquals(b.value().get(0), a.value().get(0), method.id() + " loss");
        Map<String, float[]> expected = gradients(onPadded);
        gradients(onPacked).forEach((name, grad) -> assertArrayEquals(expected.get(name), grad, method.id() + " " + name));
    }

    /** A model with every trainable parameter moved off its initial value, so no gradient is trivially zero. */
    private static PeftModel model(PeftMethod method) {
        PeftModel model = Peft.apply(ToyTraining.tinyBase(4), PeftConfig.defaults(method), 3);
        model.train(false);
        model.trainableParameters().forEach((name, p) ->
                p.value().copyFrom(Init.normal(11, name.hashCode(), 0.3f, p.shape())));
        return model;
    }

    private static Map<String, float[]> gradients(PeftModel model) {
        Map<String, float[]> grads = new LinkedHashMap<>();
        model.trainableParameters().forEach((name, p) -> grads.put(name, p.grad() == null ? null : p.grad().toArray()));
        return grads;
    }
}
