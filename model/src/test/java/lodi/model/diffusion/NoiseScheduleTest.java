package lodi.model.diffusion;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class NoiseScheduleTest {

    @Test
    void everyScheduleStartsCleanEndsMaskedAndDecreases() {
        for (NoiseSchedule schedule : List.of(NoiseSchedule.cosine(100), NoiseSchedule.linear(100),
                NoiseSchedule.cosine(7), NoiseSchedule.logLinear(1e-3, 50))) {
            assertEquals(1.0, schedule.alphaBar(0), 0, schedule.toString());
            assertTrue(schedule.alphaBar(1) < 1e-3, schedule + " ends at " + schedule.alphaBar(1));
            double previous = 1;
            for (int i = 1; i <= 1000; i++) {
                double alphaBar = schedule.alphaBar(i / 1000.0);
                assertTrue(alphaBar <= previous, schedule + " increases at " + i / 1000.0);
                assertEquals(1 - alphaBar, schedule.maskProbability(i / 1000.0), 1e-15);
                previous = alphaBar;
            }
        }
    }

    @Test
    void cosineFollowsTheImprovedDdpmCurveUntilTheClip() {
        NoiseSchedule.Discrete cosine = NoiseSchedule.cosine(100);
        for (int t = 0; t < 100; t++) {
            assertEquals(f(t / 100.0) / f(0), cosine.alphaBarAtStep(t), 1e-12, "t = " + t);
        }
        // f(1) = 0 would give β_T = 1; the 0.999 clip leaves ᾱ_T = 0.001 · ᾱ_{T−1}.
        assertEquals(0.001 * cosine.alphaBarAtStep(99), cosine.alphaBarAtStep(100), 1e-15);
        assertTrue(cosine.alphaBarAtStep(100) > 0);
    }

    private static double f(double tau) {
        double c = Math.cos((tau + 0.008) / 1.008 * Math.PI / 2);
        return c * c;
    }

    @Test
    void linearAndLogLinearValues() {
        NoiseSchedule.Discrete linear = NoiseSchedule.linear(10);
        assertEquals(0.7, linear.alphaBarAtStep(3), 1e-15);
        assertEquals(0.75, linear.alphaBar(0.25), 1e-15, "interpolated between grid points");
        assertEquals(0.0, linear.alphaBar(1), 0);
        NoiseSchedule.Discrete cosine = NoiseSchedule.cosine(100);
        for (int t = 0; t <= 100; t++) {
            assertEquals(cosine.alphaBarAtStep(t), cosine.alphaBar((float) t / 100), 0, "grid time " + t + "/100 as a float");
        }
        NoiseSchedule logLinear = NoiseSchedule.logLinear(1e-3, 10);
        assertEquals(0.6, logLinear.alphaBar(0.4), 1e-15);
    }

    @Test
    void elboWeights() {
        NoiseSchedule.Discrete linear = NoiseSchedule.linear(10);
        for (int t = 1; t <= 10; t++) {
            assertEquals(10.0 / t, linear.elboWeight(t / 10.0), 1e-9, "linear weight at t = " + t);
        }
        NoiseSchedule.Discrete cosine = NoiseSchedule.cosine(100);
        double expected = 100 * (cosine.alphaBarAtStep(49) - cosine.alphaBarAtStep(50)) / (1 - cosine.alphaBarAtStep(50));
        assertEquals(expected, cosine.elboWeight(0.5), 1e-9);
        assertEquals(4.0, NoiseSchedule.logLinear(1e-3, 10).elboWeight(0.25), 1e-12);
    }

    @Test
    void trainingTimesCoverTheirRange() {
        NoiseSchedule.Discrete cosine = NoiseSchedule.cosine(100);
        assertEquals(0.01, cosine.sampleTime(0), 1e-12);
        assertEquals(1.0, cosine.sampleTime(Math.nextDown(1.0)), 1e-12);
        assertEquals(0.51, cosine.sampleTime(0.505), 1e-12);
        NoiseSchedule logLinear = NoiseSchedule.logLinear(0.01, 10);
        assertEquals(1.0, logLinear.sampleTime(0), 0);
        assertTrue(logLinear.sampleTime(Math.nextDown(1.0)) > 0.01);
    }

    @Test
    void badParametersAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> NoiseSchedule.cosine(0));
        assertThrows(IllegalArgumentException.class, () -> NoiseSchedule.logLinear(0, 10));
        assertThrows(IllegalArgumentException.class, () -> NoiseSchedule.linear(10).alphaBar(1.5));
    }
}
