package lodi.model.tokenizer;

import java.io.IOException;
import java.nio.file.Path;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
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

    // Classes of ASCII characters, looked up in a table on the hot path.
    private static final byte WORD = 0;
    private static final byte SPACE = 1;
    private static final byte PUNCTUATION = 2;
    private static final byte DROPPED = 3;
    private static final byte[] ASCII_CLASS = new byte[128];

    static {
        for (int c = 0; c < 128; c++) {
            ASCII_CLASS[c] = c == ' ' || c == '\t' || c == '\n' || c == '\r' ? SPACE
                    : c < 32 || c == 127 ? DROPPED
                    : isPunctuation(c) ? PUNCTUATION
                    : WORD;
        }
    }

    private final Vocabulary vocabulary;
    /** Continuation pieces keyed by their text without the {@code ##} prefix. */
    private final Map<String, Integer> continuations;
    /** The longest piece text in chars (continuations counted without the prefix); no match is longer. */
    private final int longestPiece;
    private final String[] specialTokens;
    private final int[] specialIds;

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
        this.specialTokens = Vocabulary.SPECIAL_TOKENS.toArray(String[]::new);
        this.specialIds = Vocabulary.SPECIAL_TOKENS.stream().mapToInt(vocabulary::id).toArray();
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
        StringBuilder word = new StringBuilder();
        int n = text.length();
        int i = 0;
        scan:
        while (i < n) {
            char c = text.charAt(i);
            if (c == '[') {
                for (int s = 0; s < specialTokens.length; s++) {
                    if (text.startsWith(specialTokens[s], i)) {
                        endWord(word, out);
                        out.add(specialIds[s]);
                        i += specialTokens[s].length();
                        continue scan;
                    }
                }
            }
            if (c < 128) {
                i++;
                switch (ASCII_CLASS[c]) {
                    case SPACE -> endWord(word, out);
                    case DROPPED -> { }
                    default -> word.append(c);
                }
                continue;
            }
            int cp = text.codePointAt(i);
            i += Character.charCount(cp);
            if (cp == 0xFFFD || isControl(cp)) {
                continue;
            }
            if (isWhitespace(cp)) {
                endWord(word, out);
            } else if (isCjkIdeograph(cp)) {
                endWord(word, out);
                word.appendCodePoint(cp);
                endWord(word, out);
            } else {
                word.appendCodePoint(cp);
            }
        }
        endWord(word, out);
        return out.toArray();
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

    /** Normalizes the collected word, splits it on punctuation and appends the WordPiece ids of each part. */
    private void endWord(StringBuilder collected, Ids out) {
        if (collected.isEmpty()) {
            return;
        }
        String word = lowerCaseWithoutAccents(collected.toString());
        collected.setLength(0);
        int start = 0;
        int i = 0;
        while (i < word.length()) {
            int cp = word.codePointAt(i);
            int next = i + Character.charCount(cp);
            if (cp < 128 ? ASCII_CLASS[cp] == PUNCTUATION : isPunctuation(cp)) {
                wordPiece(word, start, i, out);
                wordPiece(word, i, next, out);
                start = next;
            }
            i = next;
        }
        wordPiece(word, start, word.length(), out);
    }

    /** Greedy longest-match-first WordPiece of {@code word[from, to)}. */
    private void wordPiece(String word, int from, int to, Ids out) {
        if (from == to) {
            return;
        }
        if (word.codePointCount(from, to) > MAX_INPUT_CHARS_PER_WORD) {
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

    private static String lowerCaseWithoutAccents(String word) {
        if (isAscii(word)) {
            return word.toLowerCase(Locale.ROOT);
        }
        // Capital sigma goes to σ whatever its position, as HuggingFace's fast tokenizer lower-cases character
        // by character; String.toLowerCase alone would give the word-final ς.
        String lower = word.replace('\u03A3', '\u03C3').toLowerCase(Locale.ROOT);
        String decomposed = Normalizer.normalize(lower, Normalizer.Form.NFD);
        StringBuilder stripped = new StringBuilder(decomposed.length());
        decomposed.codePoints()
                .filter(cp -> Character.getType(cp) != Character.NON_SPACING_MARK)
                .forEach(stripped::appendCodePoint);
        return stripped.toString();
    }

    private static boolean isAscii(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) >= 128) {
                return false;
            }
        }
        return true;
    }

    /** BERT's whitespace: space, tab, newline, carriage return and Zs; plus the line and paragraph separators. */
    static boolean isWhitespace(int cp) {
        if (cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r') {
            return true;
        }
        int type = Character.getType(cp);
        return type == Character.SPACE_SEPARATOR || type == Character.LINE_SEPARATOR
                || type == Character.PARAGRAPH_SEPARATOR;
    }

    /** BERT's control characters: categories Cc and Cf, except tab, newline and carriage return. */
    static boolean isControl(int cp) {
        if (cp == '\t' || cp == '\n' || cp == '\r') {
            return false;
        }
        int type = Character.getType(cp);
        return type == Character.CONTROL || type == Character.FORMAT;
    }

    /** BERT's punctuation: all non-alphanumeric printable ASCII (such as $ and ^) and categories P*. */
    static boolean isPunctuation(int cp) {
        if ((cp >= 33 && cp <= 47) || (cp >= 58 && cp <= 64) || (cp >= 91 && cp <= 96) || (cp >= 123 && cp <= 126)) {
            return true;
        }
        return switch (Character.getType(cp)) {
            case Character.CONNECTOR_PUNCTUATION, Character.DASH_PUNCTUATION, Character.START_PUNCTUATION,
                 Character.END_PUNCTUATION, Character.INITIAL_QUOTE_PUNCTUATION,
                 Character.FINAL_QUOTE_PUNCTUATION, Character.OTHER_PUNCTUATION -> true;
            default -> false;
        };
    }

    /** The CJK Unified Ideographs blocks BERT splits into single characters (not Hangul, not kana). */
    static boolean isCjkIdeograph(int cp) {
        return (cp >= 0x4E00 && cp <= 0x9FFF)
                || (cp >= 0x3400 && cp <= 0x4DBF)
                || (cp >= 0x20000 && cp <= 0x2A6DF)
                || (cp >= 0x2A700 && cp <= 0x2B73F)
                || (cp >= 0x2B740 && cp <= 0x2B81F)
                || (cp >= 0x2B820 && cp <= 0x2CEAF)
                || (cp >= 0xF900 && cp <= 0xFAFF)
                || (cp >= 0x2F800 && cp <= 0x2FA1F);
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
