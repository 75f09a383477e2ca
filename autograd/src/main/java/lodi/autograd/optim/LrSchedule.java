package lodi.autograd.optim;

/**
 * A learning-rate schedule: linear warm-up from 0 to {@code peakLr} over {@code warmupSteps}, then
 * constant, linear or cosine decay over the remaining {@code totalSteps - warmupSteps}, with HuggingFace's
 * formulas ({@code transformers.optimization}):
 * <ul>
 *   <li>warm-up ({@code step < warmupSteps}): {@code step / max(1, warmupSteps)};</li>
 *   <li>{@link Decay#LINEAR}, {@code get_linear_schedule_with_warmup}:
 *       {@code max(0, (totalSteps - step) / max(1, totalSteps - warmupSteps))};</li>
 *   <li>{@link Decay#COSINE}, {@code get_cosine_schedule_with_warmup} with {@code num_cycles = 0.5}:
 *       {@code max(0, 0.5 * (1 + cos(pi * progress)))}, {@code progress = (step - warmupSteps) /
 *       max(1, totalSteps - warmupSteps)}; like HuggingFace, progress is not clamped, so the factor rises
 *       again past {@code totalSteps};</li>
 *   <li>{@link Decay#CONSTANT}, {@code get_constant_schedule_with_warmup}: 1.</li>
 * </ul>
 * A floor {@code minLrRatio} lifts the decay phase to {@code factor * (1 - minLrRatio) + minLrRatio}, as
 * HuggingFace's {@code get_cosine_with_min_lr_schedule_with_warmup} ({@code min_lr_rate}); for linear decay
 * lodi applies the same rule (HuggingFace has no linear floor). Warm-up is never floored.
 *
 * <p>Step convention, as HuggingFace's Trainer (the scheduler steps after the optimizer): {@code lr(step)} is
 * the rate for the update that follows {@code step} earlier updates, so the first update uses {@code lr(0)},
 * which is 0 when there is warm-up.
 */
public record LrSchedule(Decay decay, double peakLr, int warmupSteps, int totalSteps, double minLrRatio) {
    public enum Decay { CONSTANT, LINEAR, COSINE }

    public LrSchedule {
        if (decay == null) {
            throw new IllegalArgumentException("decay must be one of CONSTANT, LINEAR, COSINE");
        }
        NamedParameterOptimizer.requireFiniteNonNegative("peak learning rate", peakLr);
        if (warmupSteps < 0 || totalSteps < 0) {
            throw new IllegalArgumentException("warm-up and total steps must be non-negative, got " + warmupSteps
                    + " and " + totalSteps);
        }
        if (!(minLrRatio >= 0 && minLrRatio <= 1)) {
            throw new IllegalArgumentException("minLrRatio must lie in [0, 1], got " + minLrRatio);
        }
    }

    public static LrSchedule constant(double peakLr, int warmupSteps) {
        return new LrSchedule(Decay.CONSTANT, peakLr, warmupSteps, warmupSteps, 0);
    }

    public static LrSchedule linear(double peakLr, int warmupSteps, int totalSteps) {
        return new LrSchedule(Decay.LINEAR, peakLr, warmupSteps, totalSteps, 0);
    }

    public static LrSchedule cosine(double peakLr, int warmupSteps, int totalSteps) {
        return new LrSchedule(Decay.COSINE, peakLr, warmupSteps, totalSteps, 0);
    }

    /** The same schedule decaying to {@code minLrRatio * peakLr} instead of 0. */
    public LrSchedule withFloor(double minLrRatio) {
        return new LrSchedule(decay, peakLr, warmupSteps, totalSteps, minLrRatio);
    }

    /** The learning rate for the update after {@code step} updates. */
    public double lr(long step) {
        return peakLr * factor(step);
    }

    /** The multiplier of {@code peakLr} at {@code step} (HuggingFace's {@code lr_lambda}). */
    public double factor(long step) {
        if (step < 0) {
            throw new IllegalArgumentException("step must be non-negative, got " + step);
        }
        if (step < warmupSteps) {
            return (double) step / Math.max(1, warmupSteps);
        }
        double decayed = switch (decay) {
            case CONSTANT -> 1.0;
            case LINEAR -> Math.max(0.0, (double) (totalSteps - step) / Math.max(1, totalSteps - warmupSteps));
            case COSINE -> {
                double progress = (double) (step - warmupSteps) / Math.max(1, totalSteps - warmupSteps);
                yield Math.max(0.0, 0.5 * (1.0 + Math.cos(Math.PI * progress)));
            }
        };
        return minLrRatio == 0 ? decayed : Math.max(0.0, decayed * (1 - minLrRatio) + minLrRatio);
    }

    /** Sets {@code optimizer}'s learning rate for the update after {@code step} updates. */
    public void apply(Optimizer optimizer, long step) {
        optimizer.setLearningRate(lr(step));
    }
}
