package lodi.glue.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Small fixture files for every kind of good and bad input. */
class GlueReaderTest {
    @TempDir
    Path dir;

    private final GlueReader strict = new GlueReader(false);
    private final GlueReader lenient = new GlueReader(true);

    private Path write(String name, String text) throws IOException {
        Path file = dir.resolve(name);
        Files.write(file, text.getBytes(StandardCharsets.UTF_8));
        return file;
    }

    private static void assertMentions(DataException e, String... parts) {
        for (String part : parts) {
            assertTrue(e.getMessage().contains(part), "'" + part + "' missing from: " + e.getMessage());
        }
    }

    @Test
    void readsEachTaskLayout() throws IOException {
        List<Example> sst2 = strict.read(Task.SST2, write("sst2.tsv", "sentence\tlabel\ngood fun \t1\ndull \t0\n"))
                .examples();
        assertEquals(List.of("good fun ", "dull "), sst2.stream().map(Example::a).toList());
        assertEquals(List.of(1, 0), sst2.stream().map(Example::label).toList());
        assertNull(sst2.getFirst().b());

        Example qnli = strict.read(Task.QNLI, write("qnli.tsv",
                "index\tquestion\tsentence\tlabel\n0\tWho?\tHe did.\tnot_entailment\n")).examples().getFirst();
        assertEquals(new Example(Task.QNLI, "Who?", "He did.", 1, dir.resolve("qnli.tsv") + ":2"), qnli);

        Example mrpc = strict.read(Task.MRPC, write("mrpc.tsv",
                "Quality\t#1 ID\t#2 ID\t#1 String\t#2 String\n1\t11\t12\tA b .\tB a .\n")).examples().getFirst();
        assertEquals("A b .", mrpc.a());
        assertEquals("B a .", mrpc.b());
        assertEquals("equivalent", mrpc.labelWord());
    }

    @Test
    void byteOrderMarkIsDroppedAtFileStartOnlyAndCrLfIsAccepted() throws IOException {
        Path file = write("bom.tsv", "\uFEFFsentence\tlabel\r\nin\uFEFFside \t1\r\nplain\t0\r\n");
        List<Example> examples = strict.read(Task.SST2, file).examples();
        assertEquals(List.of("in\uFEFFside ", "plain"), examples.stream().map(Example::a).toList());
    }

    @Test
    void unbalancedQuotesAreKeptVerbatim() throws IOException {
        String text = "he said \" the witness , \"\" and left '";
        Path file = write("quotes.tsv", "sentence\tlabel\n" + text + "\t1\n\"\t0\n");
        List<Example> examples = strict.read(Task.SST2, file).examples();
        assertEquals(List.of(text, "\""), examples.stream().map(Example::a).toList());
    }

    @Test
    void missingFileSaysWhatToDo() {
        DataException e = assertThrows(DataException.class, () -> strict.read(Task.SST2, dir.resolve("nope.tsv")));
        assertMentions(e, "nope.tsv", "no such file", "download-glue");
    }

    @Test
    void aHugeWrongHeaderIsCutInTheMessage() throws IOException {
        Path file = write("huge.tsv", "x".repeat(1_000_000) + "\n");
        DataException e = assertThrows(DataException.class, () -> strict.read(Task.SST2, file));
        assertTrue(e.getMessage().length() < 500, e.getMessage().length() + " characters");
        assertMentions(e, "... (1000000 characters)");
    }

    @Test
    void wrongHeaderIsAnErrorEvenWhenSkipping() throws IOException {
        Path file = write("header.tsv", "index\tquestion\tsentence\tlabel\n0\tq\ts\tentailment\n");
        DataException e = assertThrows(DataException.class, () -> lenient.read(Task.SST2, file));
        assertMentions(e, "header.tsv:1", "sentence<TAB>label", "index<TAB>question");
    }

    @Test
    void wrongColumnCountNamesFileAndLine() throws IOException {
        Path file = write("cols.tsv", "sentence\tlabel\nfine\t1\ntoo\tmany\t1\n");
        DataException e = assertThrows(DataException.class, () -> strict.read(Task.SST2, file));
        assertMentions(e, "cols.tsv:3", "expected 2 tab-separated columns but found 3", "--skip-bad-rows");
    }

    @Test
    void unknownLabelsAreRejected() throws IOException {
        Path sst2 = write("label.tsv", "sentence\tlabel\nfine\t2\n");
        assertMentions(assertThrows(DataException.class, () -> strict.read(Task.SST2, sst2)),
                "label.tsv:2", "unknown label '2'");
        Path qnli = write("qlabel.tsv", "index\tquestion\tsentence\tlabel\n0\tq\ts\tcontradiction\n");
        assertMentions(assertThrows(DataException.class, () -> strict.read(Task.QNLI, qnli)),
                "qlabel.tsv:2", "unknown label 'contradiction'", "entailment or not_entailment");
    }

    @Test
    void emptyLineInsideTheFileIsABadRowButTrailingOnesAreNot() throws IOException {
        assertEquals(1, strict.read(Task.SST2, write("tail.tsv", "sentence\tlabel\na\t1\n\n\n")).examples().size());
        Path file = write("gap.tsv", "sentence\tlabel\na\t1\n\nb\t0\n");
        assertMentions(assertThrows(DataException.class, () -> strict.read(Task.SST2, file)),
                "gap.tsv:3", "empty line");
    }

    @Test
    void invalidUtf8IsABadRow() throws IOException {
        Path file = dir.resolve("latin1.tsv");
        Files.write(file, new byte[] {'s', 'e', 'n', 't', 'e', 'n', 'c', 'e', '\t', 'l', 'a', 'b', 'e', 'l', '\n',
                'c', 'a', 'f', (byte) 0xE9, '\t', '1', '\n'});
        assertMentions(assertThrows(DataException.class, () -> strict.read(Task.SST2, file)),
                "latin1.tsv:2", "not valid UTF-8");
    }

