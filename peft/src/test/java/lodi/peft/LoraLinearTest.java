package lodi.peft;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import lodi.autograd.ElementwiseOps;
import lodi.autograd.GradCheck;
import lodi.autograd.Init;
import lodi.autograd.Linear;
import lodi.autograd.MatrixOps;
import lodi.autograd.Parameter;
import lodi.autograd.RandomOps;
import lodi.autograd.Variable;
import lodi.tensor.Tensor;
import org.junit.jupiter.api.Test;

class LoraLinearTest {
    private static LoraLinear loraLinear(double dropout) {
        return new LoraLinear(new Linear(12, 7, true, 3, 5), 4, 8, dropout, () -> 99L, 3, 77);
    }

    private static void randomiseB(LoraLinear lora) {
        Parameter b = lora.namedParameters().get("lora_B.weight");
        b.value().copyFrom(Init.normal(1, 2, 0.5f, 7, 4));
    }

    @Test
    void loraParametersCarryPeftNamesAndStartAsTheBaseLayer() {
        Linear plain = new Linear(12, 7, true, 3, 5);
        LoraLinear lora = loraLinear(0.0);
        assertEquals(List.of("base_layer.weight", "base_layer.bias", "lora_A.weight", "lora_B.weight"),
                List.copyOf(lora.namedParameters().keySet()));
        assertArrayEquals(new int[] {4, 12}, lora.namedParameters().get("lora_A.weight").shape());
        assertArrayEquals(new int[] {7, 4}, lora.namedParameters().get("lora_B.weight").shape());
        Variable x = Variable.constant(Init.normal(4, 0, 1f, 5, 12));
        assertArrayEquals(plain.forward(x).value().toArray(), lora.forward(x).value().toArray(), "B = 0: exactly the base");
    }

    @Test
    void mergeMatchesTheUnmergedOutputAndUnmergeRestoresTheWeight() {
        LoraLinear lora = loraLinear(0.1);
        randomiseB(lora);
        lora.eval();
        Variable x = Variable.constant(Init.normal(4, 0, 1f, 6, 12));
        float[] unmerged = lora.forward(x).value().toArray();
        float[] weight = lora.baseLayer().weight().value().toArray();
        lora.merge();
        assertTrue(lora.merged());
        assertClose(unmerged, lora.forward(x).value().toArray(), 1e-5f);
        assertThrows(IllegalStateException.class, lora::merge);
        lora.unmerge();
        assertClose(weight, lora.baseLayer().weight().value().toArray(), 1e-6f);
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
        LoraLinear lora = loraLinear(0.25);
        randomiseB(lora);
        Linear base = lora.baseLayer();
        base.weight().setRequiresGrad(false);
        base.bias().setRequiresGrad(false);
        Tensor input = Init.normal(4, 0, 1f, 5, 12);
        GradCheck.standard().check("LoRA linear, input", v -> lora.forward(v.get(0)), List.of(input));
        GradCheck.standard().checkParameters("LoRA linear, A and B", () -> lora.forward(Variable.constant(input)),
                lora.namedParameters());
        assertEquals(null, base.weight().grad(), "the frozen base weight gets no gradient");
    }

    /**
     * The layer runs as one fused op; its output and every gradient must be bitwise those of the composition it
     * replaces, recorded in the order the layer used to record it (the base first), with dropout in training and
     * without, for a trainable and a frozen base; odd sizes, so that the SIMD kernels run their tails.
     */
    @Test
    void fusedOpIsBitwiseTheComposedOps() {
        for (double dropout : new double[] {0.0, 0.25}) {
            for (boolean frozenBase : new boolean[] {false, true}) {
                LoraLinear lora = new LoraLinear(new Linear(40, 23, true, 3, 5), 5, 8, dropout, () -> 99L, 3, 77);
                lora.namedParameters().get("lora_B.weight").value().copyFrom(Init.normal(1, 2, 0.5f, 23, 5));
                lora.baseLayer().weight().setRequiresGrad(!frozenBase);
                lora.baseLayer().bias().setRequiresGrad(!frozenBase);
                Tensor input = Init.normal(4, 0, 1f, 37, 40);
                Tensor outputGrad = Init.normal(6, 0, 1f, 37, 23);
                String where = "dropout " + dropout + (frozenBase ? ", frozen base" : ", trainable base");

                Variable fusedX = Variable.leaf(input.copy());
                Variable fused = lora.forward(fusedX);
                fused.backward(outputGrad);
                var fusedGrads = new java.util.LinkedHashMap<String, float[]>();
                lora.namedParameters().forEach((name, p) -> {
                    if (p.grad() != null) {
                        fusedGrads.put(name, p.grad().toArray());
                    }
                });
                lora.namedParameters().values().forEach(Parameter::zeroGrad);

                Variable composedX = Variable.leaf(input.copy());
                Variable baseOutput = lora.baseLayer().forward(composedX);
                Variable dropped = RandomOps.dropout(composedX, (float) dropout, 99L, 77, true);
                Variable lowRank = MatrixOps.linear(MatrixOps.linear(dropped,
                        lora.namedParameters().get("lora_A.weight"), null), lora.namedParameters().get("lora_B.weight"), null);
                Variable composed = ElementwiseOps.add(baseOutput, ElementwiseOps.scale(lowRank, 8f / 5));
                composed.backward(outputGrad);

                assertArrayEquals(composed.value().toArray(), fused.value().toArray(), where + ": output");
                assertArrayEquals(composedX.grad().toArray(), fusedX.grad().toArray(), where + ": input gradient");
                assertEquals(frozenBase ? 2 : 4, fusedGrads.size(), where + ": " + fusedGrads.keySet());
                fusedGrads.forEach((name, grad) -> assertArrayEquals(
                        lora.namedParameters().get(name).grad().toArray(), grad, where + ": " + name));
            }
        }
    }

    @Test
    void badRankOrDropoutIsRefused() {
        Linear base = new Linear(12, 7, true, 3, 5);
        assertThrows(IllegalArgumentException.class, () -> new LoraLinear(base, 0, 8, 0.1, () -> 1L, 3, 77));
        assertThrows(IllegalArgumentException.class, () -> new LoraLinear(base, 4, 8, 1.0, () -> 1L, 3, 77));
    }
}
