package lodi.model.diffusion;

/**
 * How much of a sequence is masked at each noise level of an absorbing-state (masked) diffusion.
 *
 * <p>Time is normalised everywhere in lodi: {@code time ∈ [0, 1]}, 0 clean and 1 fully masked. A discrete
 * schedule of T steps lives on the grid {@code time = t/T}, t = 0..T. ᾱ(time) is the probability that a
 * token is still clean at that time, so each token is independently replaced by [MASK] with probability
 * {@code 1 − ᾱ(time)}. The same {@code time} is what a time-conditioned denoiser receives.
 *
 * <ul>
 *   <li>{@link Discrete#cosine} (improved DDPM, Nichol &amp; Dhariwal 2021): f(τ) = cos²((τ + s)/(1 + s) · π/2),
 *       s = 0.008, β_t = min(1 − f(t/T)/f((t−1)/T), 0.999), ᾱ_t = Π_{i≤t} (1 − β_i). Without the clip
 *       ᾱ_t = f(t/T)/f(0); the clip (as in the reference implementation) keeps ᾱ_T a tiny positive
 *       number instead of exactly 0.</li>
 *   <li>{@link Discrete#linear}: ᾱ_t = 1 − t/T.</li>
 *   <li>{@link LogLinear} (MDLM, Sahoo et al. 2024): continuous time t ~ U(ε, 1], ᾱ(t) = 1 − t, so the mask
 *       probability is t.</li>
 * </ul>
 *
 * <p>Loss weights ({@link #elboWeight}): for a token masked at step t the x₀-parametrised ELBO term is
 * (ᾱ_{t−1} − ᾱ_t)/(1 − ᾱ_t) · CE, and t is drawn uniformly among T steps, so the unbiased per-token weight is
 * T · (ᾱ_{t−1} − ᾱ_t)/(1 − ᾱ_t). For the linear schedule that is 1/(t/T); in continuous time it becomes
 * −ᾱ'(t)/(1 − ᾱ(t)) = 1/t for log-linear.
 */
public sealed interface NoiseSchedule permits NoiseSchedule.Discrete, NoiseSchedule.LogLinear {

    /** T for a discrete schedule; for a continuous one, the default number of sampling steps. */
    int steps();

    /** ᾱ(time): the probability that a token is still clean at {@code time ∈ [0, 1]}. */
    double alphaBar(double time);

    /** 1 − ᾱ(time): the probability that a token is masked at {@code time}. */
    default double maskProbability(double time) {
        return 1 - alphaBar(time);
    }

    /** A training time drawn from {@code uniform ∈ [0, 1)}: a grid point t/T, t ∈ 1..T, or t ∈ (ε, 1]. */
    double sampleTime(double uniform);

    /** The ELBO loss weight of a token masked at {@code time} (see the class comment). */
    double elboWeight(double time);

    /** Cosine schedule of {@code steps} steps (improved DDPM). */
    static Discrete cosine(int steps) {
        return new Discrete(Discrete.Kind.COSINE, steps);
    }

    /** Linear schedule ᾱ_t = 1 − t/T. */
    static Discrete linear(int steps) {
        return new Discrete(Discrete.Kind.LINEAR, steps);
    }

    /** MDLM's log-linear schedule with t ~ U(ε, 1] and {@code samplingSteps} default sampling steps. */
    static LogLinear logLinear(double epsilon, int samplingSteps) {
        return new LogLinear(epsilon, samplingSteps);
    }

    /** A schedule on the grid t/T; between grid points ᾱ is interpolated linearly (for samplers with K ≠ T). */
    final class Discrete implements NoiseSchedule {
        /** The default T. */
        public static final int DEFAULT_STEPS = 100;

        private static final double COSINE_OFFSET = 0.008;
        private static final double MAX_BETA = 0.999;
        private static final double GRID_TOLERANCE = 1e-4;

        public enum Kind { COSINE, LINEAR }

        private final Kind kind;
        private final double[] alphaBars;

        private Discrete(Kind kind, int steps) {
            if (steps < 1) {
                throw new IllegalArgumentException("a discrete schedule needs at least one step, got " + steps);
            }
            this.kind = kind;
            this.alphaBars = new double[steps + 1];
            alphaBars[0] = 1;
            for (int t = 1; t <= steps; t++) {
                alphaBars[t] = switch (kind) {
                    case COSINE -> alphaBars[t - 1] * (1 - Math.min(
                            1 - cosineF((double) t / steps) / cosineF((double) (t - 1) / steps), MAX_BETA));
                    case LINEAR -> 1 - (double) t / steps;
                };
            }
        }

        private static double cosineF(double tau) {
            double c = Math.cos((tau + COSINE_OFFSET) / (1 + COSINE_OFFSET) * Math.PI / 2);
            return c * c;
        }

        public Kind kind() {
            return kind;
        }

        @Override
        public int steps() {
            return alphaBars.length - 1;
        }

        /** ᾱ_t at grid step {@code t ∈ 0..T}. */
        public double alphaBarAtStep(int t) {
            return alphaBars[t];
        }

        @Override
        public double alphaBar(double time) {
            requireTime(time);
            double position = time * steps();
            double nearest = Math.rint(position);
            if (Math.abs(position - nearest) < GRID_TOLERANCE) {
                position = nearest; // k/T round-trips through a double or float inexactly; it means step k
            }
            int below = (int) Math.floor(position);
            if (below >= steps()) {
                return alphaBars[steps()];
            }
            double fraction = position - below;
            return fraction == 0 ? alphaBars[below]
                    : alphaBars[below] + fraction * (alphaBars[below + 1] - alphaBars[below]);
        }

        @Override
        public double sampleTime(double uniform) {
            int t = 1 + Math.min(steps() - 1, (int) (uniform * steps()));
            return (double) t / steps();
        }

        @Override
        public double elboWeight(double time) {
            double previous = alphaBar(Math.max(0, time - 1.0 / steps()));
            double current = alphaBar(time);
            return steps() * (previous - current) / (1 - current);
        }

        @Override
        public String toString() {
            return kind.name().toLowerCase(java.util.Locale.ROOT) + "(T=" + steps() + ")";
        }
    }

    /** MDLM's continuous log-linear schedule: ᾱ(t) = 1 − t, t ~ U(ε, 1], weight 1/t. */
    record LogLinear(double epsilon, int steps) implements NoiseSchedule {
        public LogLinear {
            if (!(epsilon > 0 && epsilon < 1) || steps < 1) {
                throw new IllegalArgumentException("log-linear schedule needs 0 < ε < 1 and steps ≥ 1, got ε = "
                        + epsilon + ", steps = " + steps);
            }
        }

        @Override
        public double alphaBar(double time) {
            requireTime(time);
            return 1 - time;
        }

        @Override
        public double sampleTime(double uniform) {
            return 1 - (1 - epsilon) * uniform;
        }

        @Override
        public double elboWeight(double time) {
            return 1 / time;
        }
    }

    private static void requireTime(double time) {
        if (!(time >= 0 && time <= 1)) {
            throw new IllegalArgumentException("diffusion time " + time + " outside [0, 1]");
        }
    }
}
