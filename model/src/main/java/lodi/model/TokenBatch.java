package lodi.model;

import java.util.Arrays;
import java.util.List;
import lodi.tensor.Sequences;

/**
 * A batch of token sequences, the input of a denoiser, laid out as flat positions.
 *
 * <p>B = rows (examples), T = flat positions. Row {@code b} occupies positions {@code start(b) .. start(b) +
 * lengths()[b] − 1} ({@link Sequences}). The factories lay rows back to back with no padding at all
 * (FlashAttention's variable-length layout: every position is a real token, attention stays within a row and
 * positions restart at 0 in each row); {@link #padded} gives the classic [B, S] layout, where the positions after
 * a row's real tokens are [PAD] and belong to no row. A conditional row is {@code [CLS] prompt [SEP] response
 * [SEP]}: segment 0 up to and including the first [SEP], segment 1 after it (BERT's sentence-B convention, so
 * the closing [SEP] is segment 1). {@code response[i]} marks the response tokens themselves, never [CLS], [SEP]
 * or padding: those are the positions a conditional denoiser corrupts, generates and is scored on. A plain-text
 * row ({@link #plain}) is {@code [CLS] text [SEP]} with no response positions.
 *
 * <p>Arrays are shared, not copied; nothing in lodi mutates a batch after building it (use
 * {@link #withIds} to get a corrupted copy).
 *
 * @param ids       token ids [T]
 * @param segments  segment ids [T]: 0 prompt, 1 response
 * @param sequences where each row lies among the positions
 * @param response  whether each position [T] is a response token
 */
public record TokenBatch(int[] ids, int[] segments, Sequences sequences, boolean[] response) {

    public TokenBatch {
        int size = ids.length;
        if (segments.length != size || response.length != size || sequences.end() > size) {
            throw new IllegalArgumentException("token batch of " + size + " positions needs as many segments and "
                    + "response flags and rows within them, got " + segments.length + ", " + response.length
                    + " and rows up to position " + sequences.end());
        }
    }

    /** B, the number of rows. */
    public int batch() {
        return sequences.count();
    }

    /** Real tokens per row [B]. */
    public int[] lengths() {
        return sequences.lengths();
    }

    /** The first position of row {@code b}. */
    public int start(int b) {
        return sequences.starts()[b];
    }

    /** The longest row's length. */
    public int longestRow() {
        return sequences.longest();
    }

    /** The row of every position [T]; −1 for a padding position, which belongs to no row. */
    public int[] rowOfPositions() {
        int[] rows = new int[ids.length];
        Arrays.fill(rows, -1);
        for (int b = 0; b < batch(); b++) {
            Arrays.fill(rows, start(b), start(b) + lengths()[b], b);
        }
        return rows;
    }

    /** Each position's index within its row [T] (a BERT position id); 0 for a padding position. */
    public int[] positionsInRow() {
        int[] positions = new int[ids.length];
        for (int b = 0; b < batch(); b++) {
            for (int s = 0; s < lengths()[b]; s++) {
                positions[start(b) + s] = s;
            }
        }
        return positions;
    }

    /** The same rows in the [B, S] layout, S the longest row, each row's real tokens first and [PAD] after. */
    public TokenBatch padded(int padId) {
        int span = longestRow();
        int size = batch() * span;
        int[] newIds = new int[size];
        int[] newSegments = new int[size];
        boolean[] newResponse = new boolean[size];
        Arrays.fill(newIds, padId);
        for (int b = 0; b < batch(); b++) {
            System.arraycopy(ids, start(b), newIds, b * span, lengths()[b]);
            System.arraycopy(segments, start(b), newSegments, b * span, lengths()[b]);
            System.arraycopy(response, start(b), newResponse, b * span, lengths()[b]);
        }
        return new TokenBatch(newIds, newSegments, Sequences.padded(span, lengths()), newResponse);
    }

