package lodi.peft;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

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

/** trainingLoss is the fused form of crossEntropy(trainingLogits): the same loss and gradients, bit for bit. */
class TrainingLossTest {
    @ParameterizedTest
    @EnumSource(PeftMethod.class)
    void trainingLossEqualsCrossEntropyOfTheTrainingLogits(PeftMethod method) {
        TokenBatch batch = ToyTraining.TASK.batch(List.of(ToyLabelTask.example(1, 0), ToyLabelTask.example(1, 1),
                ToyLabelTask.example(1, 2)), 32);
        float[] times = {0.9f, 0.5f, 0.1f};
        int[] positions = {batch.seqLen() - 2, 2, 2 * batch.seqLen() + 1, batch.seqLen() + 3};
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
