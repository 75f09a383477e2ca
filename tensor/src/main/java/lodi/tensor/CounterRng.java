package lodi.tensor;

/**
 * A counter-based random number generator: the value for (seed, stream, index) is a pure function of the
 * three, so dropout masks and noise are reproducible whatever the thread count or evaluation order.
 * The mixer is SplitMix64's finaliser applied to a combined key.
 */
public final class CounterRng {
    private CounterRng() {
    }

    /** 64 well-mixed bits for (seed, stream, index). */
    public static long bits(long seed, long stream, long index) {
        long z = seed * 0x9E3779B97F4A7C15L + stream * 0xD1B54A32D192ED03L + index * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        z = z ^ (z >>> 31);
        z += 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** A uniform float in [0, 1) for (seed, stream, index). */
    public static float uniform(long seed, long stream, long index) {
        return (bits(seed, stream, index) >>> 40) * 0x1.0p-24f;
    }

    /** A standard normal float for (seed, stream, index), by Box–Muller on two derived uniforms. */
    public static float normal(long seed, long stream, long index) {
        double u1 = ((bits(seed, stream, 2 * index) >>> 11) + 1) * 0x1.0p-53;
        double u2 = (bits(seed, stream, 2 * index + 1) >>> 11) * 0x1.0p-53;
        return (float) (Math.sqrt(-2.0 * Math.log(u1)) * Math.cos(2.0 * Math.PI * u2));
    }
}