    /**
     * Builds {@code [CLS] prompt [SEP] response [SEP]} rows, back to back. When a row exceeds
     * {@code maxLength} the prompt loses tokens from its end; the response is never truncated.
     *
     * @throws IllegalArgumentException when a response with its three special tokens (and no prompt)
     *                                  does not fit {@code maxLength}, naming the row
     */
    public static TokenBatch of(List<int[]> prompts, List<int[]> responses, SpecialTokens special, int maxLength) {
        if (prompts.size() != responses.size()) {
            throw new IllegalArgumentException(prompts.size() + " prompts but " + responses.size() + " responses");
        }
        int batch = prompts.size();
        int[] promptKept = new int[batch];
        int[] lengths = new int[batch];
        for (int b = 0; b < batch; b++) {
            int responseLength = responses.get(b).length;
            if (responseLength + 3 > maxLength) {
                throw new IllegalArgumentException("row " + b + ": a response of " + responseLength
                        + " tokens plus [CLS], [SEP], [SEP] does not fit the maximum length " + maxLength);
            }
            promptKept[b] = Math.min(prompts.get(b).length, maxLength - 3 - responseLength);
            lengths[b] = promptKept[b] + responseLength + 3;
        }
        Sequences sequences = Sequences.packed(lengths);
        int size = sequences.end();
        int[] ids = new int[size];
        int[] segments = new int[size];
        boolean[] response = new boolean[size];
        for (int b = 0; b < batch; b++) {
            int p = sequences.starts()[b];
            ids[p++] = special.cls();
            System.arraycopy(prompts.get(b), 0, ids, p, promptKept[b]);
            p += promptKept[b];
            ids[p++] = special.sep();
            for (int token : responses.get(b)) {
                response[p] = true;
                segments[p] = 1;
                ids[p++] = token;
            }
            segments[p] = 1;
            ids[p] = special.sep();
        }
        return new TokenBatch(ids, segments, sequences, response);
    }

    /** Prompts followed by responses made of {@code responseLengths[b]} [MASK]s: the input of a sampler. */
    public static TokenBatch maskedResponses(List<int[]> prompts, int[] responseLengths, SpecialTokens special,
            int maxLength) {
        if (prompts.size() != responseLengths.length) {
            throw new IllegalArgumentException(prompts.size() + " prompts but " + responseLengths.length
                    + " response lengths");
        }
        List<int[]> masks = Arrays.stream(responseLengths).mapToObj(length -> filled(length, special.mask())).toList();
        return of(prompts, masks, special, maxLength);
    }

    /** Plain-text rows {@code [CLS] text [SEP]}, the text truncated at its end to fit {@code maxLength}. */
    public static TokenBatch plain(List<int[]> texts, SpecialTokens special, int maxLength) {
        if (maxLength < 2) {
            throw new IllegalArgumentException("maximum length " + maxLength + " leaves no room for [CLS] and [SEP]");
        }
        int batch = texts.size();
        int[] lengths = new int[batch];
        for (int b = 0; b < batch; b++) {
            lengths[b] = Math.min(texts.get(b).length, maxLength - 2) + 2;
        }
        Sequences sequences = Sequences.packed(lengths);
        int[] ids = new int[sequences.end()];
        for (int b = 0; b < batch; b++) {
            int row = sequences.starts()[b];
            ids[row] = special.cls();
            System.arraycopy(texts.get(b), 0, ids, row + 1, lengths[b] - 2);
            ids[row + lengths[b] - 1] = special.sep();
        }
        return new TokenBatch(ids, new int[ids.length], sequences, new boolean[ids.length]);
    }

    /** The same layout with other token ids (a corrupted or partly generated copy). */
    public TokenBatch withIds(int[] newIds) {
        return new TokenBatch(newIds, segments, sequences, response);
    }

    /** The flat positions of row {@code b}'s response tokens, in order. */
    public int[] responsePositions(int b) {
        int from = start(b);
        int to = from + lengths()[b];
        int count = 0;
        for (int i = from; i < to; i++) {
            count += response[i] ? 1 : 0;
        }
        int[] positions = new int[count];
        int k = 0;
        for (int i = from; i < to; i++) {
            if (response[i]) {
                positions[k++] = i;
            }
        }
        return positions;
    }

    /** Row {@code b}'s response token ids, in order. */
    public int[] responseIds(int b) {
        int[] positions = responsePositions(b);
        int[] tokens = new int[positions.length];
        for (int k = 0; k < positions.length; k++) {
            tokens[k] = ids[positions[k]];
        }
        return tokens;
    }

    private static int[] filled(int length, int value) {
        int[] array = new int[length];
        Arrays.fill(array, value);
        return array;
    }
}
