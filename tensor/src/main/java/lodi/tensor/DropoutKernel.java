package lodi.tensor;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Inverted dropout with a counter-based mask: element i is kept when
 * {@code CounterRng.uniform(seed, stream, i) >= p}, and kept values are scaled by 1/(1 − p). The mask is a
 * pure function of (seed, stream, i), so it is reproducible for any thread count and the backward recomputes
 * it instead of storing it.
 *
 * <p>Shape legend: n = elements (any shape, flattened); i = flat element index.
 */
public final class DropoutKernel {
    private static final VectorSpecies<Float> F = Simd.F;
    /** Long lanes of the same vector width: each float vector's mask is built from F.length()/L.length() pieces. */
    private static final VectorSpecies<Long> L = VectorSpecies.of(long.class, F.vectorShape());
    private static final int CHUNK = 8192;

    // CounterRng.bits' constants: the vector path must produce exactly its bits (the tests compare the masks)
    private static final long SEED_MUL = 0x9E3779B97F4A7C15L;
    private static final long STREAM_MUL = 0xD1B54A32D192ED03L;
    private static final long MIX1 = 0xBF58476D1CE4E5B9L;
    private static final long MIX2 = 0x94D049BB133111EBL;

    private DropoutKernel() {
    }

    /** y[i] = keep(i) ? x[i]/(1 − p) : 0. */
    public static void forward(float[] x, int xOff, float[] y, int yOff, int n, float p, long seed, long stream) {
        apply(x, xOff, y, yOff, n, p, seed, stream, false);
    }

    /** Inverts y[i] = keep(i) ? x[i]/(1 − p) : 0: dx[i] (+)= keep(i) ? dy[i]/(1 − p) : 0. */
    public static void backward(float[] dy, int dyOff, float[] dx, int dxOff, int n, float p, long seed, long stream,
                                boolean accumulate) {
        apply(dy, dyOff, dx, dxOff, n, p, seed, stream, accumulate);
    }

    /** The scale applied to kept elements: 1/(1 − p), and 0 for p = 1 where nothing is kept. */
    public static float keepScale(float p) {
        checkProbability(p);
        return p == 1f ? 0f : 1f / (1f - p);
    }

    private static void apply(float[] src, int srcOff, float[] dst, int dstOff, int n, float p, long seed, long stream,
                              boolean accumulate) {
        float scale = keepScale(p);
        boolean simd = Simd.enabled();
        int chunks = (n + CHUNK - 1) / CHUNK;
        Parallel.forEach(chunks, c -> {
            int first = c * CHUNK;
            int count = Math.min(CHUNK, n - first);
            if (simd) {
                applyVector(src, srcOff + first, dst, dstOff + first, first, count, p, scale, seed, stream, accumulate);
            } else {
                applyScalar(src, srcOff + first, dst, dstOff + first, first, count, p, scale, seed, stream, accumulate);
            }
        });
    }

    /** dst[k] (+)= keep(first + k) ? src[k]·scale : 0 for k in [0, count). */
    static void applyScalar(float[] src, int srcOff, float[] dst, int dstOff, long first, int count, float p,
                            float scale, long seed, long stream, boolean accumulate) {
        for (int k = 0; k < count; k++) {
            float kept = CounterRng.uniform(seed, stream, first + k) >= p ? src[srcOff + k] * scale : 0f;
            dst[dstOff + k] = accumulate ? dst[dstOff + k] + kept : kept;
        }
    }

    static void applyVector(float[] src, int srcOff, float[] dst, int dstOff, long first, int count, float p,
                            float scale, long seed, long stream, boolean accumulate) {
        // uniform = (bits >>> 40)·2⁻²⁴ is exact, so uniform >= p  ⇔  bits >>> 40 >= ⌈p·2²⁴⌉
        long threshold = (long) Math.ceil((double) p * 0x1p24);
        long key = seed * SEED_MUL + stream * STREAM_MUL;
        int lanes = F.length();
        int longLanes = L.length();
        int bound = F.loopBound(count);
        LongVector iota = LongVector.zero(L).addIndex(1);
        FloatVector scaleV = FloatVector.broadcast(F, scale);
        FloatVector zero = FloatVector.zero(F);
        int k = 0;
        for (; k < bound; k += lanes) {
            long keepBits = 0;
            for (int piece = 0; piece < lanes; piece += longLanes) {
                LongVector z = iota.add(first + k + piece).mul(MIX1).add(key);
                z = z.lanewise(VectorOperators.XOR, z.lanewise(VectorOperators.LSHR, 30)).mul(MIX1);
                z = z.lanewise(VectorOperators.XOR, z.lanewise(VectorOperators.LSHR, 27)).mul(MIX2);
                z = z.lanewise(VectorOperators.XOR, z.lanewise(VectorOperators.LSHR, 31)).add(SEED_MUL);
                z = z.lanewise(VectorOperators.XOR, z.lanewise(VectorOperators.LSHR, 30)).mul(MIX1);
                z = z.lanewise(VectorOperators.XOR, z.lanewise(VectorOperators.LSHR, 27)).mul(MIX2);
                z = z.lanewise(VectorOperators.XOR, z.lanewise(VectorOperators.LSHR, 31));
                long pieceBits = z.lanewise(VectorOperators.LSHR, 40).compare(VectorOperators.GE, threshold).toLong();
                keepBits |= pieceBits << piece;
            }
            VectorMask<Float> keep = VectorMask.fromLong(F, keepBits);
            FloatVector kept = zero.blend(FloatVector.fromArray(F, src, srcOff + k).mul(scaleV), keep);
            if (accumulate) {
                kept = kept.add(FloatVector.fromArray(F, dst, dstOff + k));
            }
            kept.intoArray(dst, dstOff + k);
        }
        applyScalar(src, srcOff + k, dst, dstOff + k, first + k, count - k, p, scale, seed, stream, accumulate);
    }

    private static void checkProbability(float p) {
        if (!(p >= 0f && p <= 1f)) {
            throw new IllegalArgumentException("dropout probability must be in [0, 1], got " + p);
        }
    }
}
