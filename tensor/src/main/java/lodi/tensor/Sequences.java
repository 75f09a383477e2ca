package lodi.tensor;

import java.util.Arrays;

/**
 * Where the sequences of a batch lie among the token rows of a [T, D] operand: sequence b is the rows
 * {@code starts[b] .. starts[b] + lengths[b] − 1}. Sequences follow one another in order and never overlap;
 * rows between them (padding) belong to none, and kernels neither read nor write them. Back-to-back sequences
 * ({@link #packed}) leave no padding at all, FlashAttention's variable-length layout; {@link #padded} is the
 * classic [B, S] layout with each row's real tokens first.
 *
 * <p>Arrays are shared, not copied.
 */
public record Sequences(int[] starts, int[] lengths) {

    public Sequences {
        if (starts.length != lengths.length) {
            throw new IllegalArgumentException(starts.length + " sequence starts but " + lengths.length + " lengths");
        }
        int end = 0;
        for (int b = 0; b < starts.length; b++) {
            if (lengths[b] < 0 || starts[b] < end) {
                throw new IllegalArgumentException("sequence " + b + " (start " + starts[b] + ", length " + lengths[b]
                        + ") overlaps the one before it or has a negative length");
            }
            end = starts[b] + lengths[b];
        }
    }

    /** Sequences of the given lengths back to back from row 0. */
    public static Sequences packed(int[] lengths) {
        int[] starts = new int[lengths.length];
        for (int b = 1; b < lengths.length; b++) {
            starts[b] = starts[b - 1] + lengths[b - 1];
        }
        return new Sequences(starts, lengths);
    }

    /** Sequence b at row b·span, its first {@code lengths[b]} rows real. */
    public static Sequences padded(int span, int[] lengths) {
        int[] starts = new int[lengths.length];
        for (int b = 0; b < lengths.length; b++) {
            if (lengths[b] > span) {
                throw new IllegalArgumentException("sequence " + b + " of length " + lengths[b] + " exceeds its span " + span);
            }
            starts[b] = b * span;
        }
        return new Sequences(starts, lengths);
    }

    /** {@code count} full sequences of {@code length} rows each, back to back. */
    public static Sequences uniform(int count, int length) {
        int[] lengths = new int[count];
        Arrays.fill(lengths, length);
        return packed(lengths);
    }

    public int count() {
        return starts.length;
    }

    /** One past the last row of the last sequence: the operand needs at least this many rows. */
    public int end() {
        return starts.length == 0 ? 0 : starts[starts.length - 1] + lengths[lengths.length - 1];
    }

    /** The longest sequence's length. */
    public int longest() {
        int longest = 0;
        for (int length : lengths) {
            longest = Math.max(longest, length);
        }
        return longest;
    }

    /** Σ lengths: the rows that belong to a sequence. */
    public long tokens() {
        long tokens = 0;
        for (int length : lengths) {
            tokens += length;
        }
        return tokens;
    }
}
