package lodi.model.sampling;

import java.util.Comparator;
import java.util.stream.IntStream;
import lodi.model.SpecialTokens;
import lodi.model.TokenBatch;
import lodi.model.diffusion.MaskPredictor;

/**
 * LLaDA's low-confidence remasking: K steps; at step k (K … 1, time k/K) the model predicts every masked
 * position, and in each row the ⌈m / k⌉ most confident predictions are revealed, m being the row's masked
 * count: an even split of what is left over the steps left (earlier steps take the remainder). Revealed
 * tokens stay; the rest are "remasked", i.e. stay [MASK]. Confidence ties go to the earlier position.
 * As in {@link AncestralSampler}, a step that reveals nothing lets a time-blind model's logits be reused.
 *
 * @param steps   K
 * @param choice  how predictions become tokens (and their confidence)
 * @param special the special token ids
 * @param trace   whether to record every step
 */
public record LowConfidenceSampler(int steps, TokenChoice choice, SpecialTokens special, boolean trace)
        implements Sampler {

    public LowConfidenceSampler {
        Denoising.requireSteps(steps);
    }

    @Override
    public SampleResult sample(MaskPredictor model, TokenBatch masked, long[] rowKeys) {
        return new Denoising(model, masked, rowKeys, special.mask(), trace).run(steps, step -> {
            TokenChoice.Choice[] choices = new TokenChoice.Choice[step.end()];
            int[] positions = step.positions();
            for (int j = step.from(); j < step.end(); j++) {
                choices[j] = choice.choose(step.logits(), j, step.rowKey(), step.k(), positions[j] - step.rowStart());
            }
            int reveal = (step.end() - step.from() + step.k() - 1) / step.k();
            int[] order = IntStream.range(step.from(), step.end()).boxed()
                    .sorted(Comparator.comparingDouble((Integer j) -> -choices[j].confidence())
                            .thenComparingInt(j -> positions[j]))
                    .mapToInt(Integer::intValue).limit(reveal).toArray();
            Reveals reveals = new Reveals(order.length);
            for (int j : order) {
                reveals.add(positions[j], choices[j]);
            }
            return reveals;
        });
    }
}
