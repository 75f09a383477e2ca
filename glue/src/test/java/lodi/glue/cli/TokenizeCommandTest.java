package lodi.glue.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code lodi tokenize} through the real command line, with standard input and output redirected. */
class TokenizeCommandTest {
    @TempDir
    Path dir;
    private Path vocab;

    /** What one run printed and returned. */
    private record Run(int code, String out, String err) {
    }

    @BeforeEach
    void writeVocabulary() throws IOException {
        vocab = Files.writeString(dir.resolve("vocab.txt"),
                "[PAD]\n[UNK]\n[CLS]\n[SEP]\n[MASK]\nhello\n,\nworld\n!\nun\n##aff\n##able\n");
    }

    private static Run run(String stdin, String... args) {
        return run(stdin.getBytes(StandardCharsets.UTF_8), args);
    }

    private static Run run(byte[] stdin, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        var cli = Lodi.commandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        InputStream original = System.in;
        System.setIn(new ByteArrayInputStream(stdin));
        try {
            int code = cli.execute(args);
            return new Run(code, out.toString(), err.toString());
        } finally {
            System.setIn(original);
        }
    }

    @Test
    void printsIdsThenTokensForEachLine() {
        Run run = run("Hello, WORLD!\nunaffable zebra\n", "tokenize", "--vocab", vocab.toString());
        assertEquals(0, run.code(), run.err());
        assertEquals("""
                2 5 6 7 8 3
                [CLS] hello , world ! [SEP]
                2 9 10 11 1 3
                [CLS] un ##aff ##able [UNK] [SEP]
                """, run.out().replace(System.lineSeparator(), "\n"));
    }

    @Test
    void jsonPrintsOneArrayPerLine() {
        Run run = run("hello world\n\nunaffable", "tokenize", "--vocab", vocab.toString(), "--json");
        assertEquals(0, run.code(), run.err());
        assertEquals("[2,5,7,3]\n[2,3]\n[2,9,10,11,3]\n", run.out().replace(System.lineSeparator(), "\n"));
    }

    @Test
    void specialTokensCanBeLeftOut() {
        Run run = run("hello world\n", "tokenize", "--vocab", vocab.toString(), "--json", "--no-special-tokens");
        assertEquals("[5,7]\n", run.out().replace(System.lineSeparator(), "\n"));
    }

    @Test
    void maxLengthCutsEachLine() {
        Run framed = run("hello world hello\n", "tokenize", "--vocab", vocab.toString(), "--json", "--max-length", "4");
        assertEquals("[2,5,7,3]\n", framed.out().replace(System.lineSeparator(), "\n"));
        Run bare = run("hello world hello\n", "tokenize", "--vocab", vocab.toString(), "--json", "--max-length", "1",
                "--no-special-tokens");
        assertEquals("[5]\n", bare.out().replace(System.lineSeparator(), "\n"));
        Run tooSmall = run("hello\n", "tokenize", "--vocab", vocab.toString(), "--max-length", "2");
        assertEquals(2, tooSmall.code());
        assertEquals("lodi: --max-length 2 is too small (at least 3)", tooSmall.err().strip());
    }

    @Test
    void invalidUtf8IsRefusedNamingTheLineAsTheGlueReaderDoes() {
        byte[] input = {'h', 'e', 'l', 'l', 'o', '\n', 'w', (byte) 0xC3, '(', '\n'};
        Run run = run(input, "tokenize", "--vocab", vocab.toString(), "--json");
        assertEquals(2, run.code(), run.err());
        assertEquals("lodi: standard input, line 2: not valid UTF-8; give UTF-8 text", run.err().strip());
        assertEquals("[2,5,3]", run.out().strip(), "the lines before it are printed");
    }

    @Test
    void missingVocabOptionIsAUsageError() {
        Run run = run("hello\n", "tokenize");
        assertEquals(2, run.code());
        assertEquals("lodi: Missing required option: '--vocab=FILE' (see 'lodi tokenize --help')", run.err().strip());
        assertEquals("", run.out());
    }

    @Test
    void missingVocabFileIsOneLineNamingIt() {
        Path absent = dir.resolve("absent.txt");
        Run run = run("hello\n", "tokenize", "--vocab", absent.toString());
        assertEquals(2, run.code());
        assertEquals("lodi: cannot read the vocabulary " + absent + " (no such file)", run.err().strip());
    }

    @Test
    void badVocabFileIsOneLineNamingFileAndLine() throws IOException {
        Path duplicate = Files.writeString(dir.resolve("dup.txt"), "[PAD]\n[UNK]\n[CLS]\n[SEP]\n[MASK]\n[PAD]\n");
        Run run = run("hello\n", "tokenize", "--vocab", duplicate.toString());
        assertEquals(2, run.code());
        assertEquals("lodi: " + duplicate + " line 6: duplicate token '[PAD]' (first at line 1)", run.err().strip());
    }

    @Test
    void helpDescribesTheOptions() {
        Run run = run("", "tokenize", "--help");
        assertEquals(0, run.code());
        assertTrue(run.out().contains("--vocab=FILE") && run.out().contains("--json"), run.out());
    }
}
