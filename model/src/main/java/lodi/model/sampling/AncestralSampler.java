package lodi.model.sampling;

import lodi.model.SpecialTokens;
import lodi.model.TokenBatch;
import lodi.model.diffusion.MaskPredictor;
import lodi.model.diffusion.NoiseSchedule;
import lodi.tensor.CounterRng;

/**
 * Ancestral reverse diffusion for an absorbing-state (D3PM-absorbing) process. The response starts all
 * [MASK]; for k = K … 1, at time t = k/K, the model predicts x₀ at every masked position; each masked
 * token stays masked with probability (1 − ᾱ(t − 1/K)) / (1 − ᾱ(t)), the true posterior of staying absorbed,
 * and is otherwise revealed as the chosen prediction. Revealed tokens stay. At k = 1 that probability is
 * (1 − ᾱ(0))/(…) = 0, so the last step reveals everything left.
 *
 * <p>A step that reveals nothing leaves the input unchanged; a model that ignores time would then predict
 * the same logits again, so they are reused ({@link SampleResult#modelCalls} counts real calls).
 *
 * @param schedule the noise schedule (K = its {@link NoiseSchedule#steps()} steps is the usual choice)
 * @param steps    K, the number of reverse steps
 * @param choice   how predictions become tokens
 * @param special  the special token ids ([MASK] marks what to fill)
 * @param seed     seeds the stay-or-reveal draws, keyed by (row key, step, position)
 * @param trace    whether to record every step
 */
public record AncestralSampler(NoiseSchedule schedule, int steps, TokenChoice choice, SpecialTokens special,
        long seed, boolean trace) implements Sampler {

    public AncestralSampler {
        Denoising.requireSteps(steps);
    }

    @Override
    public SampleResult sample(MaskPredictor model, TokenBatch masked, long[] rowKeys) {
        return new Denoising(model, masked, rowKeys, special.mask(), trace).run(steps, step -> {
            double stillMasked = 1 - schedule.alphaBar((double) (step.k() - 1) / steps);
            double stay = stillMasked == 0 ? 0 : stillMasked / (1 - schedule.alphaBar((double) step.k() / steps));
            Reveals reveals = new Reveals(step.end() - step.from());
            for (int j = step.from(); j < step.end(); j++) {
                int position = step.positions()[j];
                int column = position - step.rowStart();
                if (CounterRng.uniform(seed, CounterRng.bits(step.rowKey(), step.k(), 1), column) >= stay) {
                    reveals.add(position, choice.choose(step.logits(), j, step.rowKey(), step.k(), column));
                }
            }
            return reveals;
        });
    }
}
