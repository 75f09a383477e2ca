package lodi.model.diffusion;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import lodi.tensor.Tensor;
import org.junit.jupiter.api.Test;

class DenoisingAccuracyTest {

    @Test
    void countsArgmaxHitsAcrossBatches() {
        DenoisingAccuracy accuracy = new DenoisingAccuracy();
        assertTrue(Double.isNaN(accuracy.accuracy()));
        Tensor logits = Tensor.of(new float[] {0, 3, 1, 2, 2, 0, 5, -1, 4}, 3, 3);
        accuracy.add(logits, new int[] {1, 0, 2});
        assertEquals(2, accuracy.correct(), "ties go to the lowest id: row 1 predicts 0");
        accuracy.add(logits.rows(0, 1), new int[] {2});
        assertEquals(2, accuracy.correct());
        assertEquals(4, accuracy.total());
        assertEquals(0.5, accuracy.accuracy());
        assertThrows(IllegalArgumentException.class, () -> accuracy.add(logits, new int[] {1}));
    }
}
