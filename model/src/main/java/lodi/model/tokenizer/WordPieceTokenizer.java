package lodi.model.tokenizer;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The BERT uncased tokenizer (HuggingFace {@code BertTokenizer} with {@code do_lower_case=True}): a basic
 * tokenizer that cleans, lower-cases, strips accents and splits on whitespace, CJK ideographs and
 * punctuation, followed by greedy longest-match-first WordPiece.
 *
 * <p>Steps, each on Unicode code points (so characters outside the BMP count as one character):
 * <ol>
 *   <li>Special tokens ([PAD], [UNK], [CLS], [SEP], [MASK]) written literally in the text are kept whole,
 *       as HuggingFace does for its added tokens; the text between them is tokenized on its own.</li>
 *   <li>Clean: drop NUL, U+FFFD and control characters (categories Cc and Cf, except tab, newline and
 *       carriage return); whitespace (space, tab, newline, carriage return, category Zs) separates words.
 *       U+2028 and U+2029 also separate words, because Python's {@code str.split()} inside BertTokenizer
 *       splits on them.</li>
 *   <li>Every CJK ideograph is a word of its own.</li>
 *   <li>Each word is lower-cased character by character (full Unicode mappings, so a capital sigma is
 *       always σ, as in HuggingFace's fast tokenizer), decomposed (NFD) and stripped of its non-spacing marks
 *       (category Mn).</li>
 *   <li>Each punctuation character (ASCII 33-47, 58-64, 91-96, 123-126 and categories P*) becomes a word
 *       of its own.</li>
 *   <li>WordPiece: a word longer than 100 characters is [UNK]; otherwise the longest vocabulary prefix is
 *       taken, then the longest {@code ##}-continuation of the rest, and so on; a word that cannot be
 *       covered completely is a single [UNK].</li>
 * </ol>
 *
 * <p>HuggingFace's Python {@code BertTokenizer} and its Rust ("fast") tokenizer from {@code tokenizer.json}
 * differ on a few odd characters. Whitespace and control characters follow the Python definitions above;
 * the Rust one instead treats U+000B, U+000C and U+0085 as whitespace rather than dropping them, drops
 * unassigned and private-use characters, and does not split U+2B820-U+2B91F (CJK Extension E) into single
 * ideographs. Lower-casing follows the Rust one (Python's {@code str.lower} turns a word-final capital sigma
 * into ς). None of these characters occur in the GLUE data, where this class and the Rust tokenizer agree
 * on every sentence (see {@code BertOracleTest}).
 *
 * <p>Instances are immutable and safe to share between threads.
 */
public final class WordPieceTokenizer {
    /** Words longer than this many code points become [UNK] (BERT's {@code max_input_chars_per_word}). */
    public static final int MAX_INPUT_CHARS_PER_WORD = 100;
    /** The prefix of a WordPiece continuation piece. */
    public static final String CONTINUATION_PREFIX = "##";

    private final Vocabulary vocabulary;
    /** Continuation pieces keyed by their text without the {@code ##} prefix. */
    private final Map<String, Integer> continuations;
    /** The longest piece text in chars (continuations counted without the prefix); no match is longer. */
    private final int longestPiece;

    public WordPieceTokenizer(Vocabulary vocabulary) {
        this.vocabulary = vocabulary;
        this.continuations = new HashMap<>();
        int longest = 0;
        for (int id = 0; id < vocabulary.size(); id++) {
            String token = vocabulary.token(id);
            if (token.startsWith(CONTINUATION_PREFIX) && token.length() > CONTINUATION_PREFIX.length()) {
                continuations.put(token.substring(CONTINUATION_PREFIX.length()), id);
            }
            longest = Math.max(longest, token.length());
        }
        this.longestPiece = longest;
    }

    /** A tokenizer over the vocabulary in {@code vocabFile} (a BERT {@code vocab.txt}). */
    public static WordPieceTokenizer load(Path vocabFile) throws IOException {
        return new WordPieceTokenizer(Vocabulary.read(vocabFile));
    }

    public Vocabulary vocabulary() {
        return vocabulary;
    }

    /** The WordPiece tokens of {@code text}, without [CLS] or [SEP]. */
    public List<String> tokenize(String text) {
        int[] ids = encode(text);
        List<String> tokens = new ArrayList<>(ids.length);
        for (int id : ids) {
            tokens.add(vocabulary.token(id));
        }
        return tokens;
    }

    /** The token ids of {@code text}, without [CLS] or [SEP]. */
    public int[] encode(String text) {
        Ids out = new Ids(text.length() / 3 + 4);
        BasicTokenizer.split(text, new BasicTokenizer.Sink() {
            @Override
            public void word(String word, int from, int to) {
                wordPiece(word, from, to, out);
            }

            @Override
            public void specialToken(String token) {
                out.add(vocabulary.id(token));
            }
        });
        return out.toArray();
    }

    /**
     * The model input for one text: {@code [CLS] text [SEP]}, the text cut at the end so that the whole is at
     * most {@code maxLength} ids (HuggingFace's {@code truncation=True, max_length=maxLength}).
     */
    public int[] encodeWithSpecialTokens(String text, int maxLength) {
        requireRoom(maxLength, 2);
        int[] ids = encode(text);
        return frame(ids, Math.min(ids.length, maxLength - 2), null, 0);
    }

    /**
     * The model input for a pair: {@code [CLS] first [SEP] second [SEP]}, at most {@code maxLength} ids, cut
     * as HuggingFace's fast tokenizer does with {@code truncation="longest_first"}: when the shorter text fits
     * in half the room, the longer one gets the rest; otherwise each gets half, the longer (on a tie the
     * second) the odd id.
     */
    public int[] encodePairWithSpecialTokens(String first, String second, int maxLength) {
        requireRoom(maxLength, 3);
        int[] a = encode(first);
        int[] b = encode(second);
        int room = maxLength - 3;
        if (a.length + b.length <= room) {
            return frame(a, a.length, b, b.length);
        }
        int shorter = Math.min(a.length, b.length);
        int longer = shorter > room ? shorter : Math.max(shorter, room - shorter);
        if (shorter + longer > room) {
            shorter = room / 2;
            longer = shorter + room % 2;
        }
        boolean firstIsLonger = a.length > b.length;
        int keepA = Math.min(a.length, firstIsLonger ? longer : shorter);
        int keepB = Math.min(b.length, firstIsLonger ? shorter : longer);
        return frame(a, keepA, b, keepB);
    }

    /** [CLS], the first {@code keepA} of {@code a}, [SEP], and when {@code b} is given its first {@code keepB}, [SEP]. */
    private int[] frame(int[] a, int keepA, int[] b, int keepB) {
        int[] framed = new int[keepA + 2 + (b == null ? 0 : keepB + 1)];
        framed[0] = vocabulary.clsId();
        System.arraycopy(a, 0, framed, 1, keepA);
        framed[keepA + 1] = vocabulary.sepId();
        if (b != null) {
            System.arraycopy(b, 0, framed, keepA + 2, keepB);
            framed[framed.length - 1] = vocabulary.sepId();
        }
        return framed;
    }

    private static void requireRoom(int maxLength, int specialTokens) {
        if (maxLength <= specialTokens) {
            throw new IllegalArgumentException("maxLength " + maxLength + " leaves no room for text next to the "
                    + specialTokens + " special tokens");
        }
    }

    /**
     * The text of {@code ids}: pieces joined by single spaces, {@code ##} continuations glued to the piece
     * before them, [PAD] skipped, other special tokens kept. Unlike HuggingFace's default
     * {@code clean_up_tokenization_spaces}, spaces before punctuation and contractions are left in place,
     * so the result is the normalized text as the model saw it ({@code "hello , world !"}).
     */
    public String decode(int[] ids) {
        StringBuilder text = new StringBuilder();
        int padId = vocabulary.padId();
        for (int id : ids) {
            if (id == padId) {
                continue;
            }
            String token = vocabulary.token(id);
            if (token.startsWith(CONTINUATION_PREFIX) && token.length() > CONTINUATION_PREFIX.length()) {
                text.append(token, CONTINUATION_PREFIX.length(), token.length());
            } else {
                if (!text.isEmpty()) {
                    text.append(' ');
                }
                text.append(token);
            }
        }
        return text.toString();
    }

    /** Appends the greedy longest-match-first WordPiece ids of the non-empty {@code word[from, to)}. */
    private void wordPiece(String word, int from, int to, Ids out) {
        if (to - from > MAX_INPUT_CHARS_PER_WORD && word.codePointCount(from, to) > MAX_INPUT_CHARS_PER_WORD) {
            out.add(vocabulary.unkId());
            return;
        }
        int whole = vocabulary.id(word.substring(from, to));
        if (whole >= 0) {
            out.add(whole);
            return;
        }
        int mark = out.size();
        int start = from;
        while (start < to) {
            int end = Math.min(to, start + longestPiece);
            int found = -1;
            while (end > start) {
                if (end < to && Character.isLowSurrogate(word.charAt(end))
                        && Character.isHighSurrogate(word.charAt(end - 1))) {
                    end--; // never cut a code point in half
                    continue;
                }
                String piece = word.substring(start, end);
                if (start == from) {
                    found = vocabulary.id(piece);
                } else {
                    Integer id = continuations.get(piece);
                    found = id == null ? -1 : id;
                }
                if (found >= 0) {
                    break;
                }
                end--;
            }
            if (found < 0) {
                out.truncate(mark);
                out.add(vocabulary.unkId());
                return;
            }
            out.add(found);
            start = end;
        }
    }

    /** A growable int array. */
    private static final class Ids {
        private int[] values;
        private int size;

        Ids(int capacity) {
            values = new int[capacity];
        }

        void add(int value) {
            if (size == values.length) {
                values = Arrays.copyOf(values, values.length * 2);
            }
            values[size++] = value;
        }

        int size() {
            return size;
        }

        void truncate(int newSize) {
            size = newSize;
        }

        int[] toArray() {
            return Arrays.copyOf(values, size);
        }
    }
}
