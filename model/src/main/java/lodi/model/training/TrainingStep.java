package lodi.model.training;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.Supplier;
import lodi.autograd.Module;
import lodi.autograd.Parameter;
import lodi.autograd.Variable;
import lodi.autograd.optim.GradClip;
import lodi.autograd.optim.LrSchedule;
import lodi.autograd.optim.Optimizer;
import lodi.tensor.BufferPool;

/**
 * One optimisation step, the same for pretraining, fine-tuning and the step benchmark: set the learning rate
 * from the schedule, compute the loss, stop on a NaN or infinite loss or gradient (naming the step),
 * back-propagate, clip the global gradient norm, update, drop the gradients. The step's activations and
 * gradients live in a {@link BufferPool} scope: the next step reuses their arrays.
 */
public final class TrainingStep {
    private final List<Parameter> trainable;
    private final Optimizer optimizer;
    private final LrSchedule schedule;
    private final double clipNorm;
    private final BufferPool buffers = new BufferPool();

    /** {@code clipNorm} ≤ 0 turns clipping off. */
    public TrainingStep(Module model, Optimizer optimizer, LrSchedule schedule, double clipNorm) {
        this(model.namedParameters().values(), optimizer, schedule, clipNorm);
    }

    /**
     * For parameters that are not one module's (a PEFT model's base plus its added modules); those not
     * requiring a gradient are ignored. {@code clipNorm} ≤ 0 turns clipping off.
     */
    public TrainingStep(Collection<Parameter> parameters, Optimizer optimizer, LrSchedule schedule, double clipNorm) {
        this.trainable = new ArrayList<>();
        parameters.stream().filter(Parameter::requiresGrad).forEach(trainable::add);
        this.optimizer = optimizer;
        this.schedule = schedule;
        this.clipNorm = clipNorm;
    }

    /**
     * Runs step {@code step} (0-based) and returns its loss, pre-clip gradient norm, learning rate and where its
     * time went.
     */
    public Result run(long step, Supplier<Variable> loss) {
        try (BufferPool.Scope scope = buffers.open()) {
            return runInScope(step, loss);
        }
    }

    private Result runInScope(long step, Supplier<Variable> loss) {
        long start = System.nanoTime();
        schedule.apply(optimizer, step);
        Variable value = loss.get();
        double lossValue = value.value().get(0);
        if (!Double.isFinite(lossValue)) {
            lodi.autograd.Autograd.clearTape();
            optimizer.zeroGrad();
            throw new DivergedException("the loss is " + lossValue + " at step " + (step + 1)
                    + "; lower the learning rate or check the data (the run stopped here)");
        }
        long forwardEnd = System.nanoTime();
        value.backward();
        long backwardEnd = System.nanoTime();
        double norm = clipNorm > 0 ? GradClip.clipGlobalNorm(trainable, clipNorm) : GradClip.globalNorm(trainable);
        if (!Double.isFinite(norm)) {
            optimizer.zeroGrad();
            throw new DivergedException("the gradient norm is " + norm + " at step " + (step + 1)
                    + "; lower the learning rate or check the data (the run stopped here)");
        }
        optimizer.step();
        optimizer.zeroGrad();
        long end = System.nanoTime();
        return new Result(lossValue, norm, optimizer.learningRate(),
                new Timing(forwardEnd - start, backwardEnd - forwardEnd, end - backwardEnd));
    }

    public Optimizer optimizer() {
        return optimizer;
    }

    /** One step's numbers: the loss, the gradient norm before clipping, the learning rate used, its timing. */
    public record Result(double loss, double gradNorm, double learningRate, Timing timing) {
    }

    /**
     * A step's wall time in nanoseconds: the forward (the loss's computation), the backward, and the optimizer
     * (clipping and the update).
     */
    public record Timing(long forwardNanos, long backwardNanos, long optimizerNanos) {
        public long totalNanos() {
            return forwardNanos + backwardNanos + optimizerNanos;
        }
    }

    /** Training produced a NaN or infinite value; the message names the step. */
    public static final class DivergedException extends RuntimeException {
        public DivergedException(String message) {
            super(message);
        }
    }
}
