package lodi.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import lodi.tensor.Tensor;
import org.junit.jupiter.api.Test;

class NormOpsTest {
    private static Tensor random(long stream, float std, int... shape) {
        return Init.normal(13, stream, std, shape);
    }

    @Test
    void layerNormGradientsMatchFiniteDifferences() {
        Tensor gamma = random(2, 0.5f, 19);
        for (int i = 0; i < gamma.size(); i++) {
            gamma.set(i, gamma.get(i) + 1f);
        }
        GradCheck.standard().check("layerNorm", v -> NormOps.layerNorm(v.get(0), v.get(1), v.get(2), 1e-5f),
                List.of(random(1, 1f, 2, 3, 19), gamma, random(3, 1f, 19)));
    }

    @Test
    void softmaxGradientsMatchFiniteDifferences() {
        GradCheck.standard().check("softmax", v -> NormOps.softmax(v.get(0)), List.of(random(4, 2f, 3, 2, 17)));
    }

    @Test
    void layerNormNormalisesEachRowAndTheModuleMatchesPyTorchNames() {
        LayerNorm norm = new LayerNorm(4);
        assertEquals(List.of("weight", "bias"), List.copyOf(norm.namedParameters().keySet()));
        assertEquals(1e-12f, norm.eps());
        Variable y = norm.forward(Variable.constant(Tensor.of(new float[] {1, 2, 3, 4, 10, 10, 10, 10}, 2, 4)));
        float s = (float) (1 / Math.sqrt(1.25));
        assertArrayEquals(new float[] {-1.5f * s, -0.5f * s, 0.5f * s, 1.5f * s, 0, 0, 0, 0}, y.value().toArray(), 1e-6f);
    }

    @Test
    void frozenLayerNormParametersGetNoGradient() {
        LayerNorm norm = new LayerNorm(6, 1e-5f);
        norm.weight().setRequiresGrad(false);
        Variable x = Variable.leaf(random(5, 1f, 3, 6));
        norm.forward(x).backward(random(6, 1f, 3, 6));
        assertNull(norm.weight().grad());
        assertNotNull(norm.bias().grad());
        assertNotNull(x.grad());
    }

    @Test
    void softmaxRowsSumToOne() {
        Variable y = NormOps.softmax(Variable.constant(random(7, 3f, 4, 9)));
        for (int r = 0; r < 4; r++) {
            double sum = 0;
            for (int c = 0; c < 9; c++) {
                sum += y.value().get(r * 9 + c);
            }
            assertEquals(1.0, sum, 1e-6);
        }
    }

    @Test
    void layerNormShapeErrorsNameTheShapes() {
        var error = assertThrows(IllegalArgumentException.class, () -> NormOps.layerNorm(
                Variable.constant(Tensor.zeros(2, 5)), Variable.constant(Tensor.zeros(4)),
                Variable.constant(Tensor.zeros(4)), 1e-5f));
        assertEquals("layerNorm: input [2, 5], gamma [4], beta [4] (both must be [5])", error.getMessage());
    }
}
