package lodi.tensor;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Pointwise activations y = f(x) and their backward passes dx += dy·f'(x).
 *
 * <p>Shape legend: n = element count; x, y, dy, dx are flat ranges of n floats.
 *
 * <p>Backward kernels take the forward input x (not y) and accumulate into dx, the autograd convention, so an
 * op needs no scratch buffer. The scalar references compute in double and round once; the vector paths use
 * {@link VectorMath#exp} and {@link VectorMath#tanh} (not {@code VectorOperators.EXP}/{@code TANH}, whose SVML
 * intrinsics round differently from their interpreted fallback) and, for the exact GELU, the erfc approximation of
 * {@link #geluErfVector} (fractional error below 1.2e-7). Each vector loop is one masked loop, so the tail
 * runs the same arithmetic as the body.
 */
public final class Activations {
    private static final VectorSpecies<Float> F = Simd.F;
    private static final int L = F.length();

    private static final double SQRT_2_OVER_PI = 0.7978845608028654;
    private static final double GELU_CUBIC = 0.044715;
    private static final double INV_SQRT_2 = 0.7071067811865476;
    private static final double INV_SQRT_2PI = 0.3989422804014327;

    private static final float SQRT_2_OVER_PI_F = (float) SQRT_2_OVER_PI;
    private static final float CUBIC_F = (float) (SQRT_2_OVER_PI * GELU_CUBIC);
    private static final float CUBIC_SLOPE_F = (float) (3 * SQRT_2_OVER_PI * GELU_CUBIC);
    private static final float INV_SQRT_2_F = (float) INV_SQRT_2;
    private static final float INV_SQRT_2PI_F = (float) INV_SQRT_2PI;
    /** P(t) of {@link #geluErfVector}, highest power first (Horner order). */
    private static final float[] ERFC_FIT = {0.17087277f, -0.82215223f, 1.48851587f, -1.13520398f, 0.27886807f,
        -0.18628806f, 0.09678418f, 0.37409196f, 1.00002368f, -1.26551223f};

    private Activations() {
    }

    @FunctionalInterface
    interface Pointwise {
        void run(int n, float[] x, int xOff, float[] y, int yOff);
    }

    @FunctionalInterface
    interface PointwiseBackward {
        void run(int n, float[] x, int xOff, float[] dy, int dyOff, float[] dx, int dxOff);
    }

    private static void forward(Pointwise vector, Pointwise scalar, int n, float[] x, int xOff, float[] y, int yOff) {
        Pointwise kernel = Simd.enabled() ? vector : scalar;
        ElementChunks.forEach(n, (from, to) -> kernel.run(to - from, x, xOff + from, y, yOff + from));
    }

    private static void backward(PointwiseBackward vector, PointwiseBackward scalar, int n, float[] x, int xOff,
                                 float[] dy, int dyOff, float[] dx, int dxOff) {
        PointwiseBackward kernel = Simd.enabled() ? vector : scalar;
        ElementChunks.forEach(n, (from, to) ->
                kernel.run(to - from, x, xOff + from, dy, dyOff + from, dx, dxOff + from));
    }

    // ---- GELU, tanh approximation: y = ½x(1 + tanh(√(2/π)(x + 0.044715x³))) ----------------------------

    public static void geluTanh(int n, float[] x, int xOff, float[] y, int yOff) {
        forward(Activations::geluTanhVector, Activations::geluTanhScalar, n, x, xOff, y, yOff);
    }

    static void geluTanhScalar(int n, float[] x, int xOff, float[] y, int yOff) {
        for (int i = 0; i < n; i++) {
            double v = x[xOff + i];
            double t = Math.tanh(SQRT_2_OVER_PI * (v + GELU_CUBIC * v * v * v));
            y[yOff + i] = (float) (0.5 * v * (1 + t));
        }
    }

    static void geluTanhVector(int n, float[] x, int xOff, float[] y, int yOff) {
        for (int i = 0; i < n; i += L) {
            VectorMask<Float> m = F.indexInRange(i, n);
            FloatVector v = FloatVector.fromArray(F, x, xOff + i, m);
            FloatVector u = v.mul(v).fma(CUBIC_F, SQRT_2_OVER_PI_F).mul(v);
            FloatVector t = VectorMath.tanh(u);
            v.mul(0.5f).mul(t.add(1f)).intoArray(y, yOff + i, m);
        }
    }

    /** Inverts y = ½x(1 + t), t = tanh(u): dx += dy·(½(1 + t) + ½x(1 − t²)·√(2/π)(1 + 3·0.044715x²)). */
    public static void geluTanhBackward(int n, float[] x, int xOff, float[] dy, int dyOff, float[] dx, int dxOff) {
        backward(Activations::geluTanhBackwardVector, Activations::geluTanhBackwardScalar, n, x, xOff, dy, dyOff,
                dx, dxOff);
    }

    static void geluTanhBackwardScalar(int n, float[] x, int xOff, float[] dy, int dyOff, float[] dx, int dxOff) {
        for (int i = 0; i < n; i++) {
            double v = x[xOff + i];
            double t = Math.tanh(SQRT_2_OVER_PI * (v + GELU_CUBIC * v * v * v));
            double du = SQRT_2_OVER_PI * (1 + 3 * GELU_CUBIC * v * v);
            dx[dxOff + i] += (float) (dy[dyOff + i] * (0.5 * (1 + t) + 0.5 * v * (1 - t * t) * du));
        }
    }

    static void geluTanhBackwardVector(int n, float[] x, int xOff, float[] dy, int dyOff, float[] dx, int dxOff) {
        for (int i = 0; i < n; i += L) {
            VectorMask<Float> m = F.indexInRange(i, n);
            FloatVector v = FloatVector.fromArray(F, x, xOff + i, m);
            FloatVector v2 = v.mul(v);
            FloatVector t = VectorMath.tanh(v2.fma(CUBIC_F, SQRT_2_OVER_PI_F).mul(v));
            FloatVector du = v2.fma(CUBIC_SLOPE_F, SQRT_2_OVER_PI_F);
            FloatVector halfOnePlusT = t.add(1f).mul(0.5f);
            FloatVector oneMinusT2 = t.neg().fma(t, FloatVector.broadcast(F, 1f));
            FloatVector slope = oneMinusT2.mul(du).mul(v).fma(FloatVector.broadcast(F, 0.5f), halfOnePlusT);
            FloatVector.fromArray(F, dy, dyOff + i, m).fma(slope, FloatVector.fromArray(F, dx, dxOff + i, m))
                    .intoArray(dx, dxOff + i, m);
        }
    }

    // ---- GELU, exact: y = x·Φ(x), Φ(x) = ½erfc(−x/√2) ---------------------------------------------------

    /**
     * y = x·Φ(x); when {@code cdf} is not null it receives Φ(x), which {@link #geluErfBackward} reads instead of
     * computing the erfc fit again.
     */
    public static void geluErf(int n, float[] x, int xOff, float[] y, int yOff, float[] cdf, int cdfOff) {
        boolean vector = Simd.enabled();
        ElementChunks.forEach(n, (from, to) -> {
            if (vector) {
                geluErfVector(to - from, x, xOff + from, y, yOff + from, cdf, cdfOff + from);
            } else {
                geluErfScalar(to - from, x, xOff + from, y, yOff + from, cdf, cdfOff + from);
            }
        });
    }

    static void geluErfScalar(int n, float[] x, int xOff, float[] y, int yOff, float[] cdf, int cdfOff) {
        for (int i = 0; i < n; i++) {
            double v = x[xOff + i];
            double phi = normalCdf(v);
            y[yOff + i] = (float) (v * phi);
            if (cdf != null) {
                cdf[cdfOff + i] = (float) phi;
            }
        }
    }

    /**
     * Φ(x) from erfc(z), z = |x|/√2, with erfc(z) ≈ t·exp(−z² + P(t)), t = 1/(1 + z/2) (the Chebyshev fit of
     * Numerical Recipes §6.2, fractional error below 1.2e-7 for all z ≥ 0). Computing Φ for x &lt; 0 as
     * ½erfc(z) and for x ≥ 0 as 1 − ½erfc(z) keeps the relative accuracy in the far negative tail.
     */
    static void geluErfVector(int n, float[] x, int xOff, float[] y, int yOff, float[] cdf, int cdfOff) {
        for (int i = 0; i < n; i += L) {
            VectorMask<Float> m = F.indexInRange(i, n);
            FloatVector v = FloatVector.fromArray(F, x, xOff + i, m);
            FloatVector z = v.abs().mul(INV_SQRT_2_F);
            FloatVector t = FloatVector.broadcast(F, 1f).div(z.fma(0.5f, 1f));
            FloatVector p = FloatVector.broadcast(F, ERFC_FIT[0]);
            for (int k = 1; k < ERFC_FIT.length; k++) {
                p = p.fma(t, FloatVector.broadcast(F, ERFC_FIT[k]));
            }
            FloatVector halfErfc = VectorMath.exp(z.neg().fma(z, p)).mul(t).mul(0.5f);
            FloatVector phi = halfErfc.neg().add(1f).blend(halfErfc, v.compare(VectorOperators.LT, 0f));
            v.mul(phi).intoArray(y, yOff + i, m);
            if (cdf != null) {
                phi.intoArray(cdf, cdfOff + i, m);
            }
        }
    }

    /**
     * Inverts y = x·Φ(x): dx += dy·(Φ(x) + x·φ(x)), φ(x) = exp(−x²/2)/√(2π), with Φ(x) as the forward saved it in
     * {@code cdf}.
     */
    public static void geluErfBackward(int n, float[] x, int xOff, float[] cdf, int cdfOff, float[] dy, int dyOff,
                                       float[] dx, int dxOff) {
        boolean vector = Simd.enabled();
        ElementChunks.forEach(n, (from, to) -> {
            if (vector) {
                geluErfBackwardVector(to - from, x, xOff + from, cdf, cdfOff + from, dy, dyOff + from, dx, dxOff + from);
            } else {
                geluErfBackwardScalar(to - from, x, xOff + from, cdf, cdfOff + from, dy, dyOff + from, dx, dxOff + from);
            }
        });
    }

    static void geluErfBackwardScalar(int n, float[] x, int xOff, float[] cdf, int cdfOff, float[] dy, int dyOff,
                                      float[] dx, int dxOff) {
        for (int i = 0; i < n; i++) {
            double v = x[xOff + i];
            double pdf = Math.exp(-0.5 * v * v) * INV_SQRT_2PI;
            dx[dxOff + i] += (float) (dy[dyOff + i] * (cdf[cdfOff + i] + v * pdf));
        }
    }

    static void geluErfBackwardVector(int n, float[] x, int xOff, float[] cdf, int cdfOff, float[] dy, int dyOff,
                                      float[] dx, int dxOff) {
        for (int i = 0; i < n; i += L) {
            VectorMask<Float> m = F.indexInRange(i, n);
            FloatVector v = FloatVector.fromArray(F, x, xOff + i, m);
            FloatVector z = v.abs().mul(INV_SQRT_2_F);
            FloatVector pdf = VectorMath.exp(z.mul(z).neg()).mul(INV_SQRT_2PI_F);
            FloatVector slope = v.fma(pdf, FloatVector.fromArray(F, cdf, cdfOff + i, m));
            FloatVector.fromArray(F, dy, dyOff + i, m).fma(slope, FloatVector.fromArray(F, dx, dxOff + i, m))
                    .intoArray(dx, dxOff + i, m);
        }
    }

    /** Φ(x) in double to near double precision: the scalar references' ground truth. */
    static double normalCdf(double x) {
        return x >= 0 ? 1 - 0.5 * erfc(x * INV_SQRT_2) : 0.5 * erfc(-x * INV_SQRT_2);
    }

    /**
     * erfc(z) for z ≥ 0 in double, relative error about 1e-15. Below 1.5: 1 − erf z with
     * erf z = (2/√π)·e^{−z²}·Σ_k z(2z²)^k / (1·3·…·(2k+1)), a series of positive terms (erfc z stays above 0.03,
     * so little cancels). From 1.5 on, the continued fraction
     * erfc z = e^{−z²}/√π · 1/(z + (1/2)/(z + 1/(z + (3/2)/(z + …)))), evaluated from a deep tail upwards.
     */
    static double erfc(double z) {
        if (z < 1.5) {
            double term = z;
            double sum = z;
            for (int k = 1; term > 1e-17 * sum; k++) {
                term *= 2 * z * z / (2 * k + 1);
                sum += term;
            }
            return 1 - 2 / Math.sqrt(Math.PI) * Math.exp(-z * z) * sum;
        }
        double fraction = z;
        for (int k = 80; k >= 1; k--) {
            fraction = z + (k / 2.0) / fraction;
        }
        return Math.exp(-z * z) / Math.sqrt(Math.PI) / fraction;
    }

    // ---- ReLU: y = max(x, 0) ---------------------------------------------------------------------------

    public static void relu(int n, float[] x, int xOff, float[] y, int yOff) {
        forward(Activations::reluVector, Activations::reluScalar, n, x, xOff, y, yOff);
    }

    static void reluScalar(int n, float[] x, int xOff, float[] y, int yOff) {
        for (int i = 0; i < n; i++) {
            y[yOff + i] = Math.max(x[xOff + i], 0f);
        }
    }

    static void reluVector(int n, float[] x, int xOff, float[] y, int yOff) {
        for (int i = 0; i < n; i += L) {
            VectorMask<Float> m = F.indexInRange(i, n);
            FloatVector.fromArray(F, x, xOff + i, m).max(0f).intoArray(y, yOff + i, m);
        }
    }

    /** Inverts y = max(x, 0): dx += dy where x &gt; 0 (the derivative at 0 is taken as 0, as PyTorch does). */
    public static void reluBackward(int n, float[] x, int xOff, float[] dy, int dyOff, float[] dx, int dxOff) {
        backward(Activations::reluBackwardVector, Activations::reluBackwardScalar, n, x, xOff, dy, dyOff, dx, dxOff);
    }

    static void reluBackwardScalar(int n, float[] x, int xOff, float[] dy, int dyOff, float[] dx, int dxOff) {
        for (int i = 0; i < n; i++) {
            if (x[xOff + i] > 0f) {
                dx[dxOff + i] += dy[dyOff + i];
            }
        }
    }

    static void reluBackwardVector(int n, float[] x, int xOff, float[] dy, int dyOff, float[] dx, int dxOff) {
        for (int i = 0; i < n; i += L) {
            VectorMask<Float> m = F.indexInRange(i, n);
            VectorMask<Float> positive = FloatVector.fromArray(F, x, xOff + i, m).compare(VectorOperators.GT, 0f);
            FloatVector.fromArray(F, dx, dxOff + i, m)
                    .add(FloatVector.fromArray(F, dy, dyOff + i, m), positive)
                    .intoArray(dx, dxOff + i, m);
        }
    }

    // ---- SiLU: y = x·σ(x), σ(x) = 1/(1 + e^{−x}) -------------------------------------------------------

    public static void silu(int n, float[] x, int xOff, float[] y, int yOff) {
        forward(Activations::siluVector, Activations::siluScalar, n, x, xOff, y, yOff);
    }

    static void siluScalar(int n, float[] x, int xOff, float[] y, int yOff) {
        for (int i = 0; i < n; i++) {
            double v = x[xOff + i];
            y[yOff + i] = (float) (v / (1 + Math.exp(-v)));
        }
    }

    static void siluVector(int n, float[] x, int xOff, float[] y, int yOff) {
        for (int i = 0; i < n; i += L) {
            VectorMask<Float> m = F.indexInRange(i, n);
            FloatVector v = FloatVector.fromArray(F, x, xOff + i, m);
            FloatVector sigmoid = FloatVector.broadcast(F, 1f).div(VectorMath.exp(v.neg()).add(1f));
            v.mul(sigmoid).intoArray(y, yOff + i, m);
        }
    }

    /** Inverts y = x·σ(x): dx += dy·σ(x)(1 + x(1 − σ(x))). */
    public static void siluBackward(int n, float[] x, int xOff, float[] dy, int dyOff, float[] dx, int dxOff) {
        backward(Activations::siluBackwardVector, Activations::siluBackwardScalar, n, x, xOff, dy, dyOff, dx, dxOff);
    }

    static void siluBackwardScalar(int n, float[] x, int xOff, float[] dy, int dyOff, float[] dx, int dxOff) {
        for (int i = 0; i < n; i++) {
            double v = x[xOff + i];
            double sigmoid = 1 / (1 + Math.exp(-v));
            dx[dxOff + i] += (float) (dy[dyOff + i] * sigmoid * (1 + v * (1 - sigmoid)));
        }
    }

    static void siluBackwardVector(int n, float[] x, int xOff, float[] dy, int dyOff, float[] dx, int dxOff) {
        for (int i = 0; i < n; i += L) {
            VectorMask<Float> m = F.indexInRange(i, n);
            FloatVector v = FloatVector.fromArray(F, x, xOff + i, m);
            FloatVector sigmoid = FloatVector.broadcast(F, 1f).div(VectorMath.exp(v.neg()).add(1f));
            FloatVector slope = sigmoid.neg().add(1f).fma(v, FloatVector.broadcast(F, 1f)).mul(sigmoid);
            FloatVector.fromArray(F, dy, dyOff + i, m).fma(slope, FloatVector.fromArray(F, dx, dxOff + i, m))
                    .intoArray(dx, dxOff + i, m);
        }
    }

    // ---- tanh: y = tanh(x) -----------------------------------------------------------------------------

    public static void tanh(int n, float[] x, int xOff, float[] y, int yOff) {
        forward(Activations::tanhVector, Activations::tanhScalar, n, x, xOff, y, yOff);
    }

    static void tanhScalar(int n, float[] x, int xOff, float[] y, int yOff) {
        for (int i = 0; i < n; i++) {
            y[yOff + i] = (float) Math.tanh(x[xOff + i]);
        }
    }

    static void tanhVector(int n, float[] x, int xOff, float[] y, int yOff) {
        for (int i = 0; i < n; i += L) {
            VectorMask<Float> m = F.indexInRange(i, n);
            VectorMath.tanh(FloatVector.fromArray(F, x, xOff + i, m)).intoArray(y, yOff + i, m);
        }
    }

    /** Inverts y = tanh(x): dx += dy·(1 − tanh²(x)). */
    public static void tanhBackward(int n, float[] x, int xOff, float[] dy, int dyOff, float[] dx, int dxOff) {
        backward(Activations::tanhBackwardVector, Activations::tanhBackwardScalar, n, x, xOff, dy, dyOff, dx, dxOff);
    }

    static void tanhBackwardScalar(int n, float[] x, int xOff, float[] dy, int dyOff, float[] dx, int dxOff) {
        for (int i = 0; i < n; i++) {
            double t = Math.tanh(x[xOff + i]);
            dx[dxOff + i] += (float) (dy[dyOff + i] * (1 - t * t));
        }
    }

    static void tanhBackwardVector(int n, float[] x, int xOff, float[] dy, int dyOff, float[] dx, int dxOff) {
        for (int i = 0; i < n; i += L) {
            VectorMask<Float> m = F.indexInRange(i, n);
            FloatVector t = VectorMath.tanh(FloatVector.fromArray(F, x, xOff + i, m));
            FloatVector slope = t.neg().fma(t, FloatVector.broadcast(F, 1f));
            FloatVector.fromArray(F, dy, dyOff + i, m).fma(slope, FloatVector.fromArray(F, dx, dxOff + i, m))
                    .intoArray(dx, dxOff + i, m);
        }
    }
}
