package lodi.autograd;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import lodi.tensor.Tensor;

/**
 * A piece of a model: named parameters and named child modules, as in PyTorch's {@code nn.Module}.
 * Parameter names are dotted paths, e.g. {@code encoder.layers.0.attention.query.weight}.
 */
public abstract class Module {
    private final Map<String, Parameter> parameters = new LinkedHashMap<>();
    private final Map<String, Module> children = new LinkedHashMap<>();
    private boolean training = true;

    /** Adds a parameter initialised to {@code value} under {@code name}. */
    public final Parameter registerParameter(String name, Tensor value) {
        requireFreeName(name);
        Parameter parameter = new Parameter(value);
        parameters.put(name, parameter);
        return parameter;
    }

    /** Adds {@code module} as a child under {@code name} and returns it. */
    public final <M extends Module> M registerModule(String name, M module) {
        requireFreeName(name);
        children.put(name, module);
        module.train(training);
        return module;
    }

    /**
     * Puts {@code module} in the place of the child {@code name} (same name, same position in the order) and
     * returns it: how a method wraps a layer of a model it did not build.
     */
    public final <M extends Module> M replaceModule(String name, M module) {
        if (!children.containsKey(name)) {
            throw new IllegalArgumentException("no child module '" + name + "' to replace; children: " + children.keySet());
        }
        children.put(name, module);
        module.train(training);
        return module;
    }

    /** Every parameter of this module and its descendants by dotted name, in registration order. */
    public final Map<String, Parameter> namedParameters() {
        Map<String, Parameter> all = new LinkedHashMap<>();
        collectParameters("", all);
        return Collections.unmodifiableMap(all);
    }

    /** Every parameter, in the order of {@link #namedParameters()}. */
    public final List<Parameter> parameters() {
        return new ArrayList<>(namedParameters().values());
    }

    /** This module ({@code ""}) and every descendant by dotted name. */
    public final Map<String, Module> namedModules() {
        Map<String, Module> all = new LinkedHashMap<>();
        collectModules("", all);
        return Collections.unmodifiableMap(all);
    }

    /** The direct children by name. */
    public final Map<String, Module> children() {
        return Collections.unmodifiableMap(children);
    }

    /** The number of scalar parameters. */
    public final long parameterCount() {
        long n = 0;
        for (Parameter p : namedParameters().values()) {
            n += p.value().size();
        }
        return n;
    }

    /** Sets training mode (dropout active) on this module and all descendants. */
    public final Module train(boolean on) {
        training = on;
        for (Module child : children.values()) {
            child.train(on);
        }
        return this;
    }

    public final Module eval() {
        return train(false);
    }

    public final boolean isTraining() {
        return training;
    }

    /** Name → tensor for every parameter (the tensors themselves, not copies). */
    public final Map<String, Tensor> stateDict() {
        Map<String, Tensor> state = new LinkedHashMap<>();
        namedParameters().forEach((name, p) -> state.put(name, p.value()));
        return state;
    }

    /**
     * Copies values into the parameters by name. With {@code strict}, every parameter must be present and no
     * extra name allowed; every problem (missing, unexpected, wrong shape) is listed in one error.
     */
    public final void loadStateDict(Map<String, Tensor> state, boolean strict) {
        Map<String, Parameter> own = namedParameters();
        List<String> problems = new ArrayList<>();
        for (var entry : own.entrySet()) {
            Tensor source = state.get(entry.getKey());
            if (source == null) {
                if (strict) {
                    problems.add("missing " + entry.getKey());
                }
            } else if (!source.sameShape(entry.getValue().value())) {
                problems.add("shape mismatch for " + entry.getKey() + ": checkpoint " + Arrays.toString(source.shape())
                        + ", model " + Arrays.toString(entry.getValue().value().shape()));
            }
        }
        if (strict) {
            for (String name : state.keySet()) {
                if (!own.containsKey(name)) {
                    problems.add("unexpected " + name);
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("cannot load state: " + String.join("; ", problems));
        }
        for (var entry : own.entrySet()) {
            Tensor source = state.get(entry.getKey());
            if (source != null) {
                entry.getValue().value().copyFrom(source);
            }
        }
    }

    private void collectParameters(String prefix, Map<String, Parameter> into) {
        parameters.forEach((name, p) -> into.put(prefix + name, p));
        children.forEach((name, child) -> child.collectParameters(prefix + name + ".", into));
    }

    private void collectModules(String prefix, Map<String, Module> into) {
        into.put(prefix.isEmpty() ? "" : prefix.substring(0, prefix.length() - 1), this);
        children.forEach((name, child) -> child.collectModules(prefix + name + ".", into));
    }

    private void requireFreeName(String name) {
        if (name.isEmpty() || name.contains(".")) {
            throw new IllegalArgumentException("invalid name '" + name + "': must be non-empty without dots");
        }
        if (parameters.containsKey(name) || children.containsKey(name)) {
            throw new IllegalArgumentException(getClass().getSimpleName() + " already has a member named '" + name + "'");
        }
    }
}
