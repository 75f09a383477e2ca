package lodi.peft;

import java.util.Locale;

/** How many parameters a method trains, out of all the model's parameters (base plus added modules). */
public record ParameterCount(long trainable, long total) {

    public double trainablePercent() {
        return total == 0 ? 0 : 100.0 * trainable / total;
    }

    /** HuggingFace PEFT's line: {@code trainable params: X || all params: Y || trainable%: Z}. */
    @Override
    public String toString() {
        return String.format(Locale.ROOT, "trainable params: %,d || all params: %,d || trainable%%: %.4f", trainable, total,
                trainablePercent());
    }
}
