package lodi.autograd.optim;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import lodi.autograd.Parameter;
import lodi.tensor.Tensor;

/**
 * What {@link AdamW} and {@link Sgd} share: named trainable parameters, each with a step count and
 * per-element buffers allocated on its first update, the learning rate, and flat named state. Public so its
 * methods and builder settings are usable through {@link AdamW} and {@link Sgd}; sealed to those two.
 */
public abstract sealed class NamedParameterOptimizer implements Optimizer permits AdamW, Sgd {
    /** One trainable parameter and its optimizer state. */
    static final class Slot {
        final String name;
        final Parameter parameter;
        final boolean decay;
        /** Updates applied to this parameter so far (PyTorch's per-parameter {@code state["step"]}). */
        long step;
        /** One buffer per name in {@link #bufferNames}, null until the first update. */
        Tensor[] buffers;

        Slot(String name, Parameter parameter, boolean decay) {
            this.name = name;
            this.parameter = parameter;
            this.decay = decay;
        }
    }

    private final List<Slot> slots = new ArrayList<>();
    private final List<String> bufferNames;
    private double learningRate;

    /** Settings every optimizer over named parameters takes; subclasses add their own. */
    public abstract static class Builder<B extends Builder<B>> {
        final Map<String, Parameter> namedParameters;
        final double learningRate;
        double weightDecay;
        Predicate<String> noDecay;

        Builder(Map<String, Parameter> namedParameters, double learningRate, double weightDecay,
                Predicate<String> noDecay) {
            this.namedParameters = namedParameters;
            this.learningRate = learningRate;
            this.weightDecay = weightDecay;
            this.noDecay = noDecay;
        }

        abstract B self();

        public B weightDecay(double weightDecay) {
            requireFiniteNonNegative("weight decay", weightDecay);
            this.weightDecay = weightDecay;
            return self();
        }

        /** Which parameter names are exempt from weight decay. */
        public B noDecay(Predicate<String> noDecay) {
            this.noDecay = noDecay;
            return self();
        }
    }

    /**
     * Keeps the parameters that require a gradient now; frozen ones get no slot and no state. The builder's
     * {@code noDecay} names the parameters exempt from weight decay.
     */
    NamedParameterOptimizer(Builder<?> settings, List<String> bufferNames) {
        requireFiniteNonNegative("learning rate", settings.learningRate);
        this.learningRate = settings.learningRate;
        this.bufferNames = List.copyOf(bufferNames);
        settings.namedParameters.forEach((name, parameter) -> {
            if (parameter.requiresGrad()) {
                slots.add(new Slot(name, parameter, !settings.noDecay.test(name)));
            }
        });
    }

    /** Updates one parameter whose step count was just incremented and whose buffers exist. */
    abstract void update(Slot slot, Tensor value, Tensor grad);

    @Override
    public final void step() {
        for (Slot slot : slots) {
            Parameter parameter = slot.parameter;
            if (!parameter.requiresGrad() || parameter.grad() == null) {
                continue;
            }
            if (slot.buffers == null) {
                slot.buffers = newBuffers(parameter.value().shape());
            }
            slot.step++;
            update(slot, parameter.value(), parameter.grad());
        }
    }

    @Override
    public final void zeroGrad() {
        for (Slot slot : slots) {
            slot.parameter.zeroGrad();
        }
    }

    @Override
    public final double learningRate() {
        return learningRate;
    }

    @Override
    public final void setLearningRate(double learningRate) {
        requireFiniteNonNegative("learning rate", learningRate);
        this.learningRate = learningRate;
    }

    /** Names of the parameters this optimizer updates, in order; frozen parameters are absent. */
    public final List<String> parameterNames() {
        return slots.stream().map(s -> s.name).toList();
    }

    /** Whether weight decay applies to the named parameter. */
    public final boolean decays(String name) {
        return slotNamed(name).decay;
    }

    @Override
    public final OptimizerState state() {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        Map<String, Double> scalars = new LinkedHashMap<>();
        scalars.put("lr", learningRate);
        for (Slot slot : slots) {
            if (slot.buffers == null) {
                continue;
            }
            scalars.put(slot.name + ".step", (double) slot.step);
            for (int b = 0; b < bufferNames.size(); b++) {
                tensors.put(slot.name + "." + bufferNames.get(b), slot.buffers[b].copy());
            }
        }
        return new OptimizerState(tensors, scalars);
    }

    @Override
    public final void loadState(OptimizerState state) {
        List<String> problems = new ArrayList<>();
        Map<String, Double> scalars = new LinkedHashMap<>(state.scalars());
        Map<String, Tensor> tensors = new LinkedHashMap<>(state.tensors());
        Double lr = scalars.remove("lr");
        if (lr == null) {
            problems.add("missing lr");
        }
        Map<Slot, Tensor[]> loaded = new LinkedHashMap<>();
        Map<Slot, Long> steps = new LinkedHashMap<>();
        for (Slot slot : slots) {
            Double step = scalars.remove(slot.name + ".step");
            Tensor[] buffers = new Tensor[bufferNames.size()];
            for (int b = 0; b < buffers.length; b++) {
                String key = slot.name + "." + bufferNames.get(b);
                buffers[b] = tensors.remove(key);
                if (step == null && buffers[b] != null) {
                    problems.add(key + " without " + slot.name + ".step");
                } else if (step != null && buffers[b] == null) {
                    problems.add("missing " + key);
                } else if (buffers[b] != null && !buffers[b].sameShape(slot.parameter.value())) {
                    problems.add("shape mismatch for " + key + ": state " + Arrays.toString(buffers[b].shape())
                            + ", parameter " + Arrays.toString(slot.parameter.value().shape()));
                }
            }
            if (step != null) {
                if (step < 1 || step != Math.rint(step)) {
                    problems.add(slot.name + ".step must be a positive whole number, got " + step);
                }
                steps.put(slot, step.longValue());
                loaded.put(slot, buffers);
            }
        }
        scalars.keySet().forEach(key -> problems.add("unexpected scalar " + key));
        tensors.keySet().forEach(key -> problems.add("unexpected tensor " + key));
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("cannot load " + getClass().getSimpleName() + " state: "
                    + String.join("; ", problems));
        }
        setLearningRate(lr);
        for (Slot slot : slots) {
            Tensor[] source = loaded.get(slot);
            slot.step = source == null ? 0 : steps.get(slot);
            slot.buffers = null;
            if (source != null) {
                slot.buffers = newBuffers(slot.parameter.value().shape());
                for (int b = 0; b < source.length; b++) {
                    slot.buffers[b].copyFrom(source[b]);
                }
            }
        }
    }

    private Tensor[] newBuffers(int[] shape) {
        Tensor[] buffers = new Tensor[bufferNames.size()];
        for (int b = 0; b < buffers.length; b++) {
            buffers[b] = Tensor.lastingZeros(shape);
        }
        return buffers;
    }

    private Slot slotNamed(String name) {
        for (Slot slot : slots) {
            if (slot.name.equals(name)) {
                return slot;
            }
        }
        throw new IllegalArgumentException("no trainable parameter named '" + name + "' in this optimizer");
    }

    static void requireFiniteNonNegative(String what, double value) {
        if (!(value >= 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(what + " must be finite and non-negative, got " + value);
        }
    }
}
