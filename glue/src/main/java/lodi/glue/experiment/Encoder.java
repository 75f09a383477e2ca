package lodi.glue.experiment;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import lodi.glue.data.Example;
import lodi.glue.data.Task;
import lodi.model.SpecialTokens;
import lodi.model.tokenizer.WordPieceTokenizer;

/**
 * Turns examples into token ids: the prompt ({@link Task#prompt}) and the response, the label word's tokens
 * padded with [PAD] to the longest label word of the task. Every example of a task so has the same response
 * length, which is how generation knows how many [MASK]s to fill; the model learns to generate the padding
 * too (token-level accuracy scores the padding positions like any other), and generation is scored by exact
 * match of the decoded response, padding dropped, with the label word ({@link #labelOf}). Prompts too long for the maximum length lose
 * tokens from their end when batched ({@code TokenBatch.of}); responses are never cut.
 */
public final class Encoder {
    /** Ids of dev examples are offset by this, so a train and a dev example never share a corruption key. */
    static final long DEV_ID_OFFSET = 1L << 40;

    /**
     * One example as ids.
     *
     * @param id       a stable id (task, split and index), the key of its corruption and sampling randomness
     * @param prompt   the prompt's token ids, without special tokens
     * @param response the padded label word ids
     * @param label    the label index
     */
    public record Encoded(Task task, long id, int[] prompt, int[] response, int label) {
        /** The row length in a batch: [CLS] prompt [SEP] response [SEP]. */
        public int length() {
            return prompt.length + response.length + 3;
        }
    }

    private final WordPieceTokenizer tokenizer;
    private final SpecialTokens special;
    private final Map<Task, List<int[]>> labels = new EnumMap<>(Task.class);

    public Encoder(WordPieceTokenizer tokenizer) {
        this.tokenizer = tokenizer;
        this.special = SpecialTokens.of(tokenizer.vocabulary());
        for (Task task : Task.values()) {
            List<int[]> words = task.labelWords().stream().map(tokenizer::encode).toList();
            int longest = words.stream().mapToInt(w -> w.length).max().orElseThrow();
            List<int[]> padded = new ArrayList<>();
            for (int[] word : words) {
                if (Arrays.stream(word).anyMatch(id -> id == special.unk())) {
                    throw new IllegalArgumentException("the vocabulary cannot spell the " + task.shortName()
                            + " label word '" + tokenizer.decode(word) + "' (it has [UNK])");
                }
                int[] response = Arrays.copyOf(word, longest);
                Arrays.fill(response, word.length, longest, special.pad());
                padded.add(response);
            }
            labels.put(task, List.copyOf(padded));
        }
    }

    public WordPieceTokenizer tokenizer() {
        return tokenizer;
    }

    public SpecialTokens special() {
        return special;
    }

    /** The padded responses of a task's label words, by label index. */
    public List<int[]> labels(Task task) {
        return labels.get(task);
    }

    /** The tokens of a label word, without padding. */
    public int[] labelWord(Task task, int label) {
        return withoutPadding(labels.get(task).get(label));
    }

    /** The fixed response length of a task. */
    public int responseLength(Task task) {
        return labels.get(task).get(0).length;
    }

    /**
     * The label whose word {@code response} spells, or -1 when it spells none: the response's tokens with its
     * [PAD]s dropped must equal the label word's tokens exactly, i.e. the decoded response is the label word
     * ([PAD] decodes to nothing, so where the padding sits does not matter; every other token does).
     */
    public int labelOf(Task task, int[] response) {
        int[] text = withoutPadding(response);
        for (int label = 0; label < labels.get(task).size(); label++) {
            if (Arrays.equals(labelWord(task, label), text)) {
                return label;
            }
        }
        return -1;
    }

    private int[] withoutPadding(int[] ids) {
        return Arrays.stream(ids).filter(id -> id != special.pad()).toArray();
    }

    /** The prompt ids of an example (or of a free text given as an example). */
    public int[] prompt(Example example) {
        return tokenizer.encode(example.prompt());
    }

    /** A training example ({@code dev} false) or a dev example with its index in its task's split. */
    public Encoded encode(Example example, int index, boolean dev) {
        long id = (dev ? DEV_ID_OFFSET : 0) + ((long) example.task().ordinal() << 32) + index;
        return new Encoded(example.task(), id, prompt(example), labels.get(example.task()).get(example.label()),
                example.label());
    }

    /** A split's examples, the first {@code cap} of them (0 = all). */
    public List<Encoded> encodeAll(List<Example> examples, int cap, boolean dev) {
        int n = cap > 0 ? Math.min(cap, examples.size()) : examples.size();
        List<Encoded> encoded = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            encoded.add(encode(examples.get(i), i, dev));
        }
        return encoded;
    }
}
