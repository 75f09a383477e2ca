package lodi.glue.data;

import java.util.Objects;

/**
 * One labelled GLUE example as raw text.
 *
 * @param task   the task it belongs to
 * @param a      the first text: the SST-2 sentence, the QNLI question, the first MRPC sentence
 * @param b      the second text (QNLI sentence, second MRPC sentence), or null for SST-2
 * @param label  the label index into {@link Task#labelWords()}, or {@link #NO_LABEL} for an input to classify
 * @param source where it came from, for error messages: {@code file:line}, or {@code synthetic ...}
 */
public record Example(Task task, String a, String b, int label, String source) {
    /** The label of an input that has none ({@code lodi predict}); never read for training or evaluation. */
    public static final int NO_LABEL = -1;

    public Example {
        Objects.requireNonNull(task, "task");
        Objects.requireNonNull(a, "a");
        Objects.requireNonNull(source, "source");
        if (task.isPair() != (b != null)) {
            throw new IllegalArgumentException(task.shortName() + (task.isPair() ? " needs" : " takes no")
                    + " second text (" + source + ")");
        }
        if (label != NO_LABEL) {
            task.labelWord(label);
        }
    }

    /** The prompt text the model is conditioned on (see {@link Task}). */
    public String prompt() {
        return task.prompt(this);
    }

    /** The label word: the response the model should generate. */
    public String labelWord() {
        return task.labelWord(label);
    }
}
