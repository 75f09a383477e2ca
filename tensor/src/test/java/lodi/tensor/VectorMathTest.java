package lodi.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import java.util.function.DoubleUnaryOperator;
import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;

class VectorMathTest {
    private static final int L = Simd.F.length();
    private static final float[] SPECIAL = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 0f, -0f,
        1e-30f, -1e-30f, 88.72f, 88.73f, -87.3f, -87.4f, -103.9f, -104.5f, 0.625f, -0.625f, 0.62499994f, 9f, -9f,
        1e6f, -1e6f, Float.MIN_VALUE, Float.MAX_VALUE};

    private static float[] samples(long seed, int n, double from, double to) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] values = new float[n + SPECIAL.length];
        for (int i = 0; i < n; i++) {
            values[i] = (float) (from + random.nextDouble() * (to - from));
        }
        System.arraycopy(SPECIAL, 0, values, n, SPECIAL.length);
        return values;
    }

    private static double ulpError(float value, double exact) {
        return Math.abs(value - exact) / Math.ulp((float) exact);
    }

    @Test
    void vectorAndScalarTwinsAgreeBitwise() {
        float[] x = samples(1, 5_000 * L, -110, 95);
        float[] lanes = new float[L];
        for (int i = 0; i + L <= x.length; i += L) {
            FloatVector v = FloatVector.fromArray(Simd.F, x, i);
            VectorMath.exp(v).intoArray(lanes, 0);
            for (int j = 0; j < L; j++) {
                float arg = x[i + j];
                assertEquals(Float.floatToRawIntBits(VectorMath.expScalar(arg)), Float.floatToRawIntBits(lanes[j]),
                        () -> "exp(" + arg + ")");
            }
            VectorMath.tanh(v.mul(0.1f)).intoArray(lanes, 0);
            for (int j = 0; j < L; j++) {
                float arg = x[i + j] * 0.1f;
                assertEquals(Float.floatToRawIntBits(VectorMath.tanhScalar(arg)), Float.floatToRawIntBits(lanes[j]),
                        () -> "tanh(" + arg + ")");
            }
            System.arraycopy(x, i, lanes, 0, L);
            assertEquals(Float.floatToRawIntBits(VectorMath.sumScalar(lanes)),
                    Float.floatToRawIntBits(VectorMath.sum(v)));
        }
    }

    private static void assertWithinUlps(double ulps, DoubleUnaryOperator exact, FloatUnaryOperator approx,
                                         float[] samples) {
        for (float x : samples) {
            double reference = exact.applyAsDouble(x);
            float value = approx.apply(x);
            if (Double.isNaN(reference)) {
                assertTrue(Float.isNaN(value), "NaN in, NaN out");
            } else if ((float) reference == 0f || Float.isInfinite((float) reference)) {
                assertEquals((float) reference, value, 0f, () -> "at " + x);
            } else {
                assertTrue(ulpError(value, reference) <= ulps, () -> "at " + x + ": " + value + ", exact " + reference);
            }
        }
    }

    @FunctionalInterface
    private interface FloatUnaryOperator {
        float apply(float x);
    }

    /** Within 1.5 ulp of e^x over the whole finite range, subnormal results included (measured max: 1.01). */
    @Test
    void expIsWithinOneAndAHalfUlp() {
        assertWithinUlps(1.5, Math::exp, VectorMath::expScalar, samples(2, 300_000, -104, 89));
    }

    /** Within 2 ulp of tanh x (measured max: 1.3), near 0 too; sign, ±1 saturation and NaN kept. */
    @Test
    void tanhIsWithinTwoUlp() {
        assertWithinUlps(2, Math::tanh, VectorMath::tanhScalar, samples(3, 300_000, -12, 12));
        assertWithinUlps(2, Math::tanh, VectorMath::tanhScalar, samples(4, 100_000, -1e-3, 1e-3));
    }

    @Test
    void sumAddsLanesInAFixedPairwiseTree() {
        float[] lanes = new float[L];
        lanes[0] = 1e8f;
        lanes[L / 2] = -1e8f;
        lanes[1] = 1f;
        // the tree pairs lane 0 with lane L/2 first, so the 1 survives; a left-to-right sum would lose it
        assertEquals(1f, VectorMath.sum(FloatVector.fromArray(Simd.F, lanes, 0)));
    }
}
