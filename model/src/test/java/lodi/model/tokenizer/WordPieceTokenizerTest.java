package lodi.model.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The BERT basic tokenizer and WordPiece rules on hand-made strings, with a vocabulary written here. */
class WordPieceTokenizerTest {
    private static final String EMOJI = "\uD83D\uDE00"; // U+1F600, outside the BMP
    private static final String CJK_EXTENSION_B = "\uD840\uDC00"; // U+20000, a CJK ideograph outside the BMP

    private static final WordPieceTokenizer TOKENIZER = new WordPieceTokenizer(Vocabulary.of("test vocabulary",
            List.of("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]",
                    "hello", "world", ",", "!", "'", ".", "$", "«", "»", "—", "[", "]", "mask",
                    "cafe", "resume", "naive", "don", "t", "5", "00", "a", "b", "c", "d", "##a", "c\uD83D",
                    "un", "##aff", "##able", "x", "你", "好", "abc", EMOJI, "##" + EMOJI, CJK_EXTENSION_B,
                    "i", "\u03BF\u03B4\u03BF\u03C3", "\u03BF\u03B4\u03BF\u03C2", "is", "here")));

    private static List<String> tokens(String text) {
        return TOKENIZER.tokenize(text);
    }

    @Test
    void lowerCasesAndSplitsPunctuation() {
        assertEquals(List.of("hello", ",", "world", "!"), tokens("Hello, WORLD!"));
        assertEquals(List.of("don", "'", "t"), tokens("Don't"));
        assertEquals(List.of("$", "5", ".", "00"), tokens("$5.00"));
    }

    @Test
    void unicodePunctuationIsSplitToo() {
        assertEquals(List.of("«", "hello", "»", "—", "world"), tokens("«hello»—world"));
    }

    @Test
    void stripsAccentsAfterLowerCasing() {
        assertEquals(List.of("cafe", "resume", "naive"), tokens("Café RÉSUMÉ nai\u0308ve"));
        assertEquals(List.of("i"), tokens("\u0130"), "capital I with dot above lower-cases to i + U+0307");
        assertEquals(List.of(), tokens("\u0301"), "a lone combining mark vanishes");
    }

    @Test
    void capitalSigmaLowerCasesToSigmaEvenAtTheEndOfAWord() {
        assertEquals(List.of("\u03BF\u03B4\u03BF\u03C3"), tokens("\u039F\u0394\u039F\u03A3"), "ΟΔΟΣ -> οδοσ");
        assertEquals(List.of("\u03BF\u03B4\u03BF\u03C2"), tokens("\u03BF\u03B4\u03BF\u03C2"), "a written ς stays");
    }

    @Test
    void cjkIdeographsAreWordsOfTheirOwn() {
        assertEquals(List.of("你", "好", "abc"), tokens("你好abc"));
        assertEquals(List.of("a", CJK_EXTENSION_B, "b"), tokens("a" + CJK_EXTENSION_B + "b"));
    }

    @Test
    void controlCharactersAreDroppedAndWhitespaceSeparates() {
        assertEquals(List.of("abc"), tokens("a\u0000b\u200Bc"), "NUL and zero-width space (Cf) join the word");
        assertEquals(List.of("abc"), tokens("a\u0007b\uFFFDc"));
        assertEquals(List.of("abc"), tokens("a\u000Bb\u0085c"), "vertical tab and NEL are Cc, not BERT whitespace");
        assertEquals(List.of("a", "b", "c", "d"), tokens(" a\tb\nc\r\nd "));
        assertEquals(List.of("a", "b", "c", "d"), tokens("a\u00A0b\u3000c\u2028d"));
        assertEquals(List.of(), tokens(" \t\n "));
        assertEquals(List.of(), tokens(""));
    }

    @Test
    void charactersOutsideTheBmpAreSingleCharacters() {
        assertEquals(List.of(EMOJI, "##" + EMOJI, "##" + EMOJI), tokens(EMOJI.repeat(3)));
        assertEquals(List.of("a", "##" + EMOJI), tokens("a" + EMOJI));
        assertEquals(List.of("c", "##" + EMOJI), tokens("c" + EMOJI),
                "the vocabulary's c + high surrogate must not match: pieces end on code point boundaries");
    }

