package lodi.peft;

import lodi.model.bert.Denoiser;

/** Prepares a base denoiser for a fine-tuning method. */
public final class Peft {
    private Peft() {
    }

    /**
     * Freezes what {@code config.method()} leaves alone and adds its modules, initialised from {@code seed}.
     * The base is changed in place (its parameters' trainability, inserted modules).
     */
    public static PeftModel apply(Denoiser base, PeftConfig config, long seed) {
        return switch (config) {
            case FullFineTuningConfig c -> new FullFineTuning(base, c);
            case BitFitConfig c -> new BitFit(base, c);
            case AdaptersConfig c -> new Adapters(base, c, seed);
            case WeightLoraConfig c -> new WeightLora(base, c, seed);
            case LoraDiffusionConfig c -> new LoraDiffusion(base, c, seed);
        };
    }
}
