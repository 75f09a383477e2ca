package lodi.glue.data;

import java.util.Objects;

/**
 * One labelled GLUE example as raw text.
 *
 * @param task   the task it belongs to
 * @param a      the first text: the SST-2 sentence, the QNLI question, the first MRPC sentence
 * @param b      the second text (QNLI sentence, second MRPC sentence), or null for SST-2
 * @param label  the label index into {@link Task#labelWords()}
 * @param source where it came from, for error messages: {@code file:line}, or {@code synthetic ...}
 */
public record Example(Task task, String a, String b, int label, String source) {
    public Example {
        Objects.requireNonNull(task, "task");
        Objects.requireNonNull(a, "a");
        Objects.requireNonNull(source, "source");
        if (task.isPair() != (b != null)) {
            throw new IllegalArgumentException(task.shortName() + (task.isPair() ? " needs" : " takes no")
                    + " second text (" + source + ")");
        }
        task.labelWord(label);
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
