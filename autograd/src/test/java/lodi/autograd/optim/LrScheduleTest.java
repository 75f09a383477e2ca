package lodi.autograd.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** Values at key steps, worked out by hand from HuggingFace's lr_lambda formulas. */
class LrScheduleTest {
    private static final double EXACT = 1e-15;

    @Test
    void linearWarmupThenLinearDecayToZero() {
        LrSchedule s = LrSchedule.linear(1e-3, 10, 110);
        assertEquals(0.0, s.lr(0));
        assertEquals(0.5e-3, s.lr(5), EXACT);
        assertEquals(1e-3, s.lr(10), EXACT);
        assertEquals(0.5e-3, s.lr(60), EXACT);
        assertEquals(0.01e-3, s.lr(109), EXACT);
        assertEquals(0.0, s.lr(110));
        assertEquals(0.0, s.lr(500));
    }

    @Test
    void cosineFollowsHuggingFaceIncludingPastTheEnd() {
        LrSchedule s = LrSchedule.cosine(2.0, 4, 104);
        assertEquals(0.0, s.lr(0));
        assertEquals(1.0, s.lr(2), EXACT);
        assertEquals(2.0, s.lr(4), EXACT);
        assertEquals(1.0, s.lr(54), EXACT);
        assertEquals(2.0 * 0.5 * (1 + Math.cos(Math.PI * 0.25)), s.lr(29), EXACT);
        assertEquals(0.0, s.lr(104), EXACT);
        // HF does not clamp progress: a cosine schedule run past its end climbs again.
        assertEquals(1.0, s.lr(154), EXACT);
    }

    @Test
    void constantAfterWarmupAndZeroWarmupStartsAtPeak() {
        LrSchedule s = LrSchedule.constant(3.0, 3);
        assertEquals(1.0, s.lr(1), EXACT);
        assertEquals(3.0, s.lr(3));
        assertEquals(3.0, s.lr(1_000_000));
        assertEquals(1.0, LrSchedule.linear(1.0, 0, 10).lr(0));
        assertEquals(1.0, LrSchedule.cosine(1.0, 0, 10).lr(0));
    }

    @Test
    void floorLiftsOnlyTheDecayPhase() {
        LrSchedule s = LrSchedule.cosine(1.0, 10, 110).withFloor(0.1);
        assertEquals(0.0, s.lr(0));
        assertEquals(0.5, s.lr(5), EXACT);
        assertEquals(1.0, s.lr(10), EXACT);
        assertEquals(0.55, s.lr(60), EXACT);
        assertEquals(0.1, s.lr(110), EXACT);
        assertEquals(0.1, LrSchedule.linear(1.0, 0, 10).withFloor(0.1).lr(25), EXACT);
    }

    @Test
    void badArgumentsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> LrSchedule.linear(-1, 0, 10));
        assertThrows(IllegalArgumentException.class, () -> LrSchedule.linear(1, -1, 10));
        assertThrows(IllegalArgumentException.class, () -> LrSchedule.cosine(1, 0, 10).withFloor(1.5));
        assertThrows(IllegalArgumentException.class, () -> LrSchedule.cosine(1, 0, 10).lr(-1));
    }
}
