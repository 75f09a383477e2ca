package lodi.tensor;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Fused log-softmax + negative log-likelihood over rows of logits, with its backward, and the per-row
 * argmax / max-probability that accuracy and the sampler's confidence need.
 *
 * <p>Shape legend: N = scored rows, V = classes (vocabulary, up to 30522); row i of the logits starts at
 * off + i·ld. Rows are independent, so every kernel parallelises over rows and is deterministic for any
 * thread count.
 *
 * <p>The log-sum-exp takes two passes (max, then Σ exp(x − max)) rather than one online pass: a 30522-wide
 * row is 119 KiB and stays in L2 between the passes, while the online form needs a second exp per element
 * to rescale its running sum.
 */
public final class CrossEntropy {
    /** The target that marks a row as ignored, as PyTorch's {@code ignore_index} default. */
    public static final int IGNORE_INDEX = -100;

    private static final VectorSpecies<Float> F = Simd.F;
    /** Floats per task below which scheduling costs more than it saves. */
    private static final int GRAIN_FLOATS = 4096;

    private CrossEntropy() {
    }

    /**
     * loss[i] = logSumExp(logits[i]) − logits[i, targets[i]], keeping logSumExp[i] for the backward.
     * Rows whose target is {@code ignoreIndex} get loss 0 (and logSumExp 0, unused).
     */
    public static void forward(float[] logits, int off, int ld, int n, int v, int[] targets, int ignoreIndex,
                               float[] loss, float[] logSumExp) {
        checkTargets(targets, n, v, ignoreIndex);
        boolean simd = Simd.enabled();
        Parallel.forEach(n, rowGrain(v), i -> {
            if (targets[i] == ignoreIndex) {
                loss[i] = 0f;
                logSumExp[i] = 0f;
                return;
            }
            int row = off + i * ld;
            float lse = simd ? logSumExpVector(logits, row, v) : logSumExpScalar(logits, row, v);
            logSumExp[i] = lse;
            loss[i] = lse - logits[row + targets[i]];
        });
    }

    /**
     * dlogits[i] (+)= (softmax(logits[i]) − onehot(targets[i]))·rowScale[i]; ignored rows get 0 (or are
     * left unchanged when accumulating). rowScale[i] carries the upstream gradient, the row's weight and the
     * reduction's divisor (1/N for a plain mean). Without {@code accumulate}, dLogits may be the logits array
     * itself (same offset and leading dimension): each element is read before it is overwritten.
     */
    public static void backward(float[] logits, int off, int ld, int n, int v, int[] targets, int ignoreIndex,
                                float[] logSumExp, float[] rowScale, float[] dLogits, int dOff, int dLd,
                                boolean accumulate) {
        checkTargets(targets, n, v, ignoreIndex);
        boolean simd = Simd.enabled();
        Parallel.forEach(n, rowGrain(v), i -> {
            int drow = dOff + i * dLd;
            if (targets[i] == ignoreIndex) {
                if (!accumulate) {
                    Arrays.fill(dLogits, drow, drow + v, 0f);
                }
                return;
            }
            int row = off + i * ld;
            if (simd) {
                backwardRowVector(logits, row, v, logSumExp[i], targets[i], rowScale[i], dLogits, drow, accumulate);
            } else {
                backwardRowScalar(logits, row, v, logSumExp[i], targets[i], rowScale[i], dLogits, drow, accumulate);
            }
        });
    }

    /**
     * index[i] = argmax_j logits[i, j] (the first one on ties); when {@code maxProb} is not null also
     * maxProb[i] = softmax(logits[i])[index[i]] = 1/Σⱼ exp(logits[i, j] − max), the sampler's confidence.
     */
    public static void argmax(float[] logits, int off, int ld, int n, int v, int[] index, float[] maxProb) {
        if (v < 1) {
            throw new IllegalArgumentException("argmax over rows of " + v + " classes");
        }
        boolean simd = Simd.enabled();
        Parallel.forEach(n, rowGrain(v), i -> {
            int row = off + i * ld;
            if (simd) {
                float max = maxVector(logits, row, v);
                index[i] = argmaxVector(logits, row, v, max);
                if (maxProb != null) {
                    maxProb[i] = 1f / sumExpVector(logits, row, v, max);
                }
            } else {
                index[i] = argmaxScalar(logits, row, v);
                if (maxProb != null) {
                    maxProb[i] = 1f / sumExpScalar(logits, row, v, logits[row + index[i]]);
                }
            }
        });
    }

    static float logSumExpScalar(float[] x, int off, int v) {
        float max = Float.NEGATIVE_INFINITY;
        for (int j = 0; j < v; j++) {
            max = Math.max(max, x[off + j]);
        }
        return max + (float) Math.log(sumExpScalar(x, off, v, max));
    }

    static float logSumExpVector(float[] x, int off, int v) {
        float max = maxVector(x, off, v);
        return max + (float) Math.log(sumExpVector(x, off, v, max));
    }

    /** Σⱼ exp(x[j] − shift). */
    static float sumExpScalar(float[] x, int off, int v, float shift) {
        float sum = 0f;
        for (int j = 0; j < v; j++) {
            sum += (float) Math.exp(x[off + j] - shift);
        }
        return sum;
    }

