package lodi.tensor;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Parameter-update loops for the optimizers, and the sum of squares behind the global gradient norm.
 *
 * <pre>
 * N = number of elements of one parameter tensor
 * p[N] parameter values, g[N] gradient, m[N] / v[N] AdamW moments, buf[N] SGD momentum buffer
 * </pre>
 *
 * <p>Every update is elementwise, so large tensors are split into fixed {@link #CHUNK}-sized chunks run by
 * {@link Parallel#forEach}: each element is owned by one task and the result does not depend on the thread
 * count. The vector and scalar paths perform the same float operations in the same order (no FMA
 * contraction, IEEE {@code sqrt} and division in both), so they agree bitwise.
 *
 * <p>The sum of squares is a reduction: it is summed in fixed {@link #BLOCK}-sized blocks (float within a
 * block, each block widened to double) and the block partials are added in block order in double, so the
 * result is the same for any thread count. The vector and scalar paths add within a block in a different
 * order and agree to float rounding only.
 */
public final class OptimizerKernels {
    /** Elements per parallel task of the elementwise updates. */
    static final int CHUNK = 1 << 15;
    /** Elements per partial sum of {@link #sumOfSquares}; fixed so that the combine order is too. */
    static final int BLOCK = 1 << 12;

    private static final VectorSpecies<Float> S = Simd.F;

    private OptimizerKernels() {
    }

    /** A kernel over elements [from, from + len) of its arrays. */
    @FunctionalInterface
    private interface RangeBody {
        void run(int from, int len);
    }

    /**
     * Runs {@code body} on consecutive {@link #CHUNK}-sized ranges covering [0, n); each range is owned by one
     * task.
     */
    private static void forEachChunk(int n, RangeBody body) {
        Parallel.forEach(Math.ceilDiv(n, CHUNK), c -> {
            int from = c * CHUNK;
            body.run(from, Math.min(CHUNK, n - from));
        });
    }

    // ---------------------------------------------------------------------------------------------------
    // AdamW (PyTorch's single-tensor path, decoupled weight decay)

    /**
     * One AdamW step over {@code n} elements, in the order of PyTorch's steps:
     * <pre>
     * p *= 1 - lr*weightDecay
     * m  = beta1*m + (1-beta1)*g
     * v  = beta2*v + (1-beta2)*g*g
     * p -= (lr / biasCorrection1) * (m / (sqrt(v) / sqrt(biasCorrection2) + eps))
     * </pre>
     * with {@code biasCorrection1 = 1 - beta1^t} and {@code biasCorrection2Sqrt = sqrt(1 - beta2^t)} for step
     * {@code t} (1-based) precomputed by the caller. This is PyTorch's update step for step; the float rounding
     * follows the lines above rather than PyTorch's {@code lerp}/{@code addcmul} kernels, so results match
     * PyTorch to float rounding, not bitwise.
     */
    public static void adamW(float[] p, int pOff, float[] g, int gOff, float[] m, int mOff, float[] v, int vOff,
            int n, AdamWScalars k) {
        boolean simd = Simd.enabled();
        forEachChunk(n, (from, len) -> {
            if (simd) {
                adamWVector(p, pOff + from, g, gOff + from, m, mOff + from, v, vOff + from, len, k);
            } else {
                adamWScalar(p, pOff + from, g, gOff + from, m, mOff + from, v, vOff + from, len, k);
            }
        });
    }

    /** {@link #adamW} over whole tensors of one shape. */
    public static void adamW(Tensor p, Tensor g, Tensor m, Tensor v, AdamWScalars k) {
        Tensor.requireSameShape(p, g);
        Tensor.requireSameShape(p, m);
        Tensor.requireSameShape(p, v);
        adamW(p.data(), p.offset(), g.data(), g.offset(), m.data(), m.offset(), v.data(), v.offset(), p.size(), k);
    }

    /**
     * The float constants of one AdamW step, derived once per parameter tensor per step.
     *
     * @param decay        {@code 1 - lr*weightDecay} (1 when the tensor is excluded from decay)
     * @param beta1        first-moment decay
     * @param oneMinusBeta1 {@code 1 - beta1}
     * @param beta2        second-moment decay
     * @param oneMinusBeta2 {@code 1 - beta2}
     * @param stepSize     {@code lr / biasCorrection1}
     * @param biasCorrection2Sqrt {@code sqrt(1 - beta2^t)}
     * @param eps          added to the corrected root second moment
     */
    public record AdamWScalars(float decay, float beta1, float oneMinusBeta1, float beta2, float oneMinusBeta2,
            float stepSize, float biasCorrection2Sqrt, float eps) {

        /**
         * Rounds PyTorch's double-precision scalars to float once, as PyTorch does when it hands a Python
         * float to a float32 kernel.
         */
        public static AdamWScalars of(double lr, double beta1, double beta2, double eps, double weightDecay,
                double biasCorrection1, double biasCorrection2Sqrt) {
            return new AdamWScalars((float) (1 - lr * weightDecay), (float) beta1, (float) (1 - beta1), (float) beta2,
                    (float) (1 - beta2), (float) (lr / biasCorrection1), (float) biasCorrection2Sqrt, (float) eps);
        }
    }

    static void adamWScalar(float[] p, int pOff, float[] g, int gOff, float[] m, int mOff, float[] v, int vOff,
            int n, AdamWScalars k) {
        for (int i = 0; i < n; i++) {
            float gi = g[gOff + i];
            float pi = p[pOff + i] * k.decay();
            float mi = k.beta1() * m[mOff + i] + k.oneMinusBeta1() * gi;
            float vi = k.beta2() * v[vOff + i] + k.oneMinusBeta2() * (gi * gi);
            float denom = (float) Math.sqrt(vi) / k.biasCorrection2Sqrt() + k.eps();
            m[mOff + i] = mi;
            v[vOff + i] = vi;
            p[pOff + i] = pi - k.stepSize() * (mi / denom);
        }
    }

    static void adamWVector(float[] p, int pOff, float[] g, int gOff, float[] m, int mOff, float[] v, int vOff,
            int n, AdamWScalars k) {
        FloatVector decay = FloatVector.broadcast(S, k.decay());
        FloatVector beta1 = FloatVector.broadcast(S, k.beta1());
        FloatVector oneMinusBeta1 = FloatVector.broadcast(S, k.oneMinusBeta1());
        FloatVector beta2 = FloatVector.broadcast(S, k.beta2());
        FloatVector oneMinusBeta2 = FloatVector.broadcast(S, k.oneMinusBeta2());
        FloatVector stepSize = FloatVector.broadcast(S, k.stepSize());
        FloatVector bc2Sqrt = FloatVector.broadcast(S, k.biasCorrection2Sqrt());
        FloatVector eps = FloatVector.broadcast(S, k.eps());
        int bound = S.loopBound(n);
        int i = 0;
        for (; i < bound; i += S.length()) {
            FloatVector gi = FloatVector.fromArray(S, g, gOff + i);
            FloatVector pi = FloatVector.fromArray(S, p, pOff + i).mul(decay);
            FloatVector mi = beta1.mul(FloatVector.fromArray(S, m, mOff + i)).add(oneMinusBeta1.mul(gi));
            FloatVector vi = beta2.mul(FloatVector.fromArray(S, v, vOff + i)).add(oneMinusBeta2.mul(gi.mul(gi)));
            FloatVector denom = vi.sqrt().div(bc2Sqrt).add(eps);
            mi.intoArray(m, mOff + i);
            vi.intoArray(v, vOff + i);
            pi.sub(stepSize.mul(mi.div(denom))).intoArray(p, pOff + i);
        }
        adamWScalar(p, pOff + i, g, gOff + i, m, mOff + i, v, vOff + i, n - i, k);
    }

    // ---------------------------------------------------------------------------------------------------
    // SGD with momentum (PyTorch semantics, no Nesterov)

    /**
     * One SGD step over {@code n} elements, as PyTorch's {@code torch.optim.SGD}:
     * <pre>
     * d = g + weightDecay*p
     * buf = firstStep ? d : momentum*buf + (1-dampening)*d     (skipped when buf == null: no momentum)
     * p -= lr * buf                                            (lr * d without momentum)
     * </pre>
     */
    public static void sgd(float[] p, int pOff, float[] g, int gOff, float[] buf, int bufOff, int n, float lr,
            float momentum, float dampening, float weightDecay, boolean firstStep) {
        boolean simd = Simd.enabled();
        forEachChunk(n, (from, len) -> {
            if (simd) {
                sgdVector(p, pOff + from, g, gOff + from, buf, bufOff + from, len, lr, momentum, dampening,
                        weightDecay, firstStep);
            } else {
                sgdScalar(p, pOff + from, g, gOff + from, buf, bufOff + from, len, lr, momentum, dampening,
                        weightDecay, firstStep);
            }
        });
    }

    /** {@link #sgd} over whole tensors of one shape; {@code buf} is null without momentum. */
    public static void sgd(Tensor p, Tensor g, Tensor buf, float lr, float momentum, float dampening,
            float weightDecay, boolean firstStep) {
        Tensor.requireSameShape(p, g);
        if (buf != null) {
            Tensor.requireSameShape(p, buf);
        }
        sgd(p.data(), p.offset(), g.data(), g.offset(), buf == null ? null : buf.data(),
                buf == null ? 0 : buf.offset(), p.size(), lr, momentum, dampening, weightDecay, firstStep);
    }

    static void sgdScalar(float[] p, int pOff, float[] g, int gOff, float[] buf, int bufOff, int n, float lr,
            float momentum, float dampening, float weightDecay, boolean firstStep) {
        float keep = 1f - dampening;
        for (int i = 0; i < n; i++) {
            float pi = p[pOff + i];
            float d = g[gOff + i] + weightDecay * pi;
            if (buf != null) {
                d = firstStep ? d : momentum * buf[bufOff + i] + keep * d;
                buf[bufOff + i] = d;
            }
            p[pOff + i] = pi - lr * d;
        }
    }

    static void sgdVector(float[] p, int pOff, float[] g, int gOff, float[] buf, int bufOff, int n, float lr,
            float momentum, float dampening, float weightDecay, boolean firstStep) {
        FloatVector lrV = FloatVector.broadcast(S, lr);
        FloatVector momentumV = FloatVector.broadcast(S, momentum);
        FloatVector keepV = FloatVector.broadcast(S, 1f - dampening);
        FloatVector decayV = FloatVector.broadcast(S, weightDecay);
        boolean accumulate = buf != null && !firstStep;
        int bound = S.loopBound(n);
        int i = 0;
        for (; i < bound; i += S.length()) {
            FloatVector pi = FloatVector.fromArray(S, p, pOff + i);
            FloatVector d = FloatVector.fromArray(S, g, gOff + i).add(decayV.mul(pi));
            if (accumulate) {
                d = momentumV.mul(FloatVector.fromArray(S, buf, bufOff + i)).add(keepV.mul(d));
            }
            if (buf != null) {
                d.intoArray(buf, bufOff + i);
            }
            pi.sub(lrV.mul(d)).intoArray(p, pOff + i);
        }
        sgdScalar(p, pOff + i, g, gOff + i, buf, bufOff + i, n - i, lr, momentum, dampening, weightDecay, firstStep);
    }

    // ---------------------------------------------------------------------------------------------------
    // Gradient norm and clipping

    /**
     * Sum of {@code x[i]^2} over {@code n} elements, in double. Blocks of {@link #BLOCK} elements are summed in
     * float and their partials added in block order, so the result is independent of the thread count.
     */
    public static double sumOfSquares(float[] x, int off, int n) {
        boolean simd = Simd.enabled();
        int blocks = Math.ceilDiv(n, BLOCK);
        double[] partials = new double[blocks];
        int blocksPerTask = CHUNK / BLOCK;
        Parallel.forEach(blocks, blocksPerTask, b -> {
            int from = b * BLOCK;
            int len = Math.min(BLOCK, n - from);
            partials[b] = simd ? sumOfSquaresVector(x, off + from, len) : sumOfSquaresScalar(x, off + from, len);
        });
        double total = 0;
        for (double partial : partials) {
            total += partial;
        }
        return total;
    }

    /** {@link #sumOfSquares(float[], int, int)} of a whole tensor. */
    public static double sumOfSquares(Tensor x) {
        return sumOfSquares(x.data(), x.offset(), x.size());
    }

    static float sumOfSquaresScalar(float[] x, int off, int n) {
        float sum = 0f;
        for (int i = 0; i < n; i++) {
            float xi = x[off + i];
            sum += xi * xi;
        }
        return sum;
    }

    static float sumOfSquaresVector(float[] x, int off, int n) {
        FloatVector acc = FloatVector.zero(S);
        int bound = S.loopBound(n);
        int i = 0;
        for (; i < bound; i += S.length()) {
            FloatVector xi = FloatVector.fromArray(S, x, off + i);
            acc = xi.fma(xi, acc);
        }
        return VectorMath.sum(acc) + sumOfSquaresScalar(x, off + i, n - i);
    }
}
