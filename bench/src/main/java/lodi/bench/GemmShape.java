package lodi.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import lodi.tensor.Gemm;

/**
 * One GEMM size to measure: C (M×N) = op(A)·op(B) with op(A) M×K. The defaults are the square sizes and the
 * products a BERT-sized model runs in a training step, each in the three forms of a {@code Linear}:
 * forward y = x·Wᵀ (NT, W stored N×K), input gradient dX = dY·W (NN), weight gradient dW = dYᵀ·X (TN).
 */
public record GemmShape(String name, boolean transA, boolean transB, int m, int n, int k) {
    /** Tokens per step in the model shapes (batch × sequence). */
    static final int TOKENS = 4096;

    public GemmShape {
        if (m < 1 || n < 1 || k < 1) {
            throw new IllegalArgumentException("GEMM sizes must be positive, got m=" + m + " n=" + n + " k=" + k);
        }
    }

    /** Floating-point operations of one call: a multiply and an add per (i, j, p). */
    public double flops() {
        return 2.0 * m * n * k;
    }

    public String trans() {
        return (transA ? "T" : "N") + (transB ? "T" : "N");
    }

    /** The default measurement list: squares 256…2048 (NN), then each model product in its three forms. */
    public static List<GemmShape> defaults() {
        List<GemmShape> shapes = new ArrayList<>();
        for (int size : new int[] {256, 512, 1024, 2048}) {
            shapes.add(new GemmShape("square", false, false, size, size, size));
        }
        linear(shapes, "linear 128->384", TOKENS, 128, 384);
        linear(shapes, "linear 128->512", TOKENS, 128, 512);
        linear(shapes, "linear 512->128", TOKENS, 512, 128);
        linear(shapes, "output head", 640, 128, 30522);
        return shapes;
    }

    /** y[rows×out] = x[rows×in]·Wᵀ, and its two backward products. */
    private static void linear(List<GemmShape> shapes, String name, int rows, int in, int out) {
        shapes.add(new GemmShape(name + " fwd", false, true, rows, out, in));
        shapes.add(new GemmShape(name + " dX", false, false, rows, in, out));
        shapes.add(new GemmShape(name + " dW", true, false, out, in, rows));
    }

    /**
     * Parses {@code "NT 4096x384x128"} (transposes, then M×N×K), the form JMH parameters use.
     */
    public static GemmShape parse(String text) {
        String[] parts = text.trim().split("\\s+");
        String[] sizes = parts.length == 2 ? parts[1].split("x") : new String[0];
        if (parts.length != 2 || !parts[0].matches("[NT]{2}") || sizes.length != 3) {
            throw new IllegalArgumentException("GEMM shape must look like 'NT 4096x384x128', got '" + text + "'");
        }
        return new GemmShape(text, parts[0].charAt(0) == 'T', parts[0].charAt(1) == 'T',
                Integer.parseInt(sizes[0]), Integer.parseInt(sizes[1]), Integer.parseInt(sizes[2]));
    }

    /** Random operands for this shape, stored densely as the transposes say. */
    public Operands operands(long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        float[] a = new float[m * k];
        float[] b = new float[k * n];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) (rng.nextDouble() - 0.5);
        }
        for (int i = 0; i < b.length; i++) {
            b[i] = (float) (rng.nextDouble() - 0.5);
        }
        return new Operands(this, a, b, new float[m * n]);
    }

    /** A shape's operands; {@link #run} is one timed call, beta = 0 as in a forward pass. */
    public record Operands(GemmShape shape, float[] a, float[] b, float[] c) {
        public void run() {
            GemmShape s = shape;
            Gemm.sgemm(s.transA(), s.transB(), s.m(), s.n(), s.k(), 1f, a, 0, s.transA() ? s.m() : s.k(),
                    b, 0, s.transB() ? s.k() : s.n(), 0f, c, 0, s.n());
        }
    }
}
