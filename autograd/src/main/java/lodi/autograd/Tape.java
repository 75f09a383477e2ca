package lodi.autograd;

import java.util.ArrayList;
import java.util.List;
import lodi.tensor.Tensor;

/**
 * The record of ops run with gradients enabled, one per thread. Ops are recorded in execution order, so
 * running them in reverse is a valid topological order for back-propagation.
 */
final class Tape {
    private static final ThreadLocal<Tape> CURRENT = ThreadLocal.withInitial(Tape::new);

    private final List<Variable> outputs = new ArrayList<>();
    private final List<Variable.Backward> backwards = new ArrayList<>();
    private int noGradDepth;

    static Tape current() {
        return CURRENT.get();
    }

    static boolean gradEnabled() {
        return CURRENT.get().noGradDepth == 0;
    }

    void record(Variable output, Variable.Backward backward) {
        outputs.add(output);
        backwards.add(backward);
    }

    /** Runs every recorded backward whose output received a gradient, newest first, then forgets them all. */
    void runBackward() {
        try {
            for (int i = outputs.size() - 1; i >= 0; i--) {
                Tensor grad = outputs.get(i).grad();
                if (grad != null) {
                    backwards.get(i).apply(grad);
                }
            }
        } finally {
            clear();
        }
    }

    /** Drops every recorded op and with it the activations the backwards held. */
    void clear() {
        outputs.clear();
        backwards.clear();
    }

    int size() {
        return outputs.size();
    }

    void enterNoGrad() {
        noGradDepth++;
    }

    void exitNoGrad() {
        noGradDepth--;
    }
}
