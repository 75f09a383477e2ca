package lodi.model.bert;

import java.util.ArrayList;
import java.util.List;
import lodi.model.SpecialTokens;
import lodi.model.TokenBatch;
import lodi.model.tokenizer.Vocabulary;
import lodi.model.tokenizer.VocabularyBuilder;
import lodi.model.tokenizer.WordPieceTokenizer;
import lodi.tensor.CounterRng;

/**
 * A conditional toy task for tests: label templated review sentences ("the plot was dull") "positive" or
 * "negative". The label is decided by one adjective out of twelve, at a position the model has to find.
 *
 * <p>Published in model's test-jar, so the PEFT tests train on the same task.
 */
public final class ToyLabelTask {
    public static final List<String> NOUNS = List.of("movie", "film", "plot", "cast", "ending", "script", "score", "story");
    public static final List<String> GOOD = List.of("good", "great", "fine", "superb", "lovely", "clever");
    public static final List<String> BAD = List.of("bad", "dull", "awful", "boring", "weak", "messy");
    public static final List<String> LABELS = List.of("negative", "positive");

    public record Example(String text, int label) {
    }

    public final WordPieceTokenizer tokenizer;
    public final SpecialTokens special;
    public final List<int[]> labelIds = new ArrayList<>();

    public ToyLabelTask() {
        List<String> corpus = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            corpus.add(example(99, i).text());
        }
        corpus.addAll(LABELS);
        Vocabulary vocabulary = new VocabularyBuilder(200).build(corpus);
        tokenizer = new WordPieceTokenizer(vocabulary);
        special = SpecialTokens.of(vocabulary);
        int longest = 0;
        for (String label : LABELS) {
            longest = Math.max(longest, tokenizer.encode(label).length);
        }
        for (String label : LABELS) {
            int[] padded = java.util.Arrays.copyOf(tokenizer.encode(label), longest);
            java.util.Arrays.fill(padded, tokenizer.encode(label).length, longest, special.pad());
            labelIds.add(padded);
        }
    }

    public static Example example(long seed, long index) {
        String noun = NOUNS.get(pick(seed, index, 0, NOUNS.size()));
        boolean positiveWord = pick(seed, index, 1, 2) == 1;
        String adjective = (positiveWord ? GOOD : BAD).get(pick(seed, index, 3, GOOD.size()));
        String opener = pick(seed, index, 2, 2) == 0 ? "the " : "i thought the ";
        return new Example(opener + noun + " was " + adjective, positiveWord ? 1 : 0);
    }

    public TokenBatch batch(List<Example> examples, int maxLength) {
        List<int[]> prompts = new ArrayList<>();
        List<int[]> responses = new ArrayList<>();
        for (Example e : examples) {
            prompts.add(tokenizer.encode(e.text()));
            responses.add(labelIds.get(e.label()));
        }
        return TokenBatch.of(prompts, responses, special, maxLength);
    }

    private static int pick(long seed, long index, long purpose, int bound) {
        return (int) Long.remainderUnsigned(CounterRng.bits(seed, index * 4 + purpose, 7), bound);
    }
}
