package lodi.model.diffusion;

import java.util.Arrays;

/**
 * How the cross-entropies of a corrupted batch's masked tokens are weighed into one loss: Σᵢ wᵢ·nllᵢ / divisor,
 * the same for pretraining and fine-tuning.
 */
public enum LossWeighting {
    /** Each masked token the same: the mean over the batch's masked tokens. */
    TOKEN,
    /** Each row the same, shared by its masked tokens: the mean over rows of each row's mean. */
    ROW,
    /** Each masked token by its ELBO weight ({@link NoiseSchedule#elboWeight} of its row's time), over the tokens. */
    ELBO;

    /** wᵢ at each scored position of {@code batch} [N]. */
    public float[] weights(Corruption.Corrupted batch) {
        return switch (this) {
            case TOKEN -> {
                float[] ones = new float[batch.positions().length];
                Arrays.fill(ones, 1f);
                yield ones;
            }
            case ROW -> batch.perRowWeights();
            case ELBO -> batch.weights();
        };
    }

    /** The divisor: the number of rows for {@link #ROW}, of masked tokens otherwise. */
    public float divisor(Corruption.Corrupted batch) {
        return this == ROW ? batch.batch().batch() : batch.positions().length;
    }
}
