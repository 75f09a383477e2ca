package lodi.glue.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.StringJoiner;
import java.util.concurrent.Callable;
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

    @Override
    public Integer call() throws IOException {
        WordPieceTokenizer tokenizer;
        try {
            tokenizer = WordPieceTokenizer.load(vocab);
        } catch (IOException e) {
            throw new Lodi.UsageException("cannot read the vocabulary " + vocab + " (" + reason(e) + ")");
        }
        Vocabulary vocabulary = tokenizer.vocabulary();
        PrintWriter out = spec.commandLine().getOut();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            int[] ids = withSpecialTokens(tokenizer.encode(line), vocabulary);
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

    private int[] withSpecialTokens(int[] ids, Vocabulary vocabulary) {
        if (noSpecialTokens) {
            return ids;
        }
        int[] framed = new int[ids.length + 2];
        framed[0] = vocabulary.clsId();
        System.arraycopy(ids, 0, framed, 1, ids.length);
        framed[ids.length + 1] = vocabulary.sepId();
        return framed;
    }

    private static String reason(IOException e) {
        return switch (e) {
            case NoSuchFileException missing -> "no such file";
            case AccessDeniedException denied -> "permission denied";
            default -> e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
        };
    }
}
