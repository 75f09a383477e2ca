package lodi.autograd.optim;

/**
 * Updates parameters from their gradients, as {@code torch.optim.Optimizer}. One call of {@link #step()} is
 * one update; the learning rate is set from outside (by an {@link LrSchedule}) before each step.
 */
public interface Optimizer {
    /** Applies one update to every trainable parameter that has a gradient; others are left untouched. */
    void step();

    /** Drops every parameter's gradient (PyTorch's {@code zero_grad(set_to_none=True)}). */
    void zeroGrad();

    double learningRate();

    void setLearningRate(double learningRate);

    /** A snapshot (copies) of all state needed to continue bit-identically: buffers, step counts, lr. */
    OptimizerState state();

    /**
     * Replaces all state with {@code state}, which must come from {@link #state()} of an optimizer of the same
     * kind over parameters of the same names and shapes; every mismatch is named in one error.
     */
    void loadState(OptimizerState state);
}
