package lodi.model.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.huggingface.tokenizers.jni.TokenizersLibrary;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import lodi.model.SharedData;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.ObjectMapper;

/**
 * Compares {@link WordPieceTokenizer} with HuggingFace's own (Rust) tokenizer for bert-base-uncased on every
 * sentence of the GLUE files under {@code ../shared/glue}: token ids without special tokens must be equal.
 */
class BertOracleTest {
    private static final int BATCH = 2048;

    @Test
    void matchesHuggingFaceOnEveryGlueSentence() throws IOException {
        Path glue = SharedData.require("glue");
        Path bert = SharedData.require("bert-base-uncased");
        Map<String, List<String>> sources = new LinkedHashMap<>();
        sources.put("SST-2/train.tsv sentence", tsvColumns(glue.resolve("SST-2/train.tsv"), 0));
        sources.put("SST-2/dev.tsv sentence", tsvColumns(glue.resolve("SST-2/dev.tsv"), 0));
        sources.put("QNLI/dev.tsv question+sentence", tsvColumns(glue.resolve("QNLI/dev.tsv"), 1, 2));
        sources.put("MRPC/train.tsv #1+#2 String", tsvColumns(glue.resolve("MRPC/train.tsv"), 3, 4));
        sources.put("MRPC/dev.tsv #1+#2 String", tsvColumns(glue.resolve("MRPC/dev.tsv"), 3, 4));
        for (String split : List.of("train", "dev", "test")) {
            sources.put("SetFit-sst2/" + split + ".jsonl text", jsonlTexts(glue.resolve("SetFit-sst2/" + split + ".jsonl")));
        }
        WordPieceTokenizer ours = WordPieceTokenizer.load(bert.resolve("vocab.txt"));

        long start = System.nanoTime();
        int compared = 0;
        long oracleNanos = 0;
        long oursNanos = 0;
        try (HuggingFaceTokenizer oracle = oracle(bert)) {
            for (var source : sources.entrySet()) {
                List<String> texts = source.getValue();
                for (int from = 0; from < texts.size(); from += BATCH) {
                    List<String> batch = texts.subList(from, Math.min(texts.size(), from + BATCH));
                    long t0 = System.nanoTime();
                    long[][] expected = idsOf(oracle, batch, false);
                    oracleNanos += System.nanoTime() - t0;
                    for (int k = 0; k < batch.size(); k++) {
                        String text = batch.get(k);
                        long t1 = System.nanoTime();
                        int[] got = ours.encode(text);
                        oursNanos += System.nanoTime() - t1;
                        int row = from + k;
                        assertEquals(Arrays.toString(expected[k]), Arrays.toString(got),
                                () -> source.getKey() + " text " + row + ": " + text
                                        + "\nours:   " + ours.tokenize(text)
                                        + "\noracle: " + Arrays.toString(oracle.encode(text).getTokens()));
                    }
                    compared += batch.size();
                }
            }
        }
        System.out.printf("BertOracleTest: %d GLUE texts identical to HuggingFace tokenizers in %.1f s"
                        + " (oracle %.1f s, lodi %.1f s; %s)%n", compared, (System.nanoTime() - start) / 1e9,
                oracleNanos / 1e9, oursNanos / 1e9, counts(sources));
        assertTrue(compared > 90_000, "expected the whole GLUE data, compared only " + compared);
    }

    /**
     * Model inputs with [CLS]/[SEP] and truncation on the QNLI and MRPC dev pairs and the SST-2 dev sentences.
     * (Dev sets only: the oracle keeps every truncated-away stretch as an overflow encoding, which makes it
     * slow on short limits.)
     */
    @Test
    void truncatedModelInputsMatchHuggingFace() throws IOException {
        Path glue = SharedData.require("glue");
        Path bert = SharedData.require("bert-base-uncased");
        WordPieceTokenizer ours = WordPieceTokenizer.load(bert.resolve("vocab.txt"));
        List<String> qnli = tsvColumns(glue.resolve("QNLI/dev.tsv"), 1, 2);
        List<String> mrpc = tsvColumns(glue.resolve("MRPC/dev.tsv"), 3, 4);
        List<String> sst2 = tsvColumns(glue.resolve("SST-2/dev.tsv"), 0);
        for (int maxLength : new int[] {16, 61}) {
            try (HuggingFaceTokenizer oracle = HuggingFaceTokenizer.builder()
                    .optTokenizerPath(bert.resolve("tokenizer.json"))
                    .optAddSpecialTokens(true)
                    .optTruncation(true)
                    .optMaxLength(maxLength)
                    .optPadding(false)
                    .build()) {
                for (List<String> pairs : List.of(qnli, mrpc)) {
                    String[] first = new String[pairs.size() / 2];
                    String[] second = new String[pairs.size() / 2];
                    for (int i = 0; i < first.length; i++) {
                        first[i] = pairs.get(2 * i);
                        second[i] = pairs.get(2 * i + 1);
                    }
                    long[] encodings = TokenizersLibrary.LIB.batchEncodePair(oracle.getHandle(), first, second, true);
                    for (int i = 0; i < first.length; i++) {
                        assertEquals(Arrays.toString(idsAndDelete(encodings[i])),
                                Arrays.toString(ours.encodePairWithSpecialTokens(first[i], second[i], maxLength)),
                                "max length " + maxLength + ": " + first[i] + " || " + second[i]);
                    }
                }
                long[][] expected = idsOf(oracle, sst2, true);
                for (int i = 0; i < sst2.size(); i++) {
                    assertEquals(Arrays.toString(expected[i]),
                            Arrays.toString(ours.encodeWithSpecialTokens(sst2.get(i), maxLength)), sst2.get(i));
                }
            }
        }
    }