    @Test
    void greedyLongestMatchFirst() {
        assertEquals(List.of("un", "##aff", "##able"), tokens("unaffable"));
        assertEquals(List.of("[UNK]"), tokens("unaffablex"), "a word not fully covered is one [UNK]");
        assertEquals(List.of("hello", "[UNK]", "world"), tokens("hello zebra world"));
    }

    @Test
    void wordsLongerThanOneHundredCodePointsAreUnknown() {
        List<String> hundred = new ArrayList<>(List.of("a"));
        hundred.addAll(Collections.nCopies(99, "##a"));
        assertEquals(hundred, tokens("a".repeat(100)));
        assertEquals(List.of("[UNK]"), tokens("a".repeat(101)));
        assertEquals(100, tokens(EMOJI.repeat(100)).size(), "100 code points (200 chars) are within the limit");
        assertEquals(List.of("[UNK]"), tokens(EMOJI.repeat(101)));
    }

    @Test
    void literalSpecialTokensStayWhole() {
        assertEquals(List.of("[MASK]", "is", "here"), tokens("[MASK] is here"));
        assertEquals(List.of("a", "[MASK]", "b"), tokens("a[MASK]b"));
        assertEquals(List.of("[", "mask", "]"), tokens("[mask]"), "only the exact spelling is special");
    }

    @Test
    void encodeGivesVocabularyIds() {
        Vocabulary vocabulary = TOKENIZER.vocabulary();
        assertArrayEquals(new int[] {vocabulary.id("hello"), vocabulary.id(","), vocabulary.id("world")},
                TOKENIZER.encode("hello, world"));
    }

    @Test
    void modelInputsAreFramedAndTruncatedLongestFirst() {
        Vocabulary v = TOKENIZER.vocabulary();
        int cls = v.clsId();
        int sep = v.sepId();
        int a = v.id("a");
        int b = v.id("b");
        assertArrayEquals(new int[] {cls, a, b, sep}, TOKENIZER.encodeWithSpecialTokens("a b", 10));
        assertArrayEquals(new int[] {cls, a, sep}, TOKENIZER.encodeWithSpecialTokens("a b", 3));
        assertArrayEquals(new int[] {cls, a, a, sep, b, sep}, TOKENIZER.encodePairWithSpecialTokens("a a", "b", 10));
        // Room 3 for 4 + 1 ids: the shorter fits in half the room, the longer gets the rest.
        assertArrayEquals(new int[] {cls, a, a, sep, b, sep}, TOKENIZER.encodePairWithSpecialTokens("a a a a", "b", 6));
        // Room 5 for 4 + 4 ids: 2 each and the odd one to the longer, or on a tie to the second.
        assertArrayEquals(new int[] {cls, a, a, sep, b, b, b, sep},
                TOKENIZER.encodePairWithSpecialTokens("a a a a", "b b b b", 8));
        assertArrayEquals(new int[] {cls, a, a, a, sep, b, b, sep},
                TOKENIZER.encodePairWithSpecialTokens("a a a a a", "b b b b", 8));
        assertThrows(IllegalArgumentException.class, () -> TOKENIZER.encodePairWithSpecialTokens("a", "b", 3));
    }

    @Test
    void decodeGluesContinuationsAndSkipsPadding() {
        Vocabulary vocabulary = TOKENIZER.vocabulary();
        int[] ids = TOKENIZER.encode("Hello unaffable world!");
        int[] padded = Arrays.copyOf(ids, ids.length + 2); // [PAD] is id 0 here
        assertEquals(0, vocabulary.padId());
        assertEquals("hello unaffable world !", TOKENIZER.decode(padded));
        assertEquals("[MASK] world", TOKENIZER.decode(new int[] {vocabulary.maskId(), vocabulary.id("world")}));
    }
}
