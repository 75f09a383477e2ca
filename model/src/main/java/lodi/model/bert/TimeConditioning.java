package lodi.model.bert;

import java.util.Locale;

/**
 * Where the timestep embedding enters the denoiser ({@code time_conditioning}): added to the final hidden states
 * ({@code output}), to the embeddings before the first layer ({@code input}), or not at all ({@code none}).
 */
public enum TimeConditioning {
    OUTPUT, INPUT, NONE;

    /** The setting's value by its name in config.json. */
    public static TimeConditioning parse(String name) {
        for (TimeConditioning value : values()) {
            if (value.name().toLowerCase(Locale.ROOT).equals(name)) {
                return value;
            }
        }
        throw new IllegalArgumentException("time_conditioning '" + name + "' is not one of output, input, none");
    }
}
