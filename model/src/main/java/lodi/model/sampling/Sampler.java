package lodi.model.sampling;

import java.util.stream.LongStream;
import lodi.model.TokenBatch;
import lodi.model.diffusion.MaskPredictor;

/**
 * A reverse-diffusion sampler: fills the [MASK] response positions of a batch (build it with
 * {@link TokenBatch#maskedResponses}; rows may have different response lengths) using a denoiser. Prompt
 * tokens are never changed. The model is called under {@code Autograd.noGrad()}.
 */
public sealed interface Sampler permits AncestralSampler, LowConfidenceSampler {

    /**
     * Samples every row. {@code rowKeys[b]} keys row b's randomness (use the example's stable id), so a
     * row's sample does not depend on the batch it was put in.
     */
    SampleResult sample(MaskPredictor model, TokenBatch masked, long[] rowKeys);

    /** {@link #sample(MaskPredictor, TokenBatch, long[])} keyed by row index. */
    default SampleResult sample(MaskPredictor model, TokenBatch masked) {
        return sample(model, masked, LongStream.range(0, masked.batch()).toArray());
    }

}
