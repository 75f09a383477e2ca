package lodi.glue.data;

import java.util.List;
import java.util.Locale;

/**
 * The three GLUE tasks of the joint experiment, each with its directory name, its label words and the fixed
 * prompt template an {@link Example} is turned into before tokenization.
 *
 * <p>The model sees {@code [CLS] prompt [SEP] response [SEP]}, where the response is the label word.
 * Prompt templates ({@code {a}} and {@code {b}} are the example's texts, inserted verbatim):
 * <ul>
 *   <li>SST-2: {@code sst2 sentence: {a}}</li>
 *   <li>QNLI: {@code qnli question: {a} sentence: {b}}</li>
 *   <li>MRPC: {@code mrpc sentence1: {a} sentence2: {b}}</li>
 * </ul>
 * Label words, by label index: SST-2 {@code negative, positive}; QNLI {@code entailment, not_entailment};
 * MRPC {@code not_equivalent, equivalent} (the same indices as the GLUE files and HuggingFace {@code glue}).
 */
public enum Task {
    SST2("SST-2", "sst2", List.of("negative", "positive")),
    QNLI("QNLI", "qnli", List.of("entailment", "not_entailment")),
    MRPC("MRPC", "mrpc", List.of("not_equivalent", "equivalent"));

    private final String directoryName;
    private final String shortName;
    private final List<String> labelWords;

    Task(String directoryName, String shortName, List<String> labelWords) {
        this.directoryName = directoryName;
        this.shortName = shortName;
        this.labelWords = labelWords;
    }

    /** The directory of this task in a GLUE layout: {@code SST-2}, {@code QNLI} or {@code MRPC}. */
    public String directoryName() {
        return directoryName;
    }

    /** The lower-case name used on command lines and in prompts: {@code sst2}, {@code qnli}, {@code mrpc}. */
    public String shortName() {
        return shortName;
    }

    /** Label words indexed by label: the response the model learns to generate. */
    public List<String> labelWords() {
        return labelWords;
    }

    public int numLabels() {
        return labelWords.size();
    }

    /** The label word for a label index. */
    public String labelWord(int label) {
        if (label < 0 || label >= labelWords.size()) {
            throw new IllegalArgumentException(shortName + " has labels 0.." + (labelWords.size() - 1)
                    + ", not " + label);
        }
        return labelWords.get(label);
    }

    /** Whether examples carry a second text ({@code b}): QNLI and MRPC do, SST-2 does not. */
    public boolean isPair() {
        return this != SST2;
    }

    /** The prompt for an example of this task, by the template in the class comment. */
    public String prompt(Example example) {
        if (example.task() != this) {
            throw new IllegalArgumentException("a " + example.task().shortName() + " example given to "
                    + shortName + ".prompt (" + example.source() + ")");
        }
        return switch (this) {
            case SST2 -> "sst2 sentence: " + example.a();
            case QNLI -> "qnli question: " + example.a() + " sentence: " + example.b();
            case MRPC -> "mrpc sentence1: " + example.a() + " sentence2: " + example.b();
        };
    }

    /** The task for a name as users write it: {@code sst2}, {@code SST-2}, {@code qnli}, {@code MRPC}, ... */
    public static Task parse(String name) {
        String key = name.trim().toLowerCase(Locale.ROOT).replace("-", "").replace("_", "");
        for (Task task : values()) {
            if (task.shortName.equals(key)) {
                return task;
            }
        }
        throw new IllegalArgumentException("unknown task '" + name + "': expected one of sst2, qnli, mrpc");
    }
}
