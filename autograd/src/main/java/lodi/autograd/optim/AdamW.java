package lodi.autograd.optim;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import lodi.autograd.Parameter;
import lodi.tensor.OptimizerKernels;
import lodi.tensor.OptimizerKernels.AdamWScalars;
import lodi.tensor.Tensor;

/**
 * Adam with decoupled weight decay, as {@code torch.optim.AdamW} (single-tensor path): for each parameter
 * with a gradient, {@code t += 1}, {@code p *= 1 - lr*wd}, then the bias-corrected Adam update
 * (see {@link OptimizerKernels#adamW}). State per parameter: {@code exp_avg}, {@code exp_avg_sq} and
 * {@code step}, as PyTorch names them.
 *
 * <p>Defaults: betas (0.9, 0.999) and eps 1e-8, as both PyTorch's AdamW and HuggingFace's
 * {@code TrainingArguments}; weight decay 0.01, PyTorch's AdamW default (HuggingFace's
 * {@code TrainingArguments} defaults to 0, so a run mirroring an HF config sets it explicitly); biases and
 * normalisation parameters exempt from decay, as HuggingFace's Trainer groups them.
 */
public final class AdamW extends NamedParameterOptimizer {
    private final double beta1;
    private final double beta2;
    private final double eps;
    private final double weightDecay;

    private AdamW(Builder b) {
        super(b, List.of("exp_avg", "exp_avg_sq"));
        this.beta1 = b.beta1;
        this.beta2 = b.beta2;
        this.eps = b.eps;
        this.weightDecay = b.weightDecay;
    }

    /** A builder over named parameters (e.g. {@code model.namedParameters()}); frozen ones are ignored. */
    public static Builder builder(Map<String, Parameter> namedParameters, double learningRate) {
        return new Builder(namedParameters, learningRate);
    }

    /**
     * The default decay exemption, as HuggingFace's Trainer: biases (names ending in {@code bias}) and
     * normalisation parameters (the owning module's name contains {@code norm}, any case, e.g.
     * {@code embeddings.LayerNorm.weight}, {@code layers.0.attention_norm.weight}).
     */
    public static boolean isBiasOrNorm(String name) {
        if (name.endsWith("bias")) {
            return true;
        }
        int lastDot = name.lastIndexOf('.');
        if (lastDot < 0) {
            return false;
        }
        String module = name.substring(name.lastIndexOf('.', lastDot - 1) + 1, lastDot);
        return module.toLowerCase(Locale.ROOT).contains("norm");
    }

    @Override
    void update(Slot slot, Tensor value, Tensor grad) {
        double lr = learningRate();
        AdamWScalars k = AdamWScalars.of(lr, beta1, beta2, eps, slot.decay ? weightDecay : 0,
                1 - Math.pow(beta1, slot.step), Math.sqrt(1 - Math.pow(beta2, slot.step)));
        OptimizerKernels.adamW(value, grad, slot.buffers[0], slot.buffers[1], k);
    }

    /** AdamW settings; defaults as in the class comment. */
    public static final class Builder extends NamedParameterOptimizer.Builder<Builder> {
        private double beta1 = 0.9;
        private double beta2 = 0.999;
        private double eps = 1e-8;

        private Builder(Map<String, Parameter> namedParameters, double learningRate) {
            super(namedParameters, learningRate, 0.01, AdamW::isBiasOrNorm);
        }

        @Override
        Builder self() {
            return this;
        }

        public Builder betas(double beta1, double beta2) {
            if (!(beta1 >= 0 && beta1 < 1 && beta2 >= 0 && beta2 < 1)) {
                throw new IllegalArgumentException("betas must lie in [0, 1), got (" + beta1 + ", " + beta2 + ")");
            }
            this.beta1 = beta1;
            this.beta2 = beta2;
            return this;
        }

        public Builder eps(double eps) {
            requireFiniteNonNegative("eps", eps);
            this.eps = eps;
            return this;
        }

        public AdamW build() {
            return new AdamW(this);
        }
    }
}
