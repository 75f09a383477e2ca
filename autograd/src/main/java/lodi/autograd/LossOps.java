package lodi.autograd;

import java.util.Arrays;
import lodi.tensor.CrossEntropy;
import lodi.tensor.Tensor;

/**
 * Classification losses on logits, fused with their log-softmax.
 *
 * <p>Shape legend: N = scored rows (leading dimensions of the logits flattened), V = classes. A target equal to
 * {@link #IGNORE_INDEX} (-100, PyTorch's default) marks a row that contributes nothing to the loss, its divisor
 * or the gradient.
 */
public final class LossOps {
    /** The target value of rows to ignore. */
    public static final int IGNORE_INDEX = CrossEntropy.IGNORE_INDEX;

    private LossOps() {
    }

    /**
     * PyTorch's {@code F.cross_entropy(logits, targets, ignore_index=-100, reduction="mean")}:
     * loss = Σᵢ nllᵢ / M over the M non-ignored rows, nllᵢ = logSumExp(logitsᵢ) − logitsᵢ[targetᵢ]. When every row
     * is ignored the loss is 0 with a zero gradient (PyTorch gives NaN).
     */
    public static Variable crossEntropy(Variable logits, int[] targets) {
        float[] weights = new float[targets.length];
        int counted = 0;
        for (int i = 0; i < targets.length; i++) {
            if (targets[i] != IGNORE_INDEX) {
                weights[i] = 1f;
                counted++;
            }
        }
        return crossEntropy(logits, targets, weights, Math.max(1, counted));
    }

    /**
     * Weighted sum: loss = Σᵢ wᵢ·nllᵢ / divisor over non-ignored rows (an ignored row's weight is unused). For the
     * MDLM ELBO pass wᵢ = 1/tᵢ for a masked position of a sequence noised at time tᵢ (ignore the unmasked ones) and
     * the divisor of your normalisation, e.g. the number of tokens in the batch; for a weighted mean pass Σᵢ wᵢ.
     * Output: a scalar of shape []. The weights are constants (no gradient flows to them).
     */
    public static Variable crossEntropy(Variable logits, int[] targets, float[] weights, float divisor) {
        Tensor x = logits.value();
        int n = x.rows();
        int v = x.cols();
        if (x.rank() < 1 || targets.length != n || weights.length != n) {
            throw new IllegalArgumentException("crossEntropy: logits " + Arrays.toString(x.shape()) + " (" + n
                    + " rows), " + targets.length + " targets, " + weights.length + " weights");
        }
        Reduction r = Reduction.of(targets, weights, divisor);
        float[] logSumExp = new float[n];
        Tensor loss = r.loss(x.data(), x.offset(), n, v, logSumExp);
        return Variable.op(loss, dLoss -> {
            if (logits.requiresGrad()) {
                // inverts loss = Σᵢ wᵢ·(logSumExp(xᵢ) − xᵢ[tᵢ]) / divisor:
                // dxᵢ += (softmax(xᵢ) − onehot(tᵢ))·wᵢ·dLoss/divisor
                Tensor dx = logits.gradBuffer();
                CrossEntropy.backward(x.data(), x.offset(), v, n, v, r.targets, IGNORE_INDEX, logSumExp,
                        r.rowScale(dLoss), dx.data(), dx.offset(), v, true);
            }
        }, logits);
    }

