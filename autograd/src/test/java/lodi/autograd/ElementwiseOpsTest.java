package lodi.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import lodi.tensor.Tensor;
import org.junit.jupiter.api.Test;

class ElementwiseOpsTest {
    private static Tensor random(long stream, int... shape) {
        return Init.normal(11, stream, 1f, shape);
    }

    /** Normal values pushed at least 0.1 away from 0, so a ±ε step never crosses ReLU's kink. */
    private static Tensor awayFromZero(long stream, int... shape) {
        Tensor t = random(stream, shape);
        for (int i = 0; i < t.size(); i++) {
            float v = t.get(i);
            t.set(i, Math.copySign(0.1f + Math.abs(v), v));
        }
        return t;
    }

    @Test
    void binaryOpsGradientsMatchFiniteDifferences() {
        List<Tensor> inputs = List.of(random(1, 3, 17), random(2, 3, 17));
        GradCheck.standard().check("add", v -> ElementwiseOps.add(v.get(0), v.get(1)), inputs);
        GradCheck.standard().check("sub", v -> ElementwiseOps.sub(v.get(0), v.get(1)), inputs);
        GradCheck.standard().check("mul", v -> ElementwiseOps.mul(v.get(0), v.get(1)), inputs);
        GradCheck.standard().check("scale", v -> ElementwiseOps.scale(v.get(0), -2.5f), List.of(random(3, 4, 5)));
        GradCheck.standard().check("addBias", v -> ElementwiseOps.addBias(v.get(0), v.get(1)),
                List.of(random(4, 2, 3, 19), random(5, 19)));
    }

    @Test
    void activationGradientsMatchFiniteDifferences() {
        List<Tensor> x = List.of(awayFromZero(6, 5, 13));
        GradCheck.standard().check("gelu tanh", v -> ElementwiseOps.gelu(v.get(0), GeluApproximation.TANH), x);
        GradCheck.standard().check("gelu erf", v -> ElementwiseOps.gelu(v.get(0), GeluApproximation.ERF), x);
        GradCheck.standard().check("relu", v -> ElementwiseOps.relu(v.get(0)), x);
        GradCheck.standard().check("silu", v -> ElementwiseOps.silu(v.get(0)), x);
        GradCheck.standard().check("tanh", v -> ElementwiseOps.tanh(v.get(0)), x);
    }

    @Test
    void forwardValuesAreTheFormulas() {
        Variable a = Variable.constant(Tensor.of(new float[] {1, -2, 3}, 3));
        Variable b = Variable.constant(Tensor.of(new float[] {4, 5, -6}, 3));
        assertArrayEquals(new float[] {5, 3, -3}, ElementwiseOps.add(a, b).value().toArray());
        assertArrayEquals(new float[] {-3, -7, 9}, ElementwiseOps.sub(a, b).value().toArray());
        assertArrayEquals(new float[] {4, -10, -18}, ElementwiseOps.mul(a, b).value().toArray());
        assertArrayEquals(new float[] {0.5f, -1, 1.5f}, ElementwiseOps.scale(a, 0.5f).value().toArray());
        assertArrayEquals(new float[] {1, 0, 3}, ElementwiseOps.relu(a).value().toArray());
        Variable x = Variable.constant(Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3));
        assertArrayEquals(new float[] {2, 4, 6, 5, 7, 9},
                ElementwiseOps.addBias(x, Variable.constant(Tensor.of(new float[] {1, 2, 3}, 3))).value().toArray());
        assertEquals(0.8413447f, ElementwiseOps.gelu(Variable.constant(Tensor.full(1f, 1)), GeluApproximation.ERF)
                .value().get(0), 1e-6f);
        assertEquals(0.8411920f, ElementwiseOps.gelu(Variable.constant(Tensor.full(1f, 1)), GeluApproximation.TANH)
                .value().get(0), 1e-6f);
    }

    @Test
    void inputsThatDoNotRequireGradientsGetNone() {
        Variable x = Variable.leaf(random(7, 4, 6));
        Variable frozen = Variable.constant(random(8, 4, 6));
        Variable bias = Variable.constant(random(9, 6));
        Variable y = ElementwiseOps.addBias(ElementwiseOps.mul(ElementwiseOps.sub(frozen, x), frozen), bias);
        y.backward(Tensor.full(1f, 4, 6));
        assertNotNull(x.grad());
        assertNull(frozen.grad());
        assertNull(bias.grad());
        // d/dx of (frozen − x)·frozen is −frozen
        for (int i = 0; i < 24; i++) {
            assertEquals(-frozen.value().get(i), x.grad().get(i), 1e-6f);
        }
    }

    @Test
    void shapeErrorsNameBothShapes() {
        var error = assertThrows(IllegalArgumentException.class, () -> ElementwiseOps.add(
                Variable.constant(Tensor.zeros(2, 3)), Variable.constant(Tensor.zeros(3, 2))));
        assertEquals("add: shapes [2, 3] and [3, 2] differ", error.getMessage());
        error = assertThrows(IllegalArgumentException.class, () -> ElementwiseOps.addBias(
                Variable.constant(Tensor.zeros(2, 3)), Variable.constant(Tensor.zeros(2))));
        assertEquals("addBias: input [2, 3] and bias [2] (the bias must be [3])", error.getMessage());
    }
}
