package lodi.tensor;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Deterministic lane sums and transcendental functions for the SIMD kernels.
 *
 * <p>Shape legend: L = lanes of {@link Simd#F}.
 *
 * <p>Why not the Vector API's own: {@code reduceLanes(ADD)} and {@code lanewise(EXP / TANH)} compute different
 * bits before and after C2 compiles a kernel (the Java fallback sums lanes left to right and calls scalar
 * {@code Math} per lane; the C2 intrinsics sum in a tree and call SVML), so a run's results would depend on when
 * the JIT kicked in. Everything here is built only from operations IEEE 754 rounds exactly once (add, sub, mul,
 * div, fma, min/max, compares, blends, bit manipulation), which every tier computes alike. Each vector function
 * has a scalar twin returning bitwise the same value per lane.
 *
 * <p>Accuracy against {@code Math} (VectorMathTest): {@link #exp} at most 1.01 ulp measured (1.5 tested) over
 * [-104, 89], subnormal results included; {@link #tanh} at most 1.3 ulp measured (2 tested). Overflow gives +∞,
 * underflow 0, NaN stays NaN; tanh(−0) gives +0.
 */
public final class VectorMath {
    private static final VectorSpecies<Float> F = Simd.F;
    private static final int L = F.length();

    /*
     * Rotations by 8, 4, 2 and 1 lanes: the fixed pairwise tree of {@link #sum} at 16 lanes (AVX-512). They are
     * separate constants, not an array, because C2 intrinsifies rearrange only for a shuffle whose exact class it
     * knows; and sum is split into methods under 35 bytes of bytecode, which C2 inlines at every call site: a
     * vector passed to a call that is not inlined is boxed, two allocations per call in every hot loop.
     */
    private static final VectorShuffle<Float> ROTATE_8 = rotation(8);
    private static final VectorShuffle<Float> ROTATE_4 = rotation(4);
    private static final VectorShuffle<Float> ROTATE_2 = rotation(2);
    private static final VectorShuffle<Float> ROTATE_1 = rotation(1);
    /** Rotations by L/2, L/4, ..., 1 lanes: the same tree at any other width. */
    private static final VectorShuffle<Float>[] TREE = treeShuffles();

    private static final float LOG2E = 1.44269504088896341f;
    /** 1.5·2²³: adding it rounds a float below 2²² in magnitude to an integer, which lands in the low mantissa bits. */
    private static final float ROUND_MAGIC = 0x1.8p23f;
    private static final int ROUND_MAGIC_BITS = Float.floatToRawIntBits(ROUND_MAGIC);
    /** ln 2 in two parts (Cody–Waite), so n·LN2_HI is exact for the |n| ≤ 150 used here. */
    private static final float LN2_HI = 0.693359375f;
    private static final float LN2_LO = -2.12194440e-4f;
    /** e^x is +∞ above this in float and 0 below EXP_MIN; clamping keeps 2ⁿ inside the exponent's range. */
    private static final float EXP_MAX = 89f;
    private static final float EXP_MIN = -104f;
    /** Cephes expf: e^r ≈ 1 + r + r²·P(r) on |r| ≤ ln2/2, P highest power first. */
    private static final float E0 = 1.9875691500e-4f;
    private static final float E1 = 1.3981999507e-3f;
    private static final float E2 = 8.3334519073e-3f;
    private static final float E3 = 4.1665795894e-2f;
    private static final float E4 = 1.6666665459e-1f;
    private static final float E5 = 5.0000001201e-1f;

    /** Below this |x|, tanh uses the odd polynomial; above, 1 − 2/(e^{2|x|}+1) loses nothing to cancellation. */
    private static final float TANH_SMALL = 0.625f;
    /** Cephes tanhf: tanh x ≈ x + x·z·Q(z), z = x², Q highest power first. */
    private static final float T0 = -5.70498872745e-3f;
    private static final float T1 = 2.06390887954e-2f;
    private static final float T2 = -5.37397155531e-2f;
    private static final float T3 = 1.33314422036e-1f;
    private static final float T4 = -3.33332819422e-1f;
    private static final int SIGN_BIT = 0x80000000;

    private VectorMath() {
    }

    private static VectorShuffle<Float> rotation(int lanes) {
        return VectorShuffle.iota(F, lanes % L, 1, true);
    }

    @SuppressWarnings("unchecked")
    private static VectorShuffle<Float>[] treeShuffles() {
        int levels = Integer.numberOfTrailingZeros(L);
        VectorShuffle<Float>[] shuffles = new VectorShuffle[levels];
        for (int level = 0; level < levels; level++) {
            shuffles[level] = rotation(L >> (level + 1));
        }
        return shuffles;
    }

    /** The lanes' sum in a fixed pairwise tree: lane i += lane i+L/2, then i+L/4, ..., then lane 0. */
    public static float sum(FloatVector v) {
        return L == 16 ? quarterPairs(halves(v)).lane(0) : sumAnyWidth(v);
    }

    /** The tree's first two levels at 16 lanes: lane i += lane i+8, then lane i += lane i+4. */
    private static FloatVector halves(FloatVector v) {
        FloatVector w = v.add(v.rearrange(ROTATE_8));
        return w.add(w.rearrange(ROTATE_4));
    }

    /** The tree's last two levels: lane i += lane i+2, then lane i += lane i+1. */
    private static FloatVector quarterPairs(FloatVector v) {
        FloatVector w = v.add(v.rearrange(ROTATE_2));
        return w.add(w.rearrange(ROTATE_1));
    }

    private static float sumAnyWidth(FloatVector v) {
        for (VectorShuffle<Float> rotate : TREE) {
            v = v.add(v.rearrange(rotate));
        }
        return v.lane(0);
    }

    /** {@link #sum} of L values, bitwise the same as summing them as one vector's lanes. */
    public static float sumScalar(float[] lanes) {
        float[] a = lanes.clone();
        for (int half = a.length / 2; half >= 1; half /= 2) {
            for (int i = 0; i < half; i++) {
                a[i] += a[i + half];
            }
        }
        return a[0];
    }

    /** e^x per lane: Cody–Waite reduction, degree-5 polynomial, 2ⁿ applied in two halves so subnormals round once. */
    public static FloatVector exp(FloatVector x) {
        FloatVector clamped = x.max(EXP_MIN).min(EXP_MAX);
        FloatVector rounded = clamped.fma(LOG2E, ROUND_MAGIC);
        FloatVector n = rounded.sub(ROUND_MAGIC);
        FloatVector r = n.fma(FloatVector.broadcast(F, -LN2_HI), clamped);
        r = n.fma(FloatVector.broadcast(F, -LN2_LO), r);
        FloatVector p = r.fma(E0, E1).fma(r, FloatVector.broadcast(F, E2)).fma(r, FloatVector.broadcast(F, E3))
                .fma(r, FloatVector.broadcast(F, E4)).fma(r, FloatVector.broadcast(F, E5));
        FloatVector y = p.fma(r.mul(r), r).add(1f);
        IntVector k = ((IntVector) rounded.viewAsIntegralLanes()).sub(ROUND_MAGIC_BITS);
        IntVector k1 = k.lanewise(VectorOperators.ASHR, 1);
        IntVector k2 = k.sub(k1);
        FloatVector scale1 = (FloatVector) k1.add(127).lanewise(VectorOperators.LSHL, 23).viewAsFloatingLanes();
        FloatVector scale2 = (FloatVector) k2.add(127).lanewise(VectorOperators.LSHL, 23).viewAsFloatingLanes();
        return y.mul(scale1).mul(scale2);
    }

    /** Scalar twin of {@link #exp}: bitwise the same value. */
    public static float expScalar(float x) {
        float clamped = Math.min(Math.max(x, EXP_MIN), EXP_MAX);
        float rounded = Math.fma(clamped, LOG2E, ROUND_MAGIC);
        float n = rounded - ROUND_MAGIC;
        float r = Math.fma(n, -LN2_HI, clamped);
        r = Math.fma(n, -LN2_LO, r);
        float p = Math.fma(Math.fma(Math.fma(Math.fma(Math.fma(r, E0, E1), r, E2), r, E3), r, E4), r, E5);
        float y = Math.fma(p, r * r, r) + 1f;
        int k = Float.floatToRawIntBits(rounded) - ROUND_MAGIC_BITS;
        int k1 = k >> 1;
        int k2 = k - k1;
        return y * Float.intBitsToFloat((k1 + 127) << 23) * Float.intBitsToFloat((k2 + 127) << 23);
    }

    /** tanh x per lane: an odd polynomial for |x| < 0.625, else ±(1 − 2/(e^{2|x|}+1)). */
    public static FloatVector tanh(FloatVector x) {
        FloatVector a = x.abs();
        FloatVector z = x.mul(x);
        FloatVector q = z.fma(T0, T1).fma(z, FloatVector.broadcast(F, T2)).fma(z, FloatVector.broadcast(F, T3))
                .fma(z, FloatVector.broadcast(F, T4));
        FloatVector small = q.mul(z).fma(x, x);
        FloatVector large = FloatVector.broadcast(F, 1f).sub(FloatVector.broadcast(F, 2f).div(exp(a.add(a)).add(1f)));
        IntVector sign = ((IntVector) x.viewAsIntegralLanes()).and(SIGN_BIT);
        FloatVector signedLarge =
                (FloatVector) ((IntVector) large.viewAsIntegralLanes()).or(sign).viewAsFloatingLanes();
        VectorMask<Float> isSmall = a.compare(VectorOperators.LT, TANH_SMALL);
        return signedLarge.blend(small, isSmall);
    }

    /** Scalar twin of {@link #tanh}: bitwise the same value. */
    public static float tanhScalar(float x) {
        float a = Math.abs(x);
        if (a < TANH_SMALL) {
            float z = x * x;
            float q = Math.fma(Math.fma(Math.fma(Math.fma(z, T0, T1), z, T2), z, T3), z, T4);
            return Math.fma(q * z, x, x);
        }
        float large = 1f - 2f / (expScalar(a + a) + 1f);
        return Float.intBitsToFloat(Float.floatToRawIntBits(large) | (Float.floatToRawIntBits(x) & SIGN_BIT));
    }
}
