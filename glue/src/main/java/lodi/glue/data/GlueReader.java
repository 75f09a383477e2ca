package lodi.glue.data;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads GLUE task files into {@link Example}s.
 *
 * <p>TSV files in the standard GLUE layout (header line, then one example per line):
 * <ul>
 *   <li>{@code SST-2/{train,dev}.tsv}: {@code sentence<TAB>label}, labels 0/1</li>
 *   <li>{@code QNLI/{train,dev}.tsv}: {@code index<TAB>question<TAB>sentence<TAB>label}, labels
 *       entailment/not_entailment</li>
 *   <li>{@code MRPC/{train,dev}.tsv}: {@code Quality<TAB>#1 ID<TAB>#2 ID<TAB>#1 String<TAB>#2 String},
 *       labels 0/1 in the first column</li>
 * </ul>
 * Fields are split on tabs only, with no quote processing: GLUE text holds unbalanced {@code "} and is kept
 * verbatim (including SST-2's trailing space). A UTF-8 byte-order mark at the start of the file is dropped;
 * U+FEFF inside text is kept. Lines end in LF or CRLF.
 *
 * <p>JSON-lines files ({@code .jsonl}, as HuggingFace/SetFit export them): one object per line with
 * {@code text} and an integer {@code label}; pair tasks also need {@code text2} (or {@code sentence2}).
 * The HuggingFace {@code glue} column names work too (sst2 {@code sentence}; qnli {@code question},
 * {@code sentence}; mrpc {@code sentence1}, {@code sentence2}). A {@code label_text} that is one of the
 * task's label words must agree with {@code label}; other fields are ignored.
 *
 * <p>A bad row (wrong column count, unknown label, malformed JSON, invalid UTF-8) is a {@link DataException}
 * naming the file and line, unless {@code skipBadRows} is set: then it is skipped and counted in the
 * {@link ReadReport}. A missing file or a wrong header is always an error.
 */
public final class GlueReader {
    private static final int REPORTED_LINES = 5;
    private static final ObjectMapper JSON = JsonMapper.builder().build();

    private final boolean skipBadRows;

    public GlueReader(boolean skipBadRows) {
        this.skipBadRows = skipBadRows;
    }

    /** Examples read from one file, with its report. */
    public record Result(List<Example> examples, ReadReport report) {
    }

    /** Reads a task file: JSON lines when its name ends in {@code .jsonl}, GLUE TSV otherwise. */
    public Result read(Task task, Path file) {
        String name = file.getFileName().toString();
        return name.endsWith(".jsonl") ? readJsonLines(task, file) : readTsv(task, file);
    }

    /** Reads a GLUE TSV file of the task (header checked). */
    public Result readTsv(Task task, Path file) {
        List<byte[]> lines = lines(file);
        String header = lines.isEmpty() ? "" : decodeHeader(file, lines.getFirst());
        String expected = tsvHeader(task);
        if (!header.equals(expected)) {
            throw new DataException(file + ":1: expected the " + task.directoryName() + " header '"
                    + expected.replace("\t", "<TAB>") + "' but found '" + shortened(header).replace("\t", "<TAB>")
                    + "'; give the " + task.directoryName() + " train.tsv or dev.tsv of the GLUE layout"
                    + " (test.tsv has no labels), e.g. from 'lodi download-glue DIR'");
        }
        return parse(task, file, lines, 1, this::tsvRow);
    }

    /** At most 80 characters of a line, for an error message (a data file's first line may be megabytes). */
    private static String shortened(String line) {
        return line.length() <= 80 ? line : line.substring(0, 80) + "... (" + line.length() + " characters)";
    }

    /** Reads a JSON-lines file of the task. */
    public Result readJsonLines(Task task, Path file) {
        return parse(task, file, lines(file), 0, (t, line, source) -> jsonRow(t, line, source, true));
    }

    /**
     * Reads inputs to classify ({@code lodi predict}), by the same rules as the task files: JSON lines with the
     * {@code label} optional; or text lines, a GLUE TSV of the task when its header comes first (labels then as in
     * the task files), otherwise one example per line, its texts tab-separated. Inputs without a label get
     * {@link Example#NO_LABEL}.
     *
     * @param name  the file's name, or {@code standard input}, for messages
     * @param bytes the whole input
     */
    public Result readInputs(Task task, Path name, byte[] bytes, boolean jsonLines) {
        List<byte[]> lines = split(bytes);
        if (jsonLines) {
            return parse(task, name, lines, 0, (t, line, source) -> jsonRow(t, line, source, false));
        }
        boolean glueFile = !lines.isEmpty() && decodeHeader(name, lines.getFirst()).equals(tsvHeader(task));
        return glueFile ? parse(task, name, lines, 1, this::tsvRow) : parse(task, name, lines, 0, GlueReader::textRow);
    }

    /** The header line of the task's GLUE TSV files. */
    public static String tsvHeader(Task task) {
        return switch (task) {
            case SST2 -> "sentence\tlabel";
            case QNLI -> "index\tquestion\tsentence\tlabel";
            case MRPC -> "Quality\t#1 ID\t#2 ID\t#1 String\t#2 String";
        };
    }

    /** A row that cannot become an example; its message says why. */
    private static final class BadRow extends Exception {
        BadRow(String message) {
            super(message, null, false, false);
        }
    }

    @FunctionalInterface
    private interface RowParser {
        Example parse(Task task, String line, String source) throws BadRow;
    }

    private Result parse(Task task, Path file, List<byte[]> lines, int firstRow, RowParser parser) {
        List<Example> examples = new ArrayList<>(lines.size());
        List<Long> skippedLines = new ArrayList<>();
        int skipped = 0;
        String firstProblem = null;
        for (int i = firstRow; i < lines.size(); i++) {
            long lineNumber = i + 1L;
            String source = file + ":" + lineNumber;
            try {
                String line = decode(lines.get(i), i == 0);
                if (line.isEmpty()) {
                    throw new BadRow("empty line");
                }
                examples.add(parser.parse(task, line, source));
            } catch (BadRow bad) {
                if (!skipBadRows) {
                    throw new DataException(source + ": " + bad.getMessage() + "; fix or delete this line,"
                            + " or read with skipBadRows (--skip-bad-rows) to skip bad rows and report them");
                }
                if (skipped == 0) {
                    firstProblem = "line " + lineNumber + ": " + bad.getMessage();
                }
                if (skippedLines.size() < REPORTED_LINES) {
                    skippedLines.add(lineNumber);
                }
                skipped++;
            }
        }
        return new Result(List.copyOf(examples),
                new ReadReport(file, examples.size(), skipped, skippedLines, firstProblem));
    }

    private Example tsvRow(Task task, String line, String source) throws BadRow {
        String[] fields = line.split("\t", -1);
        int expected = tsvHeader(task).split("\t").length;
        if (fields.length != expected) {
            throw new BadRow("expected " + expected + " tab-separated columns but found " + fields.length);
        }
        return switch (task) {
            case SST2 -> new Example(task, fields[0], null, numericLabel(task, fields[1]), source);
            case QNLI -> new Example(task, fields[1], fields[2], wordLabel(task, fields[3]), source);
            case MRPC -> new Example(task, fields[3], fields[4], numericLabel(task, fields[0]), source);
        };
    }

    private static Example textRow(Task task, String line, String source) throws BadRow {
        String[] fields = line.split("\t", -1);
        int expected = task.isPair() ? 2 : 1;
        if (fields.length != expected) {
            throw new BadRow("expected " + (task.isPair() ? "two texts separated by a tab" : "one text (no tab)")
                    + " but found " + fields.length + " tab-separated fields");
        }
        return new Example(task, fields[0], task.isPair() ? fields[1] : null, Example.NO_LABEL, source);
    }

    private Example jsonRow(Task task, String line, String source, boolean labelRequired) throws BadRow {
        JsonNode row;
        try {
            row = JSON.readTree(line);
        } catch (JacksonException e) {
            throw new BadRow("not valid JSON (" + e.getOriginalMessage() + ")");
        }
        if (row == null || !row.isObject()) {
            throw new BadRow("expected a JSON object with \"text\" and \"label\"");
        }
        String a = jsonText(row, firstTextKeys(task));
        String b = jsonText(row, secondTextKeys(task));
        if (a == null) {
            throw new BadRow("no string field " + String.join(" or ", firstTextKeys(task)));
        }
        if (task.isPair() && b == null) {
            throw new BadRow(task.shortName() + " needs a second text: no string field "
                    + String.join(" or ", secondTextKeys(task)));
        }
        if (!task.isPair() && b != null) {
            throw new BadRow(task.shortName() + " takes one text but the row has a second one");
        }
        JsonNode labelNode = row.get("label");
        if (!labelRequired && (labelNode == null || labelNode.isNull())) {
            return new Example(task, a, b, Example.NO_LABEL, source);
        }
        if (labelNode == null || !labelNode.isIntegralNumber() || !labelNode.canConvertToInt()) {
            throw new BadRow("no integer \"label\"");
        }
        int label = labelNode.intValue();
        if (label < 0 || label >= task.numLabels()) {
            throw new BadRow("label " + label + " is not one of 0.." + (task.numLabels() - 1)
                    + (label == -1 ? " (an unlabelled test split?)" : ""));
        }
        JsonNode labelText = row.get("label_text");
        if (labelText != null && labelText.isString() && task.labelWords().contains(labelText.stringValue())
                && !labelText.stringValue().equals(task.labelWord(label))) {
            throw new BadRow("label " + label + " means '" + task.labelWord(label) + "' but label_text is '"
                    + labelText.stringValue() + "'");
        }
        return new Example(task, a, b, label, source);
    }

    private static List<String> firstTextKeys(Task task) {
        return switch (task) {
            case SST2 -> List.of("text", "sentence");
            case QNLI -> List.of("text", "question");
            case MRPC -> List.of("text", "sentence1");
        };
    }

    private static List<String> secondTextKeys(Task task) {
        return switch (task) {
            case SST2 -> List.of("text2", "sentence2");
            case QNLI -> List.of("text2", "sentence");
            case MRPC -> List.of("text2", "sentence2");
        };
    }

    private static String jsonText(JsonNode row, List<String> keys) throws BadRow {
        String found = null;
        for (String key : keys) {
            JsonNode node = row.get(key);
            if (node == null || node.isNull()) {
                continue;
            }
            if (!node.isString()) {
                throw new BadRow("field \"" + key + "\" is not a string");
            }
            if (found != null) {
                throw new BadRow("both " + String.join(" and ", keys) + " are present; keep one");
            }
            found = node.stringValue();
        }
        return found;
    }

    private static int numericLabel(Task task, String field) throws BadRow {
        for (int label = 0; label < task.numLabels(); label++) {
            if (field.equals(Integer.toString(label))) {
                return label;
            }
        }
        throw new BadRow("unknown label '" + field + "' (expected 0 or 1)");
    }

    private static int wordLabel(Task task, String field) throws BadRow {
        int label = task.labelWords().indexOf(field);
        if (label < 0) {
            throw new BadRow("unknown label '" + field + "' (expected " + String.join(" or ", task.labelWords())
                    + ")");
        }
        return label;
    }

    /** The file split at LF, each line without its LF or a CR before it; trailing empty lines dropped. */
    private static List<byte[]> lines(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new DataException(file + ": no such file; download the GLUE data with 'lodi download-glue DIR'"
                    + " or point to a directory holding SST-2/, QNLI/ and MRPC/");
        } catch (IOException e) {
            throw new DataException(file + ": cannot read (" + e.getMessage() + ")", e);
        }
        return split(bytes);
    }

    /** {@link #lines(Path)} of bytes already read. */
    private static List<byte[]> split(byte[] bytes) {
        List<byte[]> lines = new ArrayList<>();
        int start = 0;
        for (int i = 0; i <= bytes.length; i++) {
            if (i == bytes.length || bytes[i] == '\n') {
                int end = i > start && bytes[i - 1] == '\r' ? i - 1 : i;
                byte[] line = new byte[end - start];
                System.arraycopy(bytes, start, line, 0, line.length);
                lines.add(line);
                start = i + 1;
            }
        }
        while (!lines.isEmpty() && lines.getLast().length == 0) {
            lines.removeLast();
        }
        return lines;
    }

    /** {@code bytes} as strict UTF-8: malformed or unmappable input is an error, never replaced. */
    public static String decodeUtf8(byte[] bytes) throws CharacterCodingException {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        return decoder.decode(ByteBuffer.wrap(bytes)).toString();
    }

    private static String decodeHeader(Path file, byte[] line) {
        try {
            return decode(line, true);
        } catch (BadRow bad) {
            throw new DataException(file + ":1: " + bad.getMessage() + "; is this a GLUE TSV file?");
        }
    }

    /** Strict UTF-8, dropping a byte-order mark only at the very start of the file. */
    private static String decode(byte[] line, boolean startOfFile) throws BadRow {
        String text;
        try {
            text = decodeUtf8(line);
        } catch (CharacterCodingException e) {
            throw new BadRow("not valid UTF-8 text");
        }
        return startOfFile && text.startsWith("\uFEFF") ? text.substring(1) : text;
    }
}
