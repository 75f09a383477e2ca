package lodi.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import lodi.tensor.Tensor;
import org.junit.jupiter.api.Test;

class ReduceOpsTest {
    private static Tensor random(long stream, int... shape) {
        return Init.normal(17, stream, 1f, shape);
    }

    @Test
    void reductionGradientsMatchFiniteDifferences() {
        List<Tensor> x = List.of(random(1, 3, 21));
        GradCheck.standard().check("sum", v -> ReduceOps.sum(v.get(0)), x);
        GradCheck.standard().check("mean", v -> ReduceOps.mean(v.get(0)), x);
        GradCheck.standard().check("sumOfSquares", v -> ReduceOps.sumOfSquares(v.get(0)), x);
        GradCheck.standard().check("meanRows", v -> ReduceOps.meanRows(v.get(0), new int[] {2, 0, 2}),
                List.of(random(2, 4, 7)));
    }

    @Test
    void valuesAreScalarsWithTheRightSums() {
        Variable x = Variable.constant(Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 3, 2));
        Variable sum = ReduceOps.sum(x);
        assertArrayEquals(new int[0], sum.shape());
        assertEquals(21f, sum.value().get(0));
        assertEquals(3.5f, ReduceOps.mean(x).value().get(0));
        assertEquals(91f, ReduceOps.sumOfSquares(x).value().get(0));
        assertArrayEquals(new float[] {3, 4}, ReduceOps.meanRows(x, new int[] {0, 2}).value().toArray());
    }

    @Test
    void meanBackPropagatesOneOverN() {
        Variable x = Variable.leaf(random(3, 2, 5));
        ReduceOps.mean(x).backward();
        for (int i = 0; i < 10; i++) {
            assertEquals(0.1f, x.grad().get(i));
        }
    }
}