    static float sumExpVector(float[] x, int off, int v, float shift) {
        int step = F.length();
        int bound = F.loopBound(v);
        FloatVector shiftV = FloatVector.broadcast(F, shift);
        // two accumulators: exp's latency, not its throughput, would otherwise bound the loop
        FloatVector sum0 = FloatVector.zero(F);
        FloatVector sum1 = FloatVector.zero(F);
        int pairBound = bound - step;
        int j = 0;
        for (; j < pairBound; j += 2 * step) {
            sum0 = sum0.add(VectorMath.exp(FloatVector.fromArray(F, x, off + j).sub(shiftV)));
            sum1 = sum1.add(VectorMath.exp(FloatVector.fromArray(F, x, off + j + step).sub(shiftV)));
        }
        for (; j < bound; j += step) {
            sum0 = sum0.add(VectorMath.exp(FloatVector.fromArray(F, x, off + j).sub(shiftV)));
        }
        float sum = VectorMath.sum(sum0.add(sum1));
        for (; j < v; j++) {
            sum += VectorMath.expScalar(x[off + j] - shift);
        }
        return sum;
    }

    /** Inverts loss = logSumExp(x) − x[t]: dx[j] = (exp(x[j] − logSumExp) − [j = t])·scale. */
    static void backwardRowScalar(float[] x, int off, int v, float lse, int target, float scale, float[] d, int dOff,
                                  boolean accumulate) {
        for (int j = 0; j < v; j++) {
            float p = (float) Math.exp(x[off + j] - lse);
            float g = (j == target ? p - 1f : p) * scale;
            d[dOff + j] = accumulate ? d[dOff + j] + g : g;
        }
    }

    static void backwardRowVector(float[] x, int off, int v, float lse, int target, float scale, float[] d, int dOff,
                                  boolean accumulate) {
        float targetBefore = accumulate ? d[dOff + target] : 0f;
        // read before the loop: d may be x itself (the gradient written over the logits)
        float xTarget = x[off + target];
        int step = F.length();
        int bound = F.loopBound(v);
        FloatVector shift = FloatVector.broadcast(F, lse);
        FloatVector scaleV = FloatVector.broadcast(F, scale);
        int j = 0;
        if (accumulate) {
            for (; j < bound; j += step) {
                FloatVector p = VectorMath.exp(FloatVector.fromArray(F, x, off + j).sub(shift));
                p.fma(scaleV, FloatVector.fromArray(F, d, dOff + j)).intoArray(d, dOff + j);
            }
        } else {
            for (; j < bound; j += step) {
                FloatVector p = VectorMath.exp(FloatVector.fromArray(F, x, off + j).sub(shift));
                p.mul(scaleV).intoArray(d, dOff + j);
            }
        }
        for (; j < v; j++) {
            float g = VectorMath.expScalar(x[off + j] - lse) * scale;
            d[dOff + j] = accumulate ? d[dOff + j] + g : g;
        }
        // the one-hot term, written once rather than tested in every lane
        float pTarget = VectorMath.expScalar(xTarget - lse);
        d[dOff + target] = targetBefore + (pTarget - 1f) * scale;
    }

    static int argmaxScalar(float[] x, int off, int v) {
        int best = 0;
        for (int j = 1; j < v; j++) {
            if (x[off + j] > x[off + best]) {
                best = j;
            }
        }
        return best;
    }

    /** The first index holding {@code max}, the row's maximum. */
    static int argmaxVector(float[] x, int off, int v, float max) {
        int step = F.length();
        int bound = F.loopBound(v);
        FloatVector maxB = FloatVector.broadcast(F, max);
        int j = 0;
        for (; j < bound; j += step) {
            var hit = FloatVector.fromArray(F, x, off + j).compare(VectorOperators.EQ, maxB);
            if (hit.anyTrue()) {
                return j + hit.firstTrue();
            }
        }
        for (; j < v; j++) {
            if (x[off + j] == max) {
                return j;
            }
        }
        // only reached when the row holds NaN (max is NaN and equals nothing): agree with the scalar scan
        return argmaxScalar(x, off, v);
    }

    static float maxVector(float[] x, int off, int v) {
        int step = F.length();
        int bound = F.loopBound(v);
        FloatVector maxV = FloatVector.broadcast(F, Float.NEGATIVE_INFINITY);
        int j = 0;
        for (; j < bound; j += step) {
            maxV = maxV.max(FloatVector.fromArray(F, x, off + j));
        }
        float max = maxV.reduceLanes(VectorOperators.MAX);
        for (; j < v; j++) {
            max = Math.max(max, x[off + j]);
        }
        return max;
    }

    private static int rowGrain(int v) {
        return Math.max(1, GRAIN_FLOATS / Math.max(1, v));
    }

    private static void checkTargets(int[] targets, int n, int v, int ignoreIndex) {
        if (targets.length != n) {
            throw new IllegalArgumentException(targets.length + " targets for " + n + " rows of logits");
        }
        for (int i = 0; i < n; i++) {
            int t = targets[i];
            if (t != ignoreIndex && (t < 0 || t >= v)) {
                throw new IllegalArgumentException("target " + t + " at row " + i + " is outside [0, " + v
                        + ") and is not the ignore index " + ignoreIndex);
            }
        }
    }
}
