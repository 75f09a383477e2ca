package lodi.autograd.optim;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import lodi.tensor.Tensor;

/**
 * An optimizer's state, flat and keyed by parameter name so a checkpoint writer can store it next to the
 * model's state dict: tensors such as {@code encoder.layers.0.query.weight.exp_avg}, and scalars such as
 * {@code encoder.layers.0.query.weight.step} and {@code lr}. Step counts are whole numbers stored exactly as
 * doubles.
 */
public record OptimizerState(Map<String, Tensor> tensors, Map<String, Double> scalars) {
    public OptimizerState {
        tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
        scalars = Collections.unmodifiableMap(new LinkedHashMap<>(scalars));
    }
}
