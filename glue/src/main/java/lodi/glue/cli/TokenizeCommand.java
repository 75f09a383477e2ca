package lodi.glue.cli;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.CharacterCodingException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.StringJoiner;
import java.util.concurrent.Callable;
import lodi.glue.data.DataException;
import lodi.glue.data.GlueReader;
import lodi.model.tokenizer.Vocabulary;
import lodi.model.tokenizer.WordPieceTokenizer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code lodi tokenize}: the WordPiece ids of each line of standard input. */
@Command(name = "tokenize", mixinStandardHelpOptions = true,
        description = {"Tokenize each line of standard input with a BERT WordPiece vocabulary (uncased).",
                "Prints, per line, the token ids and then the tokens; with --json, a JSON array of ids."})
public final class TokenizeCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Option(names = "--vocab", required = true, paramLabel = "FILE",
            description = "The vocab.txt to use (one token per line, the id is the line index).")
    private Path vocab;

    @Option(names = "--json", description = "Print one JSON array of ids per input line.")
    private boolean json;

    @Option(names = "--no-special-tokens", negatable = false,
            description = "Leave out the [CLS] and [SEP] that frame every line by default.")
    private boolean noSpecialTokens;

    @Option(names = "--max-length", paramLabel = "N",
            description = "Cut each line's ids, [CLS] and [SEP] included, to at most N (default: no limit).")
    private Integer maxLength;

    @Override
    public Integer call() throws IOException {
        int smallest = noSpecialTokens ? 1 : 3;
        if (maxLength != null && maxLength < smallest) {
            throw new Lodi.UsageException("--max-length " + maxLength + " is too small (at least " + smallest + ")");
        }
        int limit = maxLength == null ? Integer.MAX_VALUE : maxLength;
        WordPieceTokenizer tokenizer;
        try {
            tokenizer = WordPieceTokenizer.load(vocab);
        } catch (IOException e) {
            throw new Lodi.UsageException("cannot read the vocabulary " + vocab + " (" + reason(e) + ")");
        }
        Vocabulary vocabulary = tokenizer.vocabulary();
        PrintWriter out = spec.commandLine().getOut();
        // strict, as the GLUE reader: invalid UTF-8 is an error naming its line, never silently replaced
        BufferedInputStream in = new BufferedInputStream(System.in);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int lineNumber = 0;
        for (int b = in.read(); b >= 0 || bytes.size() > 0; b = in.read()) {
            if (b >= 0 && b != '\n') {
                bytes.write(b);
                continue;
            }
            lineNumber++;
            String line;
            try {
                line = GlueReader.decodeUtf8(bytes.toByteArray());
            } catch (CharacterCodingException e) {
                out.flush();
                throw new DataException("standard input, line " + lineNumber + ": not valid UTF-8; give UTF-8 text");
            }
            bytes.reset();
            line = line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
            int[] ids = noSpecialTokens ? cut(tokenizer.encode(line), limit)
                    : tokenizer.encodeWithSpecialTokens(line, limit);
            if (json) {
                StringJoiner array = new StringJoiner(",", "[", "]");
                for (int id : ids) {
                    array.add(Integer.toString(id));
                }
                out.println(array);
            } else {
                StringJoiner idLine = new StringJoiner(" ");
                StringJoiner tokenLine = new StringJoiner(" ");
                for (int id : ids) {
                    idLine.add(Integer.toString(id));
                    tokenLine.add(vocabulary.token(id));
                }
                out.println(idLine);
                out.println(tokenLine);
            }
        }
        out.flush();
        return 0;
    }

    private static int[] cut(int[] ids, int limit) {
        return ids.length > limit ? Arrays.copyOf(ids, limit) : ids;
    }

    private static String reason(IOException e) {
        return switch (e) {
            case NoSuchFileException missing -> "no such file";
            case AccessDeniedException denied -> "permission denied";
            default -> e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
        };
    }
}
