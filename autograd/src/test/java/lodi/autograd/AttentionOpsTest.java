package lodi.autograd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import lodi.tensor.Sequences;
import lodi.tensor.Tensor;
import org.junit.jupiter.api.Test;

class AttentionOpsTest {
    private static final int BATCH = 2;
    private static final int HEADS = 2;
    private static final int SEQ = 5;
    private static final int HEAD_DIM = 3;
    /** Two rows of five: row 0 has no padding, row 1 pads its last two positions. */
    private static final Sequences PADDED = Sequences.padded(SEQ, new int[] {5, 3});
    /** Three sequences back to back over the same ten rows. */
    private static final Sequences PACKED = Sequences.packed(new int[] {4, 1, 5});

    private static Tensor random(long stream) {
        return Init.normal(3, stream, 1f, BATCH, SEQ, HEADS * HEAD_DIM);
    }

    @Test
    void fusedGradientsMatchFiniteDifferences() {
        GradCheck.standard().check("scaledDotProductAttention",
                v -> AttentionOps.scaledDotProductAttention(v.get(0), v.get(1), v.get(2), PADDED, HEADS),
                List.of(random(1), random(2), random(3)));
        GradCheck.standard().check("scaledDotProductAttention packed",
                v -> AttentionOps.scaledDotProductAttention(v.get(0), v.get(1), v.get(2), PACKED, HEADS),
                List.of(random(4), random(5), random(6)));
    }

    @Test
    void naiveGradientsMatchFiniteDifferences() {
        GradCheck.standard().check("naiveScaledDotProductAttention",
                v -> AttentionOps.naiveScaledDotProductAttention(v.get(0), v.get(1), v.get(2), PADDED, HEADS),
                List.of(random(1), random(2), random(3)));
    }

    @Test
    void onlyInputsThatRequireGradientsGetThem() {
        Variable q = Variable.constant(random(1));
        Variable k = Variable.leaf(random(2));
        Variable v = Variable.constant(random(3));
        Variable out = AttentionOps.scaledDotProductAttention(q, k, v, PADDED, HEADS);
        out.backward(Tensor.full(1f, out.shape()));
        assertNull(q.grad());
        assertNotNull(k.grad());
        assertNull(v.grad());
    }

    @Test
    void fusedAndNaiveAgree() {
        Variable q = Variable.leaf(random(1));
        Variable k = Variable.leaf(random(2));
        Variable v = Variable.leaf(random(3));
        Tensor fused = AttentionOps.scaledDotProductAttention(q, k, v, PADDED, HEADS).value();
        Autograd.clearTape();
        Tensor naive = AttentionOps.naiveScaledDotProductAttention(q, k, v, PADDED, HEADS).value();
        Autograd.clearTape();
        for (int i = 0; i < fused.size(); i++) {
            assertEquals(naive.get(i), fused.get(i), 1e-5, "element " + i);
        }
    }

    @Test
    void shapeErrorsNameTheShapes() {
        Variable q = Variable.constant(Tensor.zeros(2, 5, 6));
        Variable k = Variable.constant(Tensor.zeros(2, 4, 6));
        var error = assertThrows(IllegalArgumentException.class,
                () -> AttentionOps.scaledDotProductAttention(q, k, q, Sequences.uniform(2, 5), 2));
        assertEquals("scaledDotProductAttention: q, k, v shapes differ: [2, 5, 6], [2, 4, 6], [2, 5, 6]",
                error.getMessage());
        var heads = assertThrows(IllegalArgumentException.class,
                () -> AttentionOps.scaledDotProductAttention(q, q, q, Sequences.uniform(2, 5), 4));
        assertEquals("scaledDotProductAttention: q [2, 5, 6] is not [T, H·Dh] for H=4", heads.getMessage());
        var rows = assertThrows(IllegalArgumentException.class,
                () -> AttentionOps.scaledDotProductAttention(q, q, q, Sequences.uniform(3, 5), 2));
        assertEquals("scaledDotProductAttention: the sequences reach row 15 but q [2, 5, 6] has 10 rows",
                rows.getMessage());
    }
}
