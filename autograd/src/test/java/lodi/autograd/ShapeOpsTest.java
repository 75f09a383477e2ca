package lodi.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import lodi.tensor.Tensor;
import org.junit.jupiter.api.Test;

class ShapeOpsTest {
    private static Tensor random(long stream, int... shape) {
        return Init.normal(11, stream, 1f, shape);
    }

    @Test
    void reshapeIsAViewAndItsGradientIsReshapedBack() {
        Variable x = Variable.constant(random(1, 2, 6));
        Variable y = ShapeOps.reshape(x, 3, -1);
        assertArrayEquals(new int[] {3, 4}, y.shape());
        assertEquals(x.value().data(), y.value().data());
        GradCheck.standard().check("reshape", v -> ShapeOps.reshape(v.get(0), 4, 3), List.of(random(1, 2, 6)));
    }

    @Test
    void splitAndMergeHeadsAreInversesWithGradients() {
        Tensor x = random(2, 2, 3, 8);
        Variable split = ShapeOps.splitHeads(Variable.constant(x), 4);
        assertArrayEquals(new int[] {2, 4, 3, 2}, split.shape());
        // head 1, position 2 of batch 1 holds model-dim columns 2..3 of x[1, 2]
        assertEquals(x.at(1, 2, 3), split.value().at(1, 1, 2, 1));
        assertArrayEquals(x.toArray(), ShapeOps.mergeHeads(split).value().toArray());
        GradCheck.standard().check("splitHeads", v -> ShapeOps.splitHeads(v.get(0), 4), List.of(x));
        GradCheck.standard().check("mergeHeads", v -> ShapeOps.mergeHeads(v.get(0)), List.of(random(3, 2, 4, 3, 2)));
    }

    @Test
    void gatherRowsSelectsAndScatterAddsRepeatedRows() {
        int[] rows = {4, 0, 4, 2};
        Tensor x = random(4, 5, 3);
        Variable y = ShapeOps.gatherRows(Variable.constant(x), rows);
        assertEquals(x.at(4, 2), y.value().at(2, 2));
        GradCheck.standard().check("gatherRows", v -> ShapeOps.gatherRows(v.get(0), rows), List.of(x));
    }

    @Test
    void sliceRowsIsAViewWithGradientIntoTheSlice() {
        Tensor x = random(5, 4, 3);
        assertEquals(x.at(2, 1), ShapeOps.sliceRows(Variable.constant(x), 1, 3).value().at(1, 1));
        GradCheck.standard().check("sliceRows", v -> ShapeOps.sliceRows(v.get(0), 1, 3), List.of(x));
    }

    @Test
    void concatAlongTheLastAndTheFirstDimension() {
        Tensor a = random(6, 2, 3, 2);
        Tensor b = random(7, 2, 3, 5);
        Variable last = ShapeOps.concatLastDim(Variable.constant(a), Variable.constant(b));
        assertArrayEquals(new int[] {2, 3, 7}, last.shape());
        assertEquals(b.at(1, 2, 4), last.value().at(1, 2, 6));
        assertEquals(a.at(1, 0, 1), last.value().at(1, 0, 1));
        GradCheck.standard().check("concatLastDim", v -> ShapeOps.concatLastDim(v.get(0), v.get(1)), List.of(a, b));

        Tensor c = random(8, 1, 3, 2);
        Variable first = ShapeOps.concatFirstDim(Variable.constant(a), Variable.constant(c));
        assertArrayEquals(new int[] {3, 3, 2}, first.shape());
        assertEquals(c.at(0, 2, 1), first.value().at(2, 2, 1));
        GradCheck.standard().check("concatFirstDim", v -> ShapeOps.concatFirstDim(v.get(0), v.get(1)), List.of(a, c));
    }

    @Test
    void shapeErrorsNameTheShapes() {
        var error = assertThrows(IllegalArgumentException.class, () -> ShapeOps.concatLastDim(
                Variable.constant(Tensor.zeros(2, 3)), Variable.constant(Tensor.zeros(3, 3))));
        assertEquals("concatLastDim: shapes [2, 3] and [3, 3] differ before the last dimension", error.getMessage());
        var heads = assertThrows(IllegalArgumentException.class,
                () -> ShapeOps.splitHeads(Variable.constant(Tensor.zeros(1, 2, 6)), 4));
        assertTrue(heads.getMessage().contains("[1, 2, 6]"), heads.getMessage());
    }
}