    @Test
    void skipModeReportsHowManyAndWhere() throws IOException {
        StringBuilder text = new StringBuilder("sentence\tlabel\n");
        for (int i = 0; i < 10; i++) {
            text.append(i % 3 == 0 ? "bad row without label\n" : "good " + i + "\t" + (i % 2) + "\n");
        }
        GlueReader.Result result = lenient.read(Task.SST2, write("mixed.tsv", text.toString()));
        assertEquals(6, result.examples().size());
        ReadReport report = result.report();
        assertEquals(4, report.skipped());
        assertEquals(List.of(2L, 5L, 8L, 11L), report.skippedLines());
        String summary = report.summary();
        assertTrue(summary.contains("6 examples, skipped 4 bad rows (lines 2, 5, 8, 11)"), summary);
        assertTrue(summary.contains("first: line 2: expected 2 tab-separated columns but found 1"), summary);
    }

    @Test
    void skipReportListsOnlyTheFirstFewLines() throws IOException {
        Path file = write("many.tsv", "sentence\tlabel\n" + "x\t9\n".repeat(8));
        ReadReport report = lenient.read(Task.SST2, file).report();
        assertEquals(8, report.skipped());
        assertEquals(List.of(2L, 3L, 4L, 5L, 6L), report.skippedLines());
        assertTrue(report.summary().contains("(lines 2, 3, 4, 5, 6, ...)"), report.summary());
    }

    @Test
    void jsonLinesWithLabelTextAndPairs() throws IOException {
        Path sst2 = write("train.jsonl",
                "\uFEFF{\"text\": \"a \\\"quote\", \"label\": 1, \"label_text\": \"positive\"}\r\n"
                + "{\"text\": \"meh\", \"label\": 0}\n");
        List<Example> examples = strict.read(Task.SST2, sst2).examples();
        assertEquals(List.of("a \"quote", "meh"), examples.stream().map(Example::a).toList());
        assertEquals(List.of(1, 0), examples.stream().map(Example::label).toList());

        Path mrpc = write("mrpc.jsonl", "{\"text\": \"x\", \"text2\": \"y\", \"label\": 1}\n"
                + "{\"sentence1\": \"p\", \"sentence2\": \"q\", \"label\": 0}\n");
        List<Example> pairs = strict.read(Task.MRPC, mrpc).examples();
        assertEquals(List.of("y", "q"), pairs.stream().map(Example::b).toList());

        Path qnli = write("qnli.jsonl", "{\"question\": \"Who?\", \"sentence\": \"Me.\", \"label\": 0}\n");
        assertEquals("Me.", strict.read(Task.QNLI, qnli).examples().getFirst().b());
    }

    @Test
    void badJsonLinesNameFileAndLine() throws IOException {
        Path broken = write("broken.jsonl", "{\"text\": \"ok\", \"label\": 1}\n{\"text\": \"cut\", \"lab\n");
        assertMentions(assertThrows(DataException.class, () -> strict.read(Task.SST2, broken)),
                "broken.jsonl:2", "not valid JSON");
        Path unlabelled = write("test.jsonl", "{\"text\": \"t\", \"label\": -1}\n");
        assertMentions(assertThrows(DataException.class, () -> strict.read(Task.SST2, unlabelled)),
                "test.jsonl:1", "label -1", "unlabelled");
        Path disagree = write("disagree.jsonl", "{\"text\": \"t\", \"label\": 1, \"label_text\": \"negative\"}\n");
        assertMentions(assertThrows(DataException.class, () -> strict.read(Task.SST2, disagree)),
                "disagree.jsonl:1", "label_text is 'negative'");
        Path single = write("single.jsonl", "{\"text\": \"t\", \"label\": 1}\n");
        assertMentions(assertThrows(DataException.class, () -> strict.read(Task.MRPC, single)),
                "single.jsonl:1", "needs a second text");
        Path array = write("array.jsonl", "[1, 2]\n");
        assertMentions(assertThrows(DataException.class, () -> strict.read(Task.SST2, array)),
                "array.jsonl:1", "JSON object");
    }

    @Test
    void skipModeWorksForJsonLinesToo() throws IOException {
        Path file = write("mixed.jsonl",
                "{\"text\": \"a\", \"label\": 1}\nnot json\n{\"text\": \"b\", \"label\": 0}\n");
        GlueReader.Result result = lenient.read(Task.SST2, file);
        assertEquals(2, result.examples().size());
        assertEquals(List.of(2L), result.report().skippedLines());
    }

    @Test
    void loadFindsTaskDirectoriesAndSaysWhatIsMissing() throws IOException {
        Files.createDirectories(dir.resolve("glue/SST-2"));
        Files.writeString(dir.resolve("glue/SST-2/train.tsv"), "sentence\tlabel\na\t1\n");
        Files.writeString(dir.resolve("glue/SST-2/dev.jsonl"), "{\"text\": \"b\", \"label\": 0}\n");
        GlueData data = GlueData.load(dir.resolve("glue"), java.util.EnumSet.of(Task.SST2), false);
        assertEquals(1, data.train(Task.SST2).size());
        assertEquals("b", data.dev(Task.SST2).getFirst().a());

        DataException missing = assertThrows(DataException.class, () -> GlueData.load(dir.resolve("glue")));
        assertMentions(missing, "QNLI", "train.tsv", "no such file");
        assertMentions(assertThrows(DataException.class, () -> GlueData.load(dir.resolve("absent"))),
                "absent", "no such directory", "download-glue");
    }
}
