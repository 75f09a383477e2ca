package lodi.model.tokenizer;

import java.text.Normalizer;
import java.util.List;
import java.util.Locale;

/**
 * BERT's basic tokenizer for uncased models: cleans the text and splits it into normalized words, the units
 * WordPiece then cuts into pieces. The rules are listed on {@link WordPieceTokenizer}. Works on code points
 * throughout, so a character outside the BMP is one character.
 */
final class BasicTokenizer {
    /** Receives the words of a text in order. */
    interface Sink {
        /** A normalized word: {@code text[from, to)}, never empty, at most one punctuation character. */
        void word(String text, int from, int to);

        /** A special token ([MASK], ...) written literally in the text; it is not normalized or split. */
        void specialToken(String token);
    }

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

    private static final List<String> SPECIAL_TOKENS = Vocabulary.SPECIAL_TOKENS;

    private BasicTokenizer() {
    }

    /** Splits {@code text} into words and literal special tokens, in order. */
    static void split(String text, Sink sink) {
        StringBuilder word = new StringBuilder();
        int n = text.length();
        int i = 0;
        scan:
        while (i < n) {
            char c = text.charAt(i);
            if (c == '[') {
                for (String special : SPECIAL_TOKENS) {
                    if (text.startsWith(special, i)) {
                        endWord(word, sink);
                        sink.specialToken(special);
                        i += special.length();
                        continue scan;
                    }
                }
            }
            if (c < 128) {
                i++;
                switch (ASCII_CLASS[c]) {
                    case SPACE -> endWord(word, sink);
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
                endWord(word, sink);
            } else if (isCjkIdeograph(cp)) {
                endWord(word, sink);
                word.appendCodePoint(cp);
                endWord(word, sink);
            } else {
                word.appendCodePoint(cp);
            }
        }
        endWord(word, sink);
    }

    /** Normalizes the collected whitespace-separated word and hands on its punctuation-separated parts. */
    private static void endWord(StringBuilder collected, Sink sink) {
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
                if (start < i) {
                    sink.word(word, start, i);
                }
                sink.word(word, i, next);
                start = next;
            }
            i = next;
        }
        if (start < word.length()) {
            sink.word(word, start, word.length());
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
}
