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
        return switch (config.method()) {
            case FULL_FT -> new FullFineTuning(base, config);
            case BITFIT -> new BitFit(base, config);
            case ADAPTERS -> new Adapters(base, config, seed);
            case WEIGHT_LORA -> new WeightLora(base, config, seed);
            case LORA_DIFFUSION -> new LoraDiffusion(base, config, seed);
        };
    }
}
