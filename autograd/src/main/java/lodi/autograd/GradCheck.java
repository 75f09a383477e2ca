package lodi.autograd;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.function.Function;
import lodi.tensor.CounterRng;
import lodi.tensor.Tensor;

/**
 * Finite-difference gradient checker. The function's output is reduced to the scalar L = Σ out·r with a fixed
 * random r; the analytic gradient of L (from {@link Variable#backward(Tensor)} with r as the output gradient)
 * is compared, element by element, with the central difference (L(x+ε) − L(x−ε)) / 2ε accumulated in double
 * precision. An element passes when |analytic − numeric| ≤ atol + rtol·|numeric|.
 *
 * <p>The function must be deterministic (dropout with a fixed seed is fine) and is evaluated once per
 * perturbed element, so large inputs are sampled: at most {@code maxPerInput} elements each.
 */
public final class GradCheck {
    private final double epsilon;
    private final double atol;
    private final double rtol;
    private final int maxPerInput;

    public GradCheck(double epsilon, double atol, double rtol, int maxPerInput) {
        this.epsilon = epsilon;
        this.atol = atol;
        this.rtol = rtol;
        this.maxPerInput = maxPerInput;
    }

    /** Defaults for float32 ops of moderate size: ε = 1e-2, atol = 2e-3, rtol = 2e-2, 48 elements per input. */
    public static GradCheck standard() {
        return new GradCheck(1e-2, 2e-3, 2e-2, 48);
    }

    /**
     * Checks every input that the function should differentiate. Throws {@link AssertionError} describing
     * the first mismatch.
     */
    public void check(String name, Function<List<Variable>, Variable> f, List<Tensor> inputs) {
        List<Variable> leaves = new ArrayList<>();
        for (Tensor t : inputs) {
            leaves.add(Variable.leaf(t.copy()));
        }
        Variable out = f.apply(leaves);
        Tensor weights = randomWeights(out.shape());
        out.backward(weights);

        for (int input = 0; input < inputs.size(); input++) {
            Tensor analytic = leaves.get(input).grad();
            Tensor base = inputs.get(input);
            int n = base.size();
            int step = Math.max(1, n / maxPerInput);
            for (int e = 0; e < n; e += step) {
                double numeric = numericDerivative(f, inputs, input, e, weights);
                double got = analytic == null ? 0.0 : analytic.get(e);
                if (Math.abs(got - numeric) > atol + rtol * Math.abs(numeric)) {
                    throw new AssertionError(String.format(
                            "%s: gradient of input %d element %d: analytic %.6g, numeric %.6g (atol %.1g, rtol %.1g)",
                            name, input, e, got, numeric, atol, rtol));
                }
            }
        }
    }

    /**
     * Checks the gradients a module's forward {@code f} leaves in {@code parameters} (those requiring one), by
     * perturbing each sampled parameter element in place and restoring it. Gradients already present are dropped
     * first; the parameters' gradients are dropped again afterwards.
     */
    public void checkParameters(String name, Supplier<Variable> f, Map<String, Parameter> parameters) {
        parameters.values().forEach(Variable::zeroGrad);
        Variable out = f.get();
        Tensor weights = randomWeights(out.shape());
        out.backward(weights);
        for (var entry : parameters.entrySet()) {
            Parameter p = entry.getValue();
            if (!p.requiresGrad()) {
                continue;
            }
            Tensor analytic = p.grad();
            Tensor value = p.value();
            int n = value.size();
            int step = Math.max(1, n / maxPerInput);
            for (int e = 0; e < n; e += step) {
                float original = value.get(e);
                value.set(e, (float) (original + epsilon));
                double plus = weighted(f, weights);
                value.set(e, (float) (original - epsilon));
                double minus = weighted(f, weights);
                value.set(e, original);
                double numeric = (plus - minus) / (2 * epsilon);
                double got = analytic == null ? 0.0 : analytic.get(e);
                if (Math.abs(got - numeric) > atol + rtol * Math.abs(numeric)) {
                    throw new AssertionError(String.format(
                            "%s: gradient of %s element %d: analytic %.6g, numeric %.6g (atol %.1g, rtol %.1g)",
                            name, entry.getKey(), e, got, numeric, atol, rtol));
                }
            }
            p.zeroGrad();
        }
    }

    private static double weighted(Supplier<Variable> f, Tensor weights) {
        Tensor out;
        try (var scope = Autograd.noGrad()) {
            out = f.get().value();
        }
        return dot(out, weights);
    }

    private static Tensor randomWeights(int[] shape) {
        Tensor weights = Tensor.zeros(shape);
        for (int i = 0; i < weights.size(); i++) {
            weights.set(i, 2f * CounterRng.uniform(12345, 0, i) - 1f);
        }
        return weights;
    }

    private static double dot(Tensor out, Tensor weights) {
        double sum = 0;
        for (int i = 0; i < out.size(); i++) {
            sum += (double) out.get(i) * weights.get(i);
        }
        return sum;
    }

    private double numericDerivative(Function<List<Variable>, Variable> f, List<Tensor> inputs, int input, int element,
                                     Tensor weights) {
        double plus = evaluate(f, inputs, input, element, epsilon, weights);
        double minus = evaluate(f, inputs, input, element, -epsilon, weights);
        return (plus - minus) / (2 * epsilon);
    }

    private static double evaluate(Function<List<Variable>, Variable> f, List<Tensor> inputs, int input, int element,
                                   double delta, Tensor weights) {
        List<Variable> constants = new ArrayList<>();
        for (int i = 0; i < inputs.size(); i++) {
            Tensor copy = inputs.get(i).copy();
            if (i == input) {
                copy.set(element, (float) (copy.get(element) + delta));
            }
            constants.add(Variable.constant(copy));
        }
        Tensor out;
        try (var scope = Autograd.noGrad()) {
            out = f.apply(constants).value();
        }
        return dot(out, weights);
    }
}
