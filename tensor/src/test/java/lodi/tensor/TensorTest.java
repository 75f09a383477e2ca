package lodi.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TensorTest {
    @Test
    void reshapeAndRowsAreViewsOverTheSameStorage() {
        Tensor t = Tensor.of(new float[] {0, 1, 2, 3, 4, 5}, 2, 3);
        Tensor flat = t.reshape(-1);
        assertArrayEquals(new int[] {6}, flat.shape());
        Tensor second = t.rows(1, 2);
        assertEquals(3f, second.get(0));
        second.set(0, 30f);
        assertEquals(30f, t.at(1, 0));
        assertEquals(30f, flat.get(3));
    }

    @Test
    void shapeErrorsNameBothShapes() {
        Tensor a = Tensor.zeros(2, 3);
        Tensor b = Tensor.zeros(3, 2);
        var error = assertThrows(IllegalArgumentException.class, () -> a.copyFrom(b));
        assertTrue(error.getMessage().contains("[2, 3]") && error.getMessage().contains("[3, 2]"), error.getMessage());
        assertThrows(IllegalArgumentException.class, () -> a.reshape(4, 2));
        assertThrows(IllegalArgumentException.class, () -> Tensor.of(new float[5], 2, 3));
    }

    @Test
    void counterRngIsAPureFunctionOfItsKey() {
        assertEquals(CounterRng.bits(42, 1, 7), CounterRng.bits(42, 1, 7));
        assertTrue(CounterRng.bits(42, 1, 7) != CounterRng.bits(42, 1, 8));
        double mean = 0;
        for (int i = 0; i < 10000; i++) {
            float u = CounterRng.uniform(3, 0, i);
            assertTrue(u >= 0f && u < 1f);
            mean += u;
        }
        assertEquals(0.5, mean / 10000, 0.02);
    }

    @Test
    void parallelForEachVisitsEveryIndexOnce() {
        int[] hits = new int[1001];
        Parallel.forEach(hits.length, i -> hits[i]++);
        for (int h : hits) {
            assertEquals(1, h);
        }
    }
}
