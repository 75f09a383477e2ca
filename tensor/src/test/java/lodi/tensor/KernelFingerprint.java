package lodi.tensor;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The bits every SIMD kernel produces on fixed small inputs, one hash per kernel, through the public entry points
 * (so whatever path {@link Simd#enabled()} picks). Sizes are odd and not multiples of the vector length, so
 * vector bodies and tails both count. {@link #main} prints the hashes for {@link JitTierDeterminismTest}'s
 * child JVM.
 */
final class KernelFingerprint {
    // R = rows, C = columns (odd: body + tail), N = element count, B·H·S·Dh = attention shape
    private static final int R = 3;
    private static final int C = 37;
    private static final int N = R * C;
    private static final int B = 1;
    private static final int H = 2;
    private static final int S = 5;
    private static final int DH = 16;

    private KernelFingerprint() {
    }

    public static void main(String[] args) {
        compute().forEach((kernel, hash) -> System.out.println(kernel + " " + hash));
    }

    static Map<String, String> compute() {
        Map<String, String> hashes = new LinkedHashMap<>();
        float[] x = random(1, N, 4f);
        float[] dy = random(2, N, 1f);

        float[] y = new float[N];
        Softmax.forward(R, C, x, 0, y, 0);
        float[] dx = new float[N];
        Softmax.backward(R, C, y, 0, dy, 0, dx, 0);
        hashes.put("softmax", hash(y, dx));

        float[] gamma = random(3, C, 1f);
        float[] beta = random(4, C, 1f);
        float[] mean = new float[R];
        float[] rstd = new float[R];
        LayerNormKernel.forward(R, C, x, 0, gamma, 0, beta, 0, 1e-5f, y, 0, mean, 0, rstd, 0);
        dx = new float[N];
        float[] dgamma = new float[C];
        float[] dbeta = new float[C];
        LayerNormKernel.backward(R, C, x, 0, gamma, 0, mean, 0, rstd, 0, dy, 0, dx, 0, dgamma, 0, dbeta, 0);
        hashes.put("layerNorm", hash(y, mean, rstd, dx, dgamma, dbeta));

        hashes.put("geluTanh", pointwise(x, dy, Activations::geluTanh, Activations::geluTanhBackward));
        float[] cdf = new float[N];
        Activations.geluErf(N, x, 0, y, 0, cdf, 0);
        dx = new float[N];
        Activations.geluErfBackward(N, x, 0, cdf, 0, dy, 0, dx, 0);
        hashes.put("geluErf", hash(y, cdf, dx));
        hashes.put("silu", pointwise(x, dy, Activations::silu, Activations::siluBackward));
        hashes.put("tanh", pointwise(x, dy, Activations::tanh, Activations::tanhBackward));

        int[] targets = {5, 0, C - 1};
        float[] loss = new float[R];
        float[] lse = new float[R];
        CrossEntropy.forward(x, 0, C, R, C, targets, -100, loss, lse);
        float[] dLogits = new float[N];
        CrossEntropy.backward(x, 0, C, R, C, targets, -100, lse, new float[] {0.5f, 0.25f, 1f}, dLogits, 0, C, false);
        hashes.put("crossEntropy", hash(loss, lse, dLogits));

        int size = B * S * H * DH;
        float[] q = random(5, size, 1f);
        float[] k = random(6, size, 1f);
        float[] v = random(7, size, 1f);
        float[] dOut = random(8, size, 1f);
        Sequences sequences = Sequences.padded(S, new int[] {S - 1});
        float[] out = new float[size];
        float[] attnLse = new float[B * H * S];
        Attention.forward(sequences, H, DH, q, 0, k, 0, v, 0, out, 0, attnLse, 0);
        float[] dq = new float[size];
        float[] dk = new float[size];
        float[] dv = new float[size];
        Attention.backward(sequences, H, DH, q, 0, k, 0, v, 0, out, 0, attnLse, 0, dOut, 0, dq, 0, dk, 0, dv, 0);
        hashes.put("attention", hash(out, attnLse, dq, dk, dv));

        float[] rowSums = new float[R];
        Sums.rowSums(R, C, x, 0, rowSums, 0);
        hashes.put("sums", hash(rowSums, new float[] {(float) Sums.sum(N, x, 0),
            (float) Sums.sumOfSquares(N, x, 0), (float) OptimizerKernels.sumOfSquares(x, 0, N)}));

        float[] p = random(9, N, 1f);
        float[] m = random(10, N, 0.1f);
        float[] second = random(11, N, 0.1f);
        for (int i = 0; i < N; i++) {
            second[i] = Math.abs(second[i]);
        }
        OptimizerKernels.adamW(p, 0, dy, 0, m, 0, second, 0, N,
                OptimizerKernels.AdamWScalars.of(1e-3, 0.9, 0.999, 1e-8, 0.01, 0.1, 0.0316));
        hashes.put("adamW", hash(p, m, second));

        float[] c = new float[R * 7];
        Gemm.sgemm(false, true, R, 7, C, 1f, x, 0, C, random(12, 7 * C, 1f), 0, C, 0f, c, 0, 7);
        hashes.put("gemm", hash(c));
        return hashes;
    }

    private static String pointwise(float[] x, float[] dy, Activations.Pointwise forward,
                                    Activations.PointwiseBackward backward) {
        float[] y = new float[x.length];
        forward.run(x.length, x, 0, y, 0);
        float[] dx = new float[x.length];
        backward.run(x.length, x, 0, dy, 0, dx, 0);
        return hash(y, dx);
    }

    private static float[] random(long seed, int n, float scale) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] values = new float[n];
        for (int i = 0; i < n; i++) {
            values[i] = (float) ((random.nextDouble() * 2 - 1) * scale);
        }
        return values;
    }

    private static String hash(float[]... arrays) {
        long h = 1125899906842597L;
        for (float[] array : arrays) {
            for (float value : array) {
                h = 31 * h + Float.floatToRawIntBits(value);
            }
        }
        return Long.toHexString(h);
    }
}
