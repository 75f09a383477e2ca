package lodi.model.training;

import java.io.IOException;
import java.util.function.Supplier;
import lodi.autograd.Variable;

/**
 * The training loop that pretraining, fine-tuning and {@code lodi bench step} share: for each step, take the
 * step's work from {@link Batches} (its loss, built when the step runs, and what it processes), run it through
 * {@link TrainingStep} (schedule, loss, divergence check, backward, clipping, update), and hand the result to the
 * {@link Listener}, which keeps the history and decides on evaluation, checkpoints and stopping. A step's work
 * must be a pure function of the step number for a resumed run to end bit-identical to an uninterrupted one.
 */
public final class TrainingLoop {
    /**
     * One step's work: the loss to minimise and what it processes, real tokens, positions (padding included)
     * and rows, for throughput figures.
     */
    public record Work(Supplier<Variable> loss, long tokens, long positions, int rows) {
    }

    /** The work of step {@code step} (0-based). */
    @FunctionalInterface
    public interface Batches {
        Work at(long step);
    }

    /** Told of every step when it is done; returns false to end the loop after it. */
    @FunctionalInterface
    public interface Listener {
        boolean afterStep(long step, Work work, TrainingStep.Result result) throws IOException;
    }

    private final TrainingStep trainingStep;

    public TrainingLoop(TrainingStep trainingStep) {
        this.trainingStep = trainingStep;
    }

    /**
     * Runs steps {@code from} … {@code to − 1} and returns the number of steps done when it ended: {@code to}, or
     * fewer when the listener ended it.
     *
     * @throws TrainingStep.DivergedException on a NaN or infinite loss or gradient, naming the step
     */
    public long run(long from, long to, Batches batches, Listener listener) throws IOException {
        for (long step = from; step < to; step++) {
            Work work = batches.at(step);
            TrainingStep.Result result = trainingStep.run(step, work.loss());
            if (!listener.afterStep(step, work, result)) {
                return step + 1;
            }
        }
        return to;
    }
}
