package lodi.model.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VocabularyTest {
    @TempDir
    Path dir;

    private Path vocabFile(String content) throws IOException {
        return Files.writeString(dir.resolve("vocab.txt"), content, StandardCharsets.UTF_8);
    }

    @Test
    void idsAreLineIndicesAndSpecialsAreLookedUpByName() throws IOException {
        Vocabulary vocabulary = Vocabulary.read(vocabFile("\uFEFFhello\n[UNK]\r\n[PAD]\n[SEP]\n[CLS]\n[MASK]\n##lo"));
        assertEquals(7, vocabulary.size());
        assertEquals(0, vocabulary.id("hello"), "a leading byte-order mark is not part of the first token");
        assertEquals(6, vocabulary.id("##lo"), "the last line needs no line end");
        assertEquals(-1, vocabulary.id("absent"));
        assertEquals("##lo", vocabulary.token(6));
        assertEquals(List.of(2, 1, 4, 3, 5), List.of(vocabulary.padId(), vocabulary.unkId(), vocabulary.clsId(),
                vocabulary.sepId(), vocabulary.maskId()));
    }

    @Test
    void writeThenReadGivesTheSameTokens() throws IOException {
        Vocabulary vocabulary = Vocabulary.of("made here", List.of("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "é", "##\uD83D\uDE00"));
        Path file = dir.resolve("out.txt");
        vocabulary.write(file);
        assertEquals(vocabulary.tokens(), Vocabulary.read(file).tokens());
    }

    @Test
    void duplicateTokenNamesFileAndBothLines() throws IOException {
        Path file = vocabFile("[PAD]\n[UNK]\n[CLS]\n[SEP]\n[MASK]\nhello\nhello\n");
        var e = assertThrows(IllegalArgumentException.class, () -> Vocabulary.read(file));
        assertEquals(file + " line 7: duplicate token 'hello' (first at line 6)", e.getMessage());
    }

    @Test
    void emptyTokenNamesFileAndLine() throws IOException {
        Path file = vocabFile("[PAD]\n[UNK]\n\n[CLS]\n[SEP]\n[MASK]\n");
        var e = assertThrows(IllegalArgumentException.class, () -> Vocabulary.read(file));
        assertEquals(file + " line 3: empty token", e.getMessage());
    }

    @Test
    void missingSpecialTokenIsNamed() throws IOException {
        Path file = vocabFile("[PAD]\n[UNK]\n[CLS]\n[SEP]\nhello\n");
        var e = assertThrows(IllegalArgumentException.class, () -> Vocabulary.read(file));
        assertEquals(file + ": the vocabulary lacks the special token [MASK]", e.getMessage());
    }

    @Test
    void invalidUtf8NamesFileAndLine() throws IOException {
        Path file = Files.write(dir.resolve("bad.txt"), new byte[] {'[', 'P', 'A', 'D', ']', '\n', 'a', (byte) 0xFF, '\n'});
        var e = assertThrows(IllegalArgumentException.class, () -> Vocabulary.read(file));
        assertEquals(file + " line 2: not valid UTF-8", e.getMessage());
    }

    @Test
    void idOutsideTheVocabularyIsNamed() {
        Vocabulary vocabulary = Vocabulary.of("tiny", List.of("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"));
        var e = assertThrows(IllegalArgumentException.class, () -> vocabulary.token(5));
        assertEquals("token id 5 is outside the vocabulary tiny of size 5", e.getMessage());
    }
}
