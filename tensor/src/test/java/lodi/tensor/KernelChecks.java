package lodi.tensor;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.function.Supplier;

/** Shared inputs and comparisons for the vector-versus-scalar kernel tests. */
final class KernelChecks {
    /** 1, odd sizes, exact multiples of the 16-lane vector and sizes just off them (tails). */
    static final int[] SIZES = {1, 2, 3, 7, 15, 16, 17, 31, 32, 33, 64, 100, 129, 257};
    /** A non-zero start offset, so kernels are exercised away from index 0. */
    static final int OFF = 3;

    private KernelChecks() {
    }

    /** OFF padding floats then n values N(0, scale²), from a fixed stream. */
    static float[] random(long stream, int n, float scale) {
        float[] a = new float[OFF + n];
        for (int i = 0; i < n; i++) {
            a[OFF + i] = scale * CounterRng.normal(2024, stream, i);
        }
        return a;
    }

    /** Fails unless |expected − actual| ≤ atol + rtol·|expected| everywhere. */
    static void assertClose(float[] expected, float[] actual, double atol, double rtol, String what) {
        for (int i = 0; i < expected.length; i++) {
            double e = expected[i];
            double a = actual[i];
            if (!(Math.abs(e - a) <= atol + rtol * Math.abs(e))) {
                fail(what + ": element " + i + " expected " + e + " got " + a + " (atol " + atol + ", rtol " + rtol + ")");
            }
        }
    }

    /** Runs {@code kernel} with one worker thread and with two, restoring the configured count. */
    static <T> T withThreads(int threads, Supplier<T> kernel) {
        int before = Parallel.threads();
        Parallel.setThreads(threads);
        try {
            return kernel.get();
        } finally {
            Parallel.setThreads(before);
        }
    }
}
