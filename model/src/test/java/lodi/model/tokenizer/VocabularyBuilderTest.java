package lodi.model.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VocabularyBuilderTest {
    private static final List<String> CORPUS = List.of(
            "The movie is a charming and often funny film.",
            "The film is not funny, and the acting is flat.",
            "A charming movie; the acting is wonderful!",
            "The story of the movie is told with charm and wit.",
            "Not a film I would watch again: the story drags.",
            "Funny, charming, wonderful: the best movie of the year.",
            "The acting is wonderful and the story is funny.",
            "Is the movie charming?  Yes, the movie is charming.");

    @Test
    void specialsFirstThenTheAlphabetInBothForms() {
        Vocabulary vocabulary = new VocabularyBuilder(200).build(CORPUS);
        assertEquals(Vocabulary.SPECIAL_TOKENS, vocabulary.tokens().subList(0, 5));
        assertEquals(List.of(0, 1, 2, 3, 4), List.of(vocabulary.padId(), vocabulary.unkId(), vocabulary.clsId(),
                vocabulary.sepId(), vocabulary.maskId()));
        assertEquals(5, vocabulary.id("!"), "the smallest character seen comes first");
        for (char c = 'a'; c <= 'y'; c++) {
            if (c == 'j' || c == 'k' || c == 'p' || c == 'q' || c == 'x') {
                continue;
            }
            assertTrue(vocabulary.contains(String.valueOf(c)) && vocabulary.contains("##" + c), "character " + c);
        }
        assertFalse(vocabulary.contains("T"), "words are lower-cased first");
    }

    @Test
    void sizeIsRespectedAndCommonWordsBecomeSingleTokens() {
        Vocabulary vocabulary = new VocabularyBuilder(100).build(CORPUS);
        assertEquals(100, vocabulary.size());
        WordPieceTokenizer tokenizer = new WordPieceTokenizer(vocabulary);
        for (String word : List.of("the", "movie", "is", "charming", "funny")) {
            assertEquals(List.of(word), tokenizer.tokenize(word), word + " occurs often enough to be one token");
        }
    }

    @Test
    void tokenizerRoundTripsTheCorpus() {
        WordPieceTokenizer tokenizer = new WordPieceTokenizer(new VocabularyBuilder(120).build(CORPUS));
        for (String text : CORPUS) {
            int[] ids = tokenizer.encode(text);
            assertFalse(tokenizer.tokenize(text).contains(Vocabulary.UNK), text);
            String normalized = String.join(" ", text.toLowerCase().replaceAll("([,.;:!?])", " $1 ").trim().split("\\s+"));
            assertEquals(normalized, tokenizer.decode(ids));
        }
        assertEquals(List.of("[UNK]"), tokenizer.tokenize("zebra"), "z was never seen");
    }

    @Test
    void aSmallCorpusStopsWhenNoPairIsLeft() {
        Vocabulary vocabulary = new VocabularyBuilder(1000).build(List.of("ab ab abc"));
        assertEquals(List.of("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "a", "b", "c", "##a", "##b", "##c", "ab", "abc"),
                vocabulary.tokens());
    }

    @Test
    void aSmallSizeKeepsTheMostFrequentCharacters() {
        Vocabulary vocabulary = new VocabularyBuilder(9).build(List.of("aaa bb c"));
        assertEquals(List.of("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "a", "b", "##a", "##b"), vocabulary.tokens());
        assertEquals(List.of("[UNK]"), new WordPieceTokenizer(vocabulary).tokenize("c"));
        assertThrows(IllegalArgumentException.class, () -> new VocabularyBuilder(6));
    }

    @Test
    void buildingIsDeterministicAndSurvivesWriteAndRead(@TempDir Path dir) throws IOException {
        Vocabulary first = new VocabularyBuilder(130).build(CORPUS);
        Vocabulary second = new VocabularyBuilder(130).build(CORPUS.reversed());
        assertEquals(first.tokens(), second.tokens(), "the order of texts does not matter");
        Path file = dir.resolve("vocab.txt");
        first.write(file);
        assertEquals(first.tokens(), Vocabulary.read(file).tokens());
    }
}
