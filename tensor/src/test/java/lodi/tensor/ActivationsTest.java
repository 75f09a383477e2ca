package lodi.tensor;

import static lodi.tensor.KernelChecks.OFF;
import static lodi.tensor.KernelChecks.SIZES;
import static lodi.tensor.KernelChecks.assertClose;
import static lodi.tensor.KernelChecks.random;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ActivationsTest {
    /** A forward kernel signature, so one test loop covers every activation. */
    private interface Forward {
        void run(int n, float[] x, int xOff, float[] y, int yOff);
    }

    private interface Backward {
        void run(int n, float[] x, int xOff, float[] dy, int dyOff, float[] dx, int dxOff);
    }

    private record Kind(String name, Forward scalar, Forward vector, Backward scalarBackward, Backward vectorBackward) {
    }

    private static final Kind[] KINDS = {
        new Kind("geluTanh", Activations::geluTanhScalar, Activations::geluTanhVector,
                Activations::geluTanhBackwardScalar, Activations::geluTanhBackwardVector),
        new Kind("geluErf", (n, x, xo, y, yo) -> Activations.geluErfScalar(n, x, xo, y, yo, null, 0),
                (n, x, xo, y, yo) -> Activations.geluErfVector(n, x, xo, y, yo, null, 0),
                (n, x, xo, dy, dyo, dx, dxo) -> Activations.geluErfBackwardScalar(n, x, xo, cdf(n, x, xo, false), 0,
                        dy, dyo, dx, dxo),
                (n, x, xo, dy, dyo, dx, dxo) -> Activations.geluErfBackwardVector(n, x, xo, cdf(n, x, xo, true), 0,
                        dy, dyo, dx, dxo)),
        new Kind("relu", Activations::reluScalar, Activations::reluVector,
                Activations::reluBackwardScalar, Activations::reluBackwardVector),
        new Kind("silu", Activations::siluScalar, Activations::siluVector,
                Activations::siluBackwardScalar, Activations::siluBackwardVector),
        new Kind("tanh", Activations::tanhScalar, Activations::tanhVector,
                Activations::tanhBackwardScalar, Activations::tanhBackwardVector),
    };

    /** Φ(x) as each path's GELU-erf forward saves it for the backward. */
    private static float[] cdf(int n, float[] x, int xOff, boolean vector) {
        float[] cdf = new float[n];
        float[] y = new float[n];
        if (vector) {
            Activations.geluErfVector(n, x, xOff, y, 0, cdf, 0);
        } else {
            Activations.geluErfScalar(n, x, xOff, y, 0, cdf, 0);
        }
        return cdf;
    }

    /**
     * Vector against the double-precision scalar reference, inputs N(0, 3²) (reaching the saturated tails):
     * |Δ| ≤ 2e-6 + 2e-6·|reference| for forward and backward (SVML exp/tanh and the erfc fit are within a
     * few float ulps).
     */
    @Test
    void vectorPathsMatchScalarReferencesOnEverySize() {
        for (Kind kind : KINDS) {
            for (int n : SIZES) {
                float[] x = random(1, n, 3f);
                float[] dy = random(2, n, 1f);
                float[] expected = new float[OFF + n];
                float[] actual = new float[OFF + n];
                kind.scalar.run(n, x, OFF, expected, OFF);
                kind.vector.run(n, x, OFF, actual, OFF);
                assertClose(expected, actual, 2e-6, 2e-6, kind.name + " forward n=" + n);
                float[] dxExpected = random(3, n, 1f);
                float[] dxActual = dxExpected.clone();
                kind.scalarBackward.run(n, x, OFF, dy, OFF, dxExpected, OFF);
                kind.vectorBackward.run(n, x, OFF, dy, OFF, dxActual, OFF);
                assertClose(dxExpected, dxActual, 2e-6, 2e-6, kind.name + " backward n=" + n);
            }
        }
    }

    @Test
    void vectorPathsHandleExtremeInputs() {
        float[] x = {-1e4f, -200f, -88f, -20f, -9f, -1e-30f, 0f, 1e-30f, 9f, 20f, 88f, 200f, 1e4f, 5f, -5f, 0.5f, 3f};
        int n = x.length;
        for (Kind kind : KINDS) {
            float[] expected = new float[n];
            float[] actual = new float[n];
            kind.scalar.run(n, x, 0, expected, 0);
            kind.vector.run(n, x, 0, actual, 0);
            assertClose(expected, actual, 2e-6, 2e-6, kind.name + " forward at extremes");
            float[] ones = new float[n];
            java.util.Arrays.fill(ones, 1f);
            float[] dxExpected = new float[n];
            float[] dxActual = new float[n];
            kind.scalarBackward.run(n, x, 0, ones, 0, dxExpected, 0);
            kind.vectorBackward.run(n, x, 0, ones, 0, dxActual, 0);
            assertClose(dxExpected, dxActual, 2e-6, 2e-6, kind.name + " backward at extremes");
        }
    }

    /** The scalar backward formulas against central differences of the scalar forward passes. */
    @Test
    void scalarBackwardMatchesFiniteDifferencesOfScalarForward() {
        int n = 41;
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = -4f + 0.2f * i + 0.013f;
        }
        float[] ones = new float[n];
        java.util.Arrays.fill(ones, 1f);
        float h = 1e-2f;
        for (Kind kind : KINDS) {
            float[] plus = new float[n];
            float[] minus = new float[n];
            float[] xp = x.clone();
            float[] xm = x.clone();
            for (int i = 0; i < n; i++) {
                xp[i] += h;
                xm[i] -= h;
            }
            kind.scalar.run(n, xp, 0, plus, 0);
            kind.scalar.run(n, xm, 0, minus, 0);
            float[] numeric = new float[n];
            for (int i = 0; i < n; i++) {
                numeric[i] = (plus[i] - minus[i]) / (2 * h);
            }
            float[] analytic = new float[n];
            kind.scalarBackward.run(n, x, 0, ones, 0, analytic, 0);
            assertClose(numeric, analytic, 1e-3, 1e-3, kind.name + " derivative");
        }
    }

    @Test
    void referenceErfcAndGeluMatchKnownValues() {
        assertEquals(1.0, Activations.erfc(0), 1e-16);
        assertEquals(0.4795001221869535, Activations.erfc(0.5), 1e-15);
        assertEquals(2.209049699858544e-05, Activations.erfc(3), 1e-19);
        assertEquals(1.5374597944280349e-12, Activations.erfc(5), 1e-25);
        assertEquals(0.15729920705028513, Activations.erfc(1), 1e-15);
        assertEquals(4.069520174449590e-04, Activations.erfc(2.5), 1e-17);
        assertEquals(7.430983723414128e-07, Activations.erfc(3.5), 1e-20);
        float[] y = new float[2];
        Activations.geluErfScalar(2, new float[] {1f, -3f}, 0, y, 0, null, 0);
        assertEquals(0.8413447460685429f, y[0], 1e-7f);
        assertEquals(-3 * 0.0013498980316301035, y[1], 1e-9);
        Activations.geluTanhScalar(1, new float[] {1f}, 0, y, 0);
        assertEquals(0.8411919906082768f, y[0], 1e-7f);
    }
}
