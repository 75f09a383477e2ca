package lodi.autograd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import lodi.tensor.Gemm;
import lodi.tensor.Tensor;
import org.junit.jupiter.api.Test;

class MatrixOpsTest {
    private static Tensor random(long stream, int... shape) {
        return Init.normal(7, stream, 1f, shape);
    }

    @Test
    void linearGradientsMatchFiniteDifferences() {
        GradCheck.standard().check("linear", v -> MatrixOps.linear(v.get(0), v.get(1), v.get(2)),
                List.of(random(1, 2, 3, 5), random(2, 4, 5), random(3, 4)));
    }

    @Test
    void matmulGradientsMatchFiniteDifferencesInEveryTransposeForm() {
        for (boolean ta : new boolean[] {false, true}) {
            for (boolean tb : new boolean[] {false, true}) {
                Tensor a = ta ? random(4, 5, 3) : random(4, 3, 5);
                Tensor b = tb ? random(5, 2, 5) : random(5, 5, 2);
                GradCheck.standard().check("matmul ta=" + ta + " tb=" + tb,
                        v -> MatrixOps.matmul(v.get(0), ta, v.get(1), tb), List.of(a, b));
            }
        }
    }

    @Test
    void frozenWeightGetsNoBufferAndCostsNoWeightGradientGemm() {
        Linear layer = new Linear(6, 4, true, 1, 0);
        layer.weight().setRequiresGrad(false);
        Variable x = Variable.leaf(random(6, 3, 6));
        Variable y = layer.forward(x);
        long before = Gemm.calls();
        y.backward(Tensor.full(1f, 3, 4));
        assertEquals(1, Gemm.calls() - before, "only the input-gradient GEMM should run");
        assertNull(layer.weight().grad());
        assertNotNull(layer.bias().grad());
        assertNotNull(x.grad());
    }

    @Test
    void noGradRecordsNothing() {
        Linear layer = new Linear(3, 2, true, 1, 0);
        int before = Autograd.tapeSize();
        try (var scope = Autograd.noGrad()) {
            Variable y = layer.forward(Variable.constant(random(8, 4, 3)));
            assertEquals(false, y.requiresGrad());
        }
        assertEquals(before, Autograd.tapeSize());
    }

    @Test
    void shapeErrorsNameTheShapes() {
        var error = assertThrows(IllegalArgumentException.class,
                () -> MatrixOps.linear(Variable.constant(Tensor.zeros(2, 3)), Variable.constant(Tensor.zeros(4, 5)), null));
        assertEquals("linear: input [2, 3], weight [4, 5]", error.getMessage());
    }
}