    /**
     * The output head and its loss in one op: {@code crossEntropy(linear(x, weight, bias), targets, weights,
     * divisor)} with x [N, I], weight [V, I], bias [V] or null, bitwise the same loss and gradients. The logits
     * [N, V] never become a Variable: they live in a scratch array that the backward overwrites with their
     * gradient, and that the next call on this thread reuses. For a 30522-word vocabulary that saves the two
     * largest arrays of a training step (logits and their gradient, 75 MB each at N = 614) and the zero-fill
     * and extra pass of accumulating into a fresh gradient buffer.
     */
    public static Variable linearCrossEntropy(Variable x, Variable weight, Variable bias, int[] targets,
                                              float[] weights, float divisor) {
        MatrixOps.checkLinear("linearCrossEntropy", x, weight, bias);
        int n = x.value().rows();
        int v = weight.value().dim(0);
        if (targets.length != n || weights.length != n) {
            throw new IllegalArgumentException("linearCrossEntropy: input " + Arrays.toString(x.shape()) + " (" + n
                    + " rows), " + targets.length + " targets, " + weights.length + " weights");
        }
        Reduction r = Reduction.of(targets, weights, divisor);
        float[] logits = LogitsScratch.take(Math.multiplyExact(n, v));
        MatrixOps.affine(x, weight, bias, logits, 0);
        float[] logSumExp = new float[n];
        Tensor loss = r.loss(logits, 0, n, v, logSumExp);
        Variable[] inputs = bias == null ? new Variable[] {x, weight} : new Variable[] {x, weight, bias};
        Variable out = Variable.op(loss, dLoss -> {
            // inverts loss = Σᵢ wᵢ·nllᵢ(x·Wᵀ + b) / divisor: dlogits (written over the logits), then the linear
            CrossEntropy.backward(logits, 0, v, n, v, r.targets, IGNORE_INDEX, logSumExp, r.rowScale(dLoss),
                    logits, 0, v, false);
            MatrixOps.affineBackward(x, weight, bias, logits, 0);
            LogitsScratch.give(logits);
        }, inputs);
        if (!out.requiresGrad()) {
            LogitsScratch.give(logits);
        }
        return out;
    }

    /** The checked targets and weights of a cross-entropy and the reduction Σᵢ wᵢ·nllᵢ / divisor over them. */
    private record Reduction(int[] targets, float[] weights, float divisor) {
        static Reduction of(int[] targets, float[] weights, float divisor) {
            if (!(divisor > 0f) || Float.isInfinite(divisor)) {
                throw new IllegalArgumentException("crossEntropy: divisor must be positive and finite, got " + divisor);
            }
            return new Reduction(targets.clone(), weights.clone(), divisor);
        }

        /** The scalar loss of logits [N, V] (leading dimension V) at {@code off}, keeping each row's logSumExp. */
        Tensor loss(float[] logits, int off, int n, int v, float[] logSumExp) {
            float[] nll = new float[n];
            CrossEntropy.forward(logits, off, v, n, v, targets, IGNORE_INDEX, nll, logSumExp);
            double total = 0;
            for (int i = 0; i < n; i++) {
                if (targets[i] != IGNORE_INDEX) {
                    total += (double) weights[i] * nll[i];
                }
            }
            return Tensor.full((float) (total / divisor));
        }

        /** wᵢ·dLoss/divisor: the factor of row i's softmax-minus-onehot gradient. */
        float[] rowScale(Tensor dLoss) {
            float upstream = dLoss.get(0) / divisor;
            float[] scale = new float[weights.length];
            for (int i = 0; i < scale.length; i++) {
                scale[i] = weights[i] * upstream;
            }
            return scale;
        }
    }

    /**
     * One spare logits array per thread. An op takes it (so two live ops never share one) and gives it back
     * once its backward has run, or at once when no backward was recorded; an op whose backward never runs
     * simply leaves it to the garbage collector.
     */
    private static final class LogitsScratch {
        private static final ThreadLocal<float[]> SPARE = new ThreadLocal<>();

        private LogitsScratch() {
        }

        static float[] take(int size) {
            float[] spare = SPARE.get();
            if (spare != null && spare.length >= size) {
                SPARE.remove();
                return spare;
            }
            return new float[size];
        }

        static void give(float[] array) {
            float[] spare = SPARE.get();
            if (spare == null || spare.length < array.length) {
                SPARE.set(array);
            }
        }
    }
}
