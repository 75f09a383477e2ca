package lodi.model.diffusion;

import lodi.model.TokenBatch;
import lodi.tensor.Tensor;

/**
 * What samplers and evaluation need from a denoiser: the logits of the clean token (x₀) at chosen positions
 * of a partly masked batch.
 *
 * <p>Contract for implementations (the BERT-style denoiser and test fakes):
 * <ul>
 *   <li>{@code batch.ids()} holds [MASK] wherever the token is unknown; the predictor attends to every position
 *       of a row ({@code batch.sequences()}) and only to those, never to padding or another row, and may use
 *       {@code batch.segments()}.</li>
 *   <li>{@code times[b] ∈ [0, 1]} is row b's diffusion time as defined by {@link NoiseSchedule} (0 clean,
 *       1 fully masked). A predictor that is not {@link #timeConditioned()} must ignore it: samplers rely on
 *       that to reuse a prediction when the tokens did not change.</li>
 *   <li>{@code positions} are flat indices {@code batch.start(b) + s} in any order, possibly empty; row i of the
 *       result belongs to {@code positions[i]}. Predictors may score positions that are not [MASK] too
 *       (candidate scoring does not, but a caller may).</li>
 *   <li>The result is a fresh tensor [positions.length, vocabSize()] of unnormalised logits (log-softmax
 *       is the caller's business) that the caller may keep and modify.</li>
 *   <li>Deterministic: the same inputs give bitwise the same logits whatever the thread count, and the
 *       predictor is in evaluation mode (no dropout). Samplers call it inside {@code Autograd.noGrad()};
 *       it must record nothing on the tape then.</li>
 * </ul>
 * Training does not go through this interface: the network exposes its own differentiable forward.
 */
public interface MaskPredictor {

    /** Logits [positions.length, vocabSize()] for the clean token at each flat position. */
    Tensor logits(TokenBatch batch, float[] times, int[] positions);

    /** V, the number of token ids. */
    int vocabSize();

    /** Whether {@link #logits} depends on {@code times}. */
    boolean timeConditioned();

    /**
     * For a predictor that perturbs a base model's hidden states (lora_diffusion), the mean L2 norm of its
     * perturbation over batch row {@code row}'s positions in the last {@link #logits} call; NaN for any other.
     */
    default double lastPerturbationNorm(int row) {
        return Double.NaN;
    }
}
