package lodi.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import lodi.tensor.Tensor;
import org.junit.jupiter.api.Test;

class LinearLoraTest {
    private static Linear loraLinear(double dropout) {
        Linear linear = new Linear(12, 7, true, 3, 5);
        linear.attachLora(4, 8, dropout, () -> 99L, 3, 77);
        return linear;
    }

    private static void randomiseB(Linear linear) {
        Parameter b = linear.namedParameters().get("lora_B.weight");
        b.value().copyFrom(Init.normal(1, 2, 0.5f, 7, 4));
    }

    @Test
    void loraParametersCarryPeftNamesAndStartAsTheBaseLayer() {
        Linear plain = new Linear(12, 7, true, 3, 5);
        Linear lora = loraLinear(0.0);
        assertEquals(List.of("weight", "bias", "lora_A.weight", "lora_B.weight"), List.copyOf(lora.namedParameters().keySet()));
        assertArrayEquals(new int[] {4, 12}, lora.namedParameters().get("lora_A.weight").shape());
        assertArrayEquals(new int[] {7, 4}, lora.namedParameters().get("lora_B.weight").shape());
        Variable x = Variable.constant(Init.normal(4, 0, 1f, 5, 12));
        assertArrayEquals(plain.forward(x).value().toArray(), lora.forward(x).value().toArray(), "B = 0: exactly the base");
    }

    @Test
    void mergeMatchesTheUnmergedOutputAndUnmergeRestoresTheWeight() {
        Linear lora = loraLinear(0.1);
        randomiseB(lora);
        lora.eval();
        Variable x = Variable.constant(Init.normal(4, 0, 1f, 6, 12));
        float[] unmerged = lora.forward(x).value().toArray();
        float[] weight = lora.weight().value().toArray();
        lora.merge();
        assertTrue(lora.merged());
        assertClose(unmerged, lora.forward(x).value().toArray(), 1e-5f);
        assertThrows(IllegalStateException.class, lora::merge);
        lora.unmerge();
        assertClose(weight, lora.weight().value().toArray(), 1e-6f);
        assertClose(unmerged, lora.forward(x).value().toArray(), 1e-5f);
    }

    /** Float tolerance: merging rounds W + (α/r)·B·A once, the unmerged path rounds its two products apart. */
    private static void assertClose(float[] expected, float[] actual, float tolerance) {
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], tolerance * (1 + Math.abs(expected[i])), "element " + i);
        }
    }

    @Test
    void frozenBaseWithLoraPassesTheGradientCheck() {
        Linear lora = loraLinear(0.25);
        randomiseB(lora);
        lora.weight().setRequiresGrad(false);
        lora.bias().setRequiresGrad(false);
        Tensor input = Init.normal(4, 0, 1f, 5, 12);
        GradCheck.standard().check("LoRA linear, input", v -> lora.forward(v.get(0)), List.of(input));
        GradCheck.standard().checkParameters("LoRA linear, A and B", () -> lora.forward(Variable.constant(input)),
                lora.namedParameters());
        assertEquals(null, lora.weight().grad(), "the frozen base weight gets no gradient");
    }
}
