package lodi.autograd.optim;

import java.util.List;
import java.util.Map;
import lodi.autograd.Parameter;
import lodi.tensor.OptimizerKernels;
import lodi.tensor.Tensor;

/**
 * Stochastic gradient descent with optional momentum and (coupled, L2) weight decay, as
 * {@code torch.optim.SGD} without Nesterov: {@code d = g + wd*p}; the momentum buffer starts as {@code d}
 * and is then {@code momentum*buf + (1-dampening)*d}; {@code p -= lr*buf}. State per parameter:
 * {@code momentum_buffer} (only with momentum) and {@code step}.
 */
public final class Sgd extends NamedParameterOptimizer {
    private final float momentum;
    private final float dampening;
    private final float weightDecay;

    private Sgd(Builder b) {
        super(b,
                b.momentum == 0 ? List.of() : List.of("momentum_buffer"));
        this.momentum = (float) b.momentum;
        this.dampening = (float) b.dampening;
        this.weightDecay = (float) b.weightDecay;
    }

    /** A builder over named parameters; frozen ones are ignored. Defaults: no momentum, no weight decay. */
    public static Builder builder(Map<String, Parameter> namedParameters, double learningRate) {
        return new Builder(namedParameters, learningRate);
    }

    @Override
    void update(Slot slot, Tensor value, Tensor grad) {
        Tensor buffer = slot.buffers.length == 0 ? null : slot.buffers[0];
        OptimizerKernels.sgd(value, grad, buffer, (float) learningRate(), momentum, dampening,
                slot.decay ? weightDecay : 0f, slot.step == 1);
    }

    /** SGD settings; weight decay applies to every parameter unless {@code noDecay} says otherwise. */
    public static final class Builder extends NamedParameterOptimizer.Builder<Builder> {
        private double momentum;
        private double dampening;

        private Builder(Map<String, Parameter> namedParameters, double learningRate) {
            super(namedParameters, learningRate, 0, name -> false);
        }

        @Override
        Builder self() {
            return this;
        }

        public Builder momentum(double momentum) {
            requireFiniteNonNegative("momentum", momentum);
            this.momentum = momentum;
            return this;
        }

        public Builder dampening(double dampening) {
            requireFiniteNonNegative("dampening", dampening);
            this.dampening = dampening;
            return this;
        }

        public Sgd build() {
            return new Sgd(this);
        }
    }
}
