package lodi.autograd;

import java.util.Arrays;
import lodi.tensor.Tensor;

/**
 * A tensor in the autodiff graph: a value, and, when it requires a gradient, a gradient buffer filled by
 * {@link #backward()}.
 *
 * <p>Ops build outputs with {@link #op}: when gradients are enabled and an input requires one, the output
 * requires one too and the op's backward is recorded on the {@link Tape}. Backward closures accumulate
 * ({@code +=}) into their inputs' {@link #gradBuffer()}, and must skip inputs that do not
 * {@link #requiresGrad()}: that is how a frozen weight costs no weight-gradient work.
 */
public sealed class Variable permits Parameter {
    private final Tensor value;
    private Tensor grad;
    boolean requiresGrad;

    Variable(Tensor value, boolean requiresGrad) {
        this.value = value;
        this.requiresGrad = requiresGrad;
    }

    /** A constant: never gets a gradient. */
    public static Variable constant(Tensor value) {
        return new Variable(value, false);
    }

    /** A leaf that collects a gradient (an input whose gradient a test or a caller wants). */
    public static Variable leaf(Tensor value) {
        return new Variable(value, true);
    }

    /**
     * The output of an op. It requires a gradient when gradients are enabled and any input requires one;
     * then {@code backward} is recorded and later called with this output's gradient.
     */
    public static Variable op(Tensor value, Backward backward, Variable... inputs) {
        if (!Tape.gradEnabled()) {
            return new Variable(value, false);
        }
        for (Variable input : inputs) {
            if (input.requiresGrad) {
                Variable out = new Variable(value, true);
                Tape.current().record(out, backward);
                return out;
            }
        }
        return new Variable(value, false);
    }

    public final Tensor value() {
        return value;
    }

    public final int[] shape() {
        return value.shape();
    }

    public final boolean requiresGrad() {
        return requiresGrad;
    }

    /** The gradient accumulated so far, or null when none has reached this variable. */
    public final Tensor grad() {
        return grad;
    }

    /** The gradient buffer, allocated as zeros on first use; only for variables that require a gradient. */
    public final Tensor gradBuffer() {
        if (!requiresGrad) {
            throw new IllegalStateException("gradBuffer() on a variable that does not require a gradient");
        }
        if (grad == null) {
            grad = Tensor.zeros(value.shape());
        }
        return grad;
    }

    /**
     * Whether no gradient has reached this variable yet: a backward step that writes its whole contribution in
     * one pass may then take {@link #newGrad()} and write it, rather than add it to {@link #gradBuffer()}'s zeros
     * (clearing buffers only to add into them took a tenth of a real step).
     */
    public final boolean gradIsEmpty() {
        return grad == null;
    }

    /**
     * A new gradient buffer whose contents are undefined, which the caller must overwrite entirely with what
     * adding into zeros would give; only while {@link #gradIsEmpty()}.
     */
    public final Tensor newGrad() {
        if (!requiresGrad || grad != null) {
            throw new IllegalStateException("newGrad() on a variable that " + (requiresGrad ? "already has a gradient"
                    : "does not require a gradient"));
        }
        grad = Tensor.uninitialized(value.shape());
        return grad;
    }

    /** Drops the gradient (the optimizer's zero_grad). */
    public final void zeroGrad() {
        grad = null;
    }

    /** Back-propagates from this scalar (any shape of one element): d(this)/d(this) = 1. */
    public final void backward() {
        if (value.size() != 1) {
            throw new IllegalArgumentException("backward() needs a scalar, got shape " + Arrays.toString(value.shape())
                    + "; pass the output gradient with backward(Tensor)");
        }
        backward(Tensor.full(1f, value.shape()));
    }

    /** Back-propagates with {@code outputGrad} as this variable's gradient, then releases the tape. */
    public final void backward(Tensor outputGrad) {
        Tensor.requireSameShape(value, outputGrad);
        if (!requiresGrad) {
            throw new IllegalStateException("backward() on a variable that does not require a gradient: nothing "
                    + "upstream requires one, or it was computed under Autograd.noGrad()");
        }
        gradBuffer().copyFrom(outputGrad);
        Tape.current().runBackward();
    }

    @Override
    public String toString() {
        return "Variable" + Arrays.toString(value.shape()) + (requiresGrad ? " requiresGrad" : "");
    }

    /** An op's backward: reads the output gradient and accumulates into the inputs' gradients. */
    @FunctionalInterface
    public interface Backward {
        void apply(Tensor outputGrad);
    }
}
