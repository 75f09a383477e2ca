package lodi.autograd.optim;

import java.util.Collection;
import lodi.autograd.Parameter;
import lodi.tensor.OptimizerKernels;
import lodi.tensor.Tensor;
import lodi.tensor.VectorOps;

/**
 * Global gradient-norm clipping, as {@code torch.nn.utils.clip_grad_norm_}. The norm is the square root of
 * a sum of squares taken in double, tensor by tensor in collection order, each tensor summed in fixed blocks
 * ({@link OptimizerKernels#sumOfSquares}): the same value for any thread count.
 */
public final class GradClip {
    private GradClip() {
    }

    /** The L2 norm of all gradients together; parameters without a gradient (or frozen) count as zero. */
    public static double globalNorm(Collection<Parameter> parameters) {
        double sumOfSquares = 0;
        for (Parameter parameter : parameters) {
            Tensor grad = gradientOf(parameter);
            if (grad != null) {
                sumOfSquares += OptimizerKernels.sumOfSquares(grad);
            }
        }
        return Math.sqrt(sumOfSquares);
    }

    /**
     * Scales every gradient by {@code maxNorm / (norm + 1e-6)} when that is below 1 (PyTorch's clamped
     * {@code clip_coef}), and returns the norm before clipping. A NaN or infinite norm leaves the gradients
     * untouched and is returned as is: pass it to {@link #requireFinite} to stop training with a message.
     */
    public static double clipGlobalNorm(Collection<Parameter> parameters, double maxNorm) {
        if (!(maxNorm > 0) || Double.isInfinite(maxNorm)) {
            throw new IllegalArgumentException("maxNorm must be finite and positive, got " + maxNorm);
        }
        double norm = globalNorm(parameters);
        if (!Double.isFinite(norm)) {
            return norm;
        }
        double coefficient = maxNorm / (norm + 1e-6);
        if (coefficient < 1) {
            float scale = (float) coefficient;
            for (Parameter parameter : parameters) {
                Tensor grad = gradientOf(parameter);
                if (grad != null) {
                    VectorOps.scale(grad.size(), scale, grad.data(), grad.offset(), grad.data(), grad.offset());
                }
            }
        }
        return norm;
    }

    /** Returns {@code norm} if finite, else throws {@link NonFiniteGradientException} naming {@code step}. */
    public static double requireFinite(double norm, long step) {
        if (!Double.isFinite(norm)) {
            throw new NonFiniteGradientException(step, norm);
        }
        return norm;
    }

    private static Tensor gradientOf(Parameter parameter) {
        return parameter.requiresGrad() ? parameter.grad() : null;
    }

    /** The gradient norm was NaN or infinite at a training step; the message names the step and the value. */
    public static final class NonFiniteGradientException extends ArithmeticException {
        private final long step;
        private final double norm;

        public NonFiniteGradientException(long step, double norm) {
            super("gradient norm is " + norm + " at step " + step
                    + " (loss diverged or an input overflowed); stopping");
            this.step = step;
            this.norm = norm;
        }

        public long step() {
            return step;
        }

        public double norm() {
            return norm;
        }
    }
}
