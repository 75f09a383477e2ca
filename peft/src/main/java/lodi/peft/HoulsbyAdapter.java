package lodi.peft;

import lodi.autograd.ElementwiseOps;
import lodi.autograd.Linear;
import lodi.autograd.Variable;
import lodi.model.bert.OutputAdapter;

/**
 * A Houlsby bottleneck adapter: h + up(ReLU(down(h))), down D → m, up m → D, both with biases.
 *
 * <p>The down-projection keeps PyTorch's Linear initialisation (Kaiming-uniform weight and bias), the
 * up-projection starts at zero: the adapter is the identity at first, yet the up-projection's gradient
 * ReLU(down(h))ᵀ·dy is not zero, so it learns from the first step. (Zeroing both, as the reference did, leaves
 * every adapter gradient zero forever.)
 *
 * <p>R = rows, D = hidden size, m = bottleneck.
 */
final class HoulsbyAdapter extends OutputAdapter {
    private final Linear down;
    private final Linear up;

    HoulsbyAdapter(int hidden, int bottleneck, long seed, String name) {
        down = registerModule("down", new Linear(hidden, bottleneck, true, seed, AbstractPeftModel.stream(name + ".down")));
        up = registerModule("up", new Linear(bottleneck, hidden, true, seed, AbstractPeftModel.stream(name + ".up")));
        up.weight().value().zero();
        up.bias().value().zero();
    }

    /** h [R, D] → h + up(ReLU(down(h))) [R, D]. */
    @Override
    public Variable forward(Variable hidden) {
        return ElementwiseOps.add(hidden, up.forward(ElementwiseOps.relu(down.forward(hidden))));
    }
}
