package lodi.glue.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code lodi predict}: many inputs in one process, bad lines as the GLUE reader treats them. */
class PredictCommandTest {
    @TempDir
    static Path temp;
    private static Path run;

    @BeforeAll
    static void trainARun() {
        LodiRun trained = LodiRun.of("train", "--preset", "smoke", "--method", "full_ft", "--steps", "20",
                "--set", "pretraining.steps=5", "--outputs", temp.resolve("outputs").toString());
        assertEquals(0, trained.code(), trained.err());
        run = temp.resolve("outputs/glue_multitask/multitask_full_ft_seed42_frozen");
    }

    private static final String[] WORDS = {"the", "film", "is", "great", "dull", "not", "a", "plot", "fun", "bad"};

    @Test
    void tenThousandLinesInOneProcessOnePredictionEach() throws IOException {
        String text = IntStream.range(0, 10_000)
                .mapToObj(i -> WORDS[i % 10] + " " + WORDS[(i / 10) % 10] + " " + WORDS[(i / 100) % 10])
                .collect(Collectors.joining("\n", "", "\n"));
        Path file = Files.writeString(temp.resolve("inputs.txt"), text);
        LodiRun predicted = LodiRun.of("predict", "--run", run.toString(), "--input", file.toString());
        assertEquals(0, predicted.code(), predicted.err());
        List<String> lines = predicted.out().lines().toList();
        assertEquals(10_000, lines.size());
        for (int i = 0; i < lines.size(); i++) {
            String[] fields = lines.get(i).split("\t");
            assertEquals(4, fields.length, lines.get(i));
            assertEquals(Integer.toString(i + 1), fields[0]);
            assertTrue(List.of("negative", "positive").contains(fields[1]), lines.get(i));
            double probability = Double.parseDouble(fields[2]);
            assertTrue(probability >= 0 && probability <= 1, lines.get(i));
            assertTrue(List.of("valid", "invalid").contains(fields[3]), lines.get(i));
        }
        // the first input is keyed as 'lodi generate' keys its one input: the same label
        LodiRun generated = LodiRun.of("generate", "--run", run.toString(), "the the the");
        assertTrue(generated.out().contains("prediction: " + lines.getFirst().split("\t")[1])
                        || generated.out().contains("prediction: none"), generated.out());
    }

    @Test
    void badLinesAreRefusedOrSkippedAsTheGlueReaderDoes() throws IOException {
        Path file = Files.writeString(temp.resolve("pairs.tsv"), "who is it?\tit is me\nno tab here\nwhy?\tbecause\n");
        LodiRun refused = LodiRun.of("predict", "--run", run.toString(), "--task", "qnli", "--input", file.toString());
        assertEquals(2, refused.code(), refused.err());
        assertEquals("lodi: " + file + ":2: expected two texts separated by a tab but found 1 tab-separated fields;"
                + " fix or delete this line, or read with skipBadRows (--skip-bad-rows) to skip bad rows and report them",
                refused.err().strip());
        assertTrue(refused.out().isEmpty(), "nothing is predicted from a bad file");

        LodiRun skipped = LodiRun.of("predict", "--run", run.toString(), "--task", "qnli", "--input", file.toString(),
                "--skip-bad-rows", "--json");
        assertEquals(0, skipped.code(), skipped.err());
        List<String> lines = skipped.out().lines().toList();
        assertEquals(2, lines.size(), skipped.out());
        assertTrue(lines.get(0).startsWith("{\"line\": 1, \"label\": \""), lines.get(0));
        assertTrue(lines.get(1).startsWith("{\"line\": 3, "), lines.get(1));
        assertTrue(skipped.err().contains("skipped 1 bad row"), skipped.err());

        Path utf8 = Files.write(temp.resolve("bad.txt"), new byte[] {'o', 'k', '\n', (byte) 0xC3, '(', '\n'});
        LodiRun invalid = LodiRun.of("predict", "--run", run.toString(), "--input", utf8.toString());
        assertEquals(2, invalid.code());
        assertTrue(invalid.err().contains(utf8 + ":2: not valid UTF-8 text"), invalid.err());
    }

    @Test
    void labelledInputsReportTheirAccuracy() throws IOException {
        Path glue = Files.writeString(temp.resolve("dev.tsv"), "sentence\tlabel\nthe film is great \t1\na dull plot \t0\n");
        LodiRun tsv = LodiRun.of("predict", "--run", run.toString(), "--input", glue.toString());
        assertEquals(0, tsv.code(), tsv.err());
        assertEquals(2, tsv.out().lines().count());
        assertTrue(tsv.err().contains("on the 2 labelled inputs"), tsv.err());

        Path jsonl = Files.writeString(temp.resolve("inputs.jsonl"), "{\"text\": \"great fun\"}\n{\"text\": \"bad\", \"label\": 0}\n");
        LodiRun lines = LodiRun.of("predict", "--run", run.toString(), "--input", jsonl.toString());
        assertEquals(0, lines.code(), lines.err());
        assertEquals(2, lines.out().lines().count());
        assertTrue(lines.err().contains("on the 1 labelled inputs"), lines.err());
        assertFalse(lines.err().contains("lodi:"), lines.err());
    }
}
