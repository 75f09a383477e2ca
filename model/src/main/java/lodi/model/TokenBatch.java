package lodi.model;

import java.util.Arrays;
import java.util.List;

/**
 * A batch of token sequences padded to a common length, the input of a denoiser.
 *
 * <p>B = batch, S = sequence length. Row {@code b} occupies flat positions {@code b*S .. b*S+S-1}; its
 * first {@code lengths[b]} positions are real and the rest are [PAD]. A conditional row is
 * {@code [CLS] prompt [SEP] response [SEP]}: segment 0 up to and including the first [SEP], segment 1
 * after it (BERT's sentence-B convention, so the closing [SEP] is segment 1). {@code response[i]} marks the
 * response tokens themselves, never [CLS], [SEP] or [PAD]: those are the positions a conditional denoiser
 * corrupts, generates and is scored on. A plain-text row ({@link #plain}) is {@code [CLS] text [SEP]} with
 * no response positions.
 *
 * <p>Arrays are shared, not copied; nothing in lodi mutates a batch after building it (use
 * {@link #withIds} to get a corrupted copy).
 *
 * @param ids       token ids [B·S]
 * @param segments  segment ids [B·S]: 0 prompt, 1 response
 * @param batch     B
 * @param seqLen    S, the longest row of the batch
 * @param lengths   real tokens per row [B]; padding follows them
 * @param response  whether each flat position [B·S] is a response token
 */
public record TokenBatch(int[] ids, int[] segments, int batch, int seqLen, int[] lengths, boolean[] response) {

    public TokenBatch {
        int size = batch * seqLen;
        if (ids.length != size || segments.length != size || response.length != size || lengths.length != batch) {
            throw new IllegalArgumentException("token batch of " + batch + " x " + seqLen + " needs " + size
                    + " ids, segments and response flags and " + batch + " lengths, got " + ids.length + ", "
                    + segments.length + ", " + response.length + " and " + lengths.length);
        }
        for (int length : lengths) {
            if (length < 0 || length > seqLen) {
                throw new IllegalArgumentException("row length " + length + " outside [0, " + seqLen + "]");
            }
        }
    }

    /**
     * Builds {@code [CLS] prompt [SEP] response [SEP]} rows, padded to the longest. When a row exceeds
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
        int seqLen = 0;
        for (int b = 0; b < batch; b++) {
            int responseLength = responses.get(b).length;
            if (responseLength + 3 > maxLength) {
                throw new IllegalArgumentException("row " + b + ": a response of " + responseLength
                        + " tokens plus [CLS], [SEP], [SEP] does not fit the maximum length " + maxLength);
            }
            promptKept[b] = Math.min(prompts.get(b).length, maxLength - 3 - responseLength);
            seqLen = Math.max(seqLen, promptKept[b] + responseLength + 3);
        }
        int[] ids = new int[batch * seqLen];
        int[] segments = new int[batch * seqLen];
        boolean[] response = new boolean[batch * seqLen];
        int[] lengths = new int[batch];
        Arrays.fill(ids, special.pad());
        for (int b = 0; b < batch; b++) {
            int row = b * seqLen;
            int p = row;
            ids[p++] = special.cls();
            System.arraycopy(prompts.get(b), 0, ids, p, promptKept[b]);
            p += promptKept[b];
            ids[p++] = special.sep();
            int[] answer = responses.get(b);
            for (int token : answer) {
                response[p] = true;
                segments[p] = 1;
                ids[p++] = token;
            }
            segments[p] = 1;
            ids[p++] = special.sep();
            lengths[b] = p - row;
        }
        return new TokenBatch(ids, segments, batch, seqLen, lengths, response);
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
        int seqLen = 0;
        for (int[] text : texts) {
            seqLen = Math.max(seqLen, Math.min(text.length, maxLength - 2) + 2);
        }
        int[] ids = new int[batch * seqLen];
        int[] lengths = new int[batch];
        Arrays.fill(ids, special.pad());
        for (int b = 0; b < batch; b++) {
            int kept = Math.min(texts.get(b).length, maxLength - 2);
            int row = b * seqLen;
            ids[row] = special.cls();
            System.arraycopy(texts.get(b), 0, ids, row + 1, kept);
            ids[row + kept + 1] = special.sep();
            lengths[b] = kept + 2;
        }
        return new TokenBatch(ids, new int[batch * seqLen], batch, seqLen, lengths, new boolean[batch * seqLen]);
    }

    /** The same layout with other token ids (a corrupted or partly generated copy). */
    public TokenBatch withIds(int[] newIds) {
        return new TokenBatch(newIds, segments, batch, seqLen, lengths, response);
    }

    /** The flat positions of row {@code b}'s response tokens, in order. */
    public int[] responsePositions(int b) {
        int from = b * seqLen;
        int count = 0;
        for (int i = from; i < from + seqLen; i++) {
            count += response[i] ? 1 : 0;
        }
        int[] positions = new int[count];
        int k = 0;
        for (int i = from; i < from + seqLen; i++) {
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