    /** Strings that exercise each rule, where the Python and Rust tokenizers agree (see the class comment). */
    @Test
    void matchesHuggingFaceOnTrickyStrings() throws IOException {
        Path bert = SharedData.require("bert-base-uncased");
        WordPieceTokenizer ours = WordPieceTokenizer.load(bert.resolve("vocab.txt"));
        List<String> tricky = List.of(
                "Hello, World! Don't stop; it's $5.00 (or 4.99€).",
                "Café RÉSUMÉ naïve Ångström Dvořák façade coöperate İstanbul ΟΔΟΣ Straße",
                "北京欢迎你 日本語のテキスト 한국어 text\uD840\uDC00mixed",
                "emoji \uD83D\uDE00 and \uD83D\uDC4D\uD83C\uDFFD thumbs, math \uD835\uDC00\uD835\uDC01",
                "nul\u0000in\u0007side zero\u200Bwidth soft\u00ADhyphen bom\uFEFFinside \uFFFDreplaced",
                " tabs\tnew\nlines\r\ncr  nbsp\u00A0ideographic\u3000space\u2003em line\u2028para\u2029end ",
                "«quoted» „low“ —dash– …ellipsis ¿qué? ¡sí! #hash @at ^caret `tick ~tilde |pipe \\back",
                "[MASK] the [CLS] a[SEP]b [mask] [UNK] [PAD]",
                "supercalifragilisticexpialidocious pneumonoultramicroscopicsilicovolcanoconiosis",
                "a".repeat(100) + " " + "b".repeat(101) + " " + "\uD83D\uDE00".repeat(101),
                "unaffable xyzzyq qwfpgjluy 1234567890 3.14159 1,000,000",
                "\u0301 lone mark, combining e\u0301 and precomposed \u00E9",
                "");
        try (HuggingFaceTokenizer oracle = oracle(bert)) {
            for (String text : tricky) {
                Encoding expected = oracle.encode(text);
                assertEquals(Arrays.toString(expected.getTokens()), ours.tokenize(text).toString(), text);
                assertEquals(Arrays.toString(expected.getIds()), Arrays.toString(ours.encode(text)), text);
            }
        }
    }

    /**
     * The oracle's ids for each text. Goes below {@link HuggingFaceTokenizer#batchEncode(List)}, whose
     * {@link Encoding} fetches ten arrays per text across JNI, to fetch only the ids: this cuts the test's
     * time several times over.
     */
    private static long[][] idsOf(HuggingFaceTokenizer oracle, List<String> texts, boolean addSpecialTokens) {
        long[] encodings = TokenizersLibrary.LIB.batchEncode(oracle.getHandle(), texts.toArray(String[]::new),
                addSpecialTokens);
        long[][] ids = new long[encodings.length][];
        for (int i = 0; i < encodings.length; i++) {
            ids[i] = idsAndDelete(encodings[i]);
        }
        return ids;
    }

    private static long[] idsAndDelete(long encoding) {
        long[] ids = TokenizersLibrary.LIB.getTokenIds(encoding);
        TokenizersLibrary.LIB.deleteEncoding(encoding);
        return ids;
    }

    /** HuggingFace's tokenizer for bert-base-uncased: ids without [CLS]/[SEP], no truncation, no padding. */
    private static HuggingFaceTokenizer oracle(Path bert) throws IOException {
        return HuggingFaceTokenizer.builder()
                .optTokenizerPath(bert.resolve("tokenizer.json"))
                .optAddSpecialTokens(false)
                .optTruncation(false)
                .optPadding(false)
                .build();
    }

    private static String counts(Map<String, List<String>> sources) {
        List<String> parts = new ArrayList<>();
        sources.forEach((name, texts) -> parts.add(name + " " + texts.size()));
        return String.join(", ", parts);
    }

    /**
     * The given columns of every data row, split by tab with no quote processing. The header line, which
     * carries the byte-order mark in the MRPC files, is skipped.
     */
    private static List<String> tsvColumns(Path file, int... columns) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        List<String> texts = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] fields = line.split("\t", -1);
            for (int column : columns) {
                texts.add(fields[column]);
            }
        }
        return texts;
    }

    private static List<String> jsonlTexts(Path file) throws IOException {
        ObjectMapper json = new ObjectMapper();
        List<String> texts = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (!line.isBlank()) {
                texts.add(json.readTree(line).get("text").asString());
            }
        }
        return texts;
    }
}
