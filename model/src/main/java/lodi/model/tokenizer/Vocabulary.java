package lodi.model.tokenizer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import lodi.model.io.AtomicFiles;

/**
 * A WordPiece vocabulary as in a BERT {@code vocab.txt}: one token per line, the id of a token is its line
 * index (0-based). Continuation pieces carry the {@code ##} prefix. The five special tokens are looked up by
 * name, never assumed to sit at fixed ids (bert-base-uncased has [PAD]=0, [UNK]=100, [CLS]=101, [SEP]=102,
 * [MASK]=103; a vocabulary built by {@link VocabularyBuilder} has them at 0..4).
 */
public final class Vocabulary {
    public static final String PAD = "[PAD]";
    public static final String UNK = "[UNK]";
    public static final String CLS = "[CLS]";
    public static final String SEP = "[SEP]";
    public static final String MASK = "[MASK]";
    /** The special tokens in the order {@link VocabularyBuilder} writes them. */
    public static final List<String> SPECIAL_TOKENS = List.of(PAD, UNK, CLS, SEP, MASK);

    private final String source;
    private final String[] tokens;
    private final Map<String, Integer> ids;
    private final int padId;
    private final int unkId;
    private final int clsId;
    private final int sepId;
    private final int maskId;

    private Vocabulary(String source, List<String> tokenList) {
        this.source = source;
        this.tokens = tokenList.toArray(String[]::new);
        this.ids = HashMap.newHashMap(tokens.length);
        for (int id = 0; id < tokens.length; id++) {
            String token = tokens[id];
            if (token.isEmpty()) {
                throw new IllegalArgumentException(where(id) + ": empty token");
            }
            Integer previous = ids.putIfAbsent(token, id);
            if (previous != null) {
                throw new IllegalArgumentException(where(id) + ": duplicate token '" + token
                        + "' (first at line " + (previous + 1) + ")");
            }
        }
        this.padId = special(PAD);
        this.unkId = special(UNK);
        this.clsId = special(CLS);
        this.sepId = special(SEP);
        this.maskId = special(MASK);
    }

    /** A vocabulary whose ids are the list indices; {@code source} names it in error messages. */
    public static Vocabulary of(String source, List<String> tokens) {
        return new Vocabulary(source, tokens);
    }

    /**
     * Reads a {@code vocab.txt}: UTF-8, one token per line ending in LF or CRLF, a leading byte-order mark
     * ignored.
     */
    public static Vocabulary read(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        List<String> lines = new ArrayList<>();
        int start = 0;
        while (start < bytes.length) {
            int end = start;
            while (end < bytes.length && bytes[end] != '\n') {
                end++;
            }
            int contentEnd = end > start && bytes[end - 1] == '\r' ? end - 1 : end;
            String line;
            try {
                line = decoder.decode(ByteBuffer.wrap(bytes, start, contentEnd - start)).toString();
            } catch (CharacterCodingException e) {
                throw new IllegalArgumentException(file + " line " + (lines.size() + 1) + ": not valid UTF-8", e);
            }
            lines.add(lines.isEmpty() && line.startsWith("\uFEFF") ? line.substring(1) : line);
            start = end + 1;
        }
        return new Vocabulary(file.toString(), lines);
    }

    /** Writes this vocabulary as a {@code vocab.txt}: one token per line, LF endings, UTF-8, atomically. */
    public void write(Path file) throws IOException {
        StringBuilder text = new StringBuilder();
        for (String token : tokens) {
            text.append(token).append('\n');
        }
        AtomicFiles.writeString(file, text.toString());
    }

    public int size() {
        return tokens.length;
    }

    /** The id of {@code token}, or -1 when it is not in the vocabulary. */
    public int id(String token) {
        Integer id = ids.get(token);
        return id == null ? -1 : id;
    }

    public boolean contains(String token) {
        return ids.containsKey(token);
    }

    public String token(int id) {
        if (id < 0 || id >= tokens.length) {
            throw new IllegalArgumentException("token id " + id + " is outside the vocabulary " + source
                    + " of size " + tokens.length);
        }
        return tokens[id];
    }

    /** The tokens in id order (an unmodifiable copy). */
    public List<String> tokens() {
        return List.of(tokens);
    }

    /** Where this vocabulary came from (a file name, or the name given to {@link #of}). */
    public String source() {
        return source;
    }

    public int padId() {
        return padId;
    }

    public int unkId() {
        return unkId;
    }

    public int clsId() {
        return clsId;
    }

    public int sepId() {
        return sepId;
    }

    public int maskId() {
        return maskId;
    }

    private int special(String name) {
        Integer id = ids.get(name);
        if (id == null) {
            throw new IllegalArgumentException(source + ": the vocabulary lacks the special token " + name);
        }
        return id;
    }

    private String where(int id) {
        return source + " line " + (id + 1);
    }
}
