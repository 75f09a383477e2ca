package lodi.autograd;

import lodi.tensor.Tensor;

/**
 * A trainable tensor owned by a {@link Module}. Freezing it ({@code setRequiresGrad(false)}) drops its
 * gradient buffer, and every op then skips the work that would have produced its gradient.
 */
public final class Parameter extends Variable {
    public Parameter(Tensor value) {
        super(value, true);
    }

    public void setRequiresGrad(boolean requiresGrad) {
        this.requiresGrad = requiresGrad;
        if (!requiresGrad) {
            zeroGrad();
        }
    }
}
