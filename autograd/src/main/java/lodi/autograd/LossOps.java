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
        if (!(divisor > 0f) || Float.isInfinite(divisor)) {
            throw new IllegalArgumentException("crossEntropy: divisor must be positive and finite, got " + divisor);
        }
        int[] savedTargets = targets.clone();
        float[] savedWeights = weights.clone();
        float[] nll = new float[n];
        float[] logSumExp = new float[n];
        CrossEntropy.forward(x.data(), x.offset(), v, n, v, savedTargets, IGNORE_INDEX, nll, logSumExp);
        double total = 0;
        for (int i = 0; i < n; i++) {
            if (savedTargets[i] != IGNORE_INDEX) {
                total += (double) savedWeights[i] * nll[i];
            }
        }
        Tensor loss = Tensor.full((float) (total / divisor));
        return Variable.op(loss, dLoss -> {
            if (logits.requiresGrad()) {
                // inverts loss = Σᵢ wᵢ·(logSumExp(xᵢ) − xᵢ[tᵢ]) / divisor:
                // dxᵢ += (softmax(xᵢ) − onehot(tᵢ))·wᵢ·dLoss/divisor
                float upstream = dLoss.get(0) / divisor;
                float[] rowScale = new float[n];
                for (int i = 0; i < n; i++) {
                    rowScale[i] = savedWeights[i] * upstream;
                }
                Tensor dx = logits.gradBuffer();
                CrossEntropy.backward(x.data(), x.offset(), v, n, v, savedTargets, IGNORE_INDEX, logSumExp, rowScale,
                        dx.data(), dx.offset(), v, true);
            }
        }, logits);
    }
}
