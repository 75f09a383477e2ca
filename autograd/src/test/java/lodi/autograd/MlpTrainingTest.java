package lodi.autograd;

import static org.junit.jupiter.api.Assertions.assertTrue;

import lodi.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** End to end: Linear → GELU → Linear learns XOR with plain SGD written out here. */
class MlpTrainingTest {
    private static final int STEPS = 400;
    private static final float LEARNING_RATE = 0.2f;
    private static final float TARGET_LOSS = 0.01f;

    @Test
    void smallMlpLearnsXorWithSgd() {
        Variable x = Variable.constant(Tensor.of(new float[] {0, 0, 0, 1, 1, 0, 1, 1}, 4, 2));
        Variable target = Variable.constant(Tensor.of(new float[] {0, 1, 1, 0}, 4, 1));
        Linear hidden = new Linear(2, 16, true, 42, 0);
        Linear output = new Linear(16, 1, true, 42, 1);

        float first = Float.NaN;
        float loss = Float.NaN;
        for (int step = 0; step < STEPS; step++) {
            Variable h = ElementwiseOps.gelu(hidden.forward(x), GeluApproximation.ERF);
            Variable error = ElementwiseOps.sub(output.forward(h), target);
            Variable mse = ReduceOps.mean(ElementwiseOps.mul(error, error));
            loss = mse.value().get(0);
            if (step == 0) {
                first = loss;
            }
            mse.backward();
            for (Linear layer : new Linear[] {hidden, output}) {
                for (Parameter p : layer.parameters()) {
                    Tensor w = p.value();
                    Tensor g = p.grad();
                    for (int i = 0; i < w.size(); i++) {
                        w.set(i, w.get(i) - LEARNING_RATE * g.get(i));
                    }
                    p.zeroGrad();
                }
            }
        }
        assertTrue(first > 0.1f, "the untrained net should not already fit XOR, loss " + first);
        assertTrue(loss < TARGET_LOSS, "loss after " + STEPS + " steps: " + loss + " (started at " + first + ")");
    }
}
