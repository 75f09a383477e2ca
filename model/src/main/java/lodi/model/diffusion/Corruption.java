package lodi.model.diffusion;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import lodi.model.SpecialTokens;
import lodi.model.TokenBatch;
import lodi.tensor.CounterRng;

/**
 * The forward (noising) process: draws a time per example and replaces tokens by [MASK] with probability
 * 1 − ᾱ(time), independently.
 *
 * <p>Which tokens may be masked: {@link #conditional} corrupts only response tokens (the prompt is the
 * condition and is always visible); {@link #unconditional} corrupts every token of a plain-text row that is
 * not special ([CLS], [SEP], [PAD], [UNK], [MASK]); {@link #joint} corrupts both, the non-special prompt
 * tokens and every response position including its [PAD]s, so a model learns the prompt and the response
 * together (pretraining on task-formatted text); a share of its rows, drawn per example, may instead be
 * corrupted conditionally, so the model also practises answering from a whole prompt. Conditional corruption
 * may likewise give a share of its rows, drawn per example, time 1 and the whole response masked: the state
 * candidate scoring and generation start from, which a uniformly drawn time reaches only now and then (a
 * response's tokens are masked independently, so a five-token label word is wholly masked in about a quarter of
 * rows under the cosine schedule).
 * Every example gets at least one masked token, so every example contributes to the loss: when a draw masks
 * nothing, the mask is re-drawn (same time, fresh randomness) up to {@value #MAX_REDRAWS} times, after which
 * one candidate token chosen uniformly is masked.
 * At tiny mask rates (cosine t = 1 masks 0.06% of tokens) this makes the effective rate a little higher
 * than 1 − ᾱ; that is the price of never wasting an example.
 *
 * <p>Randomness is a pure function of (seed, example id, draw, purpose) through {@link CounterRng}: an
 * example's corruption depends neither on the batch it sits in nor on the thread count. The k-th candidate
 * token of an example is keyed by k, so truncating a prompt does not change its response's mask.
 * {@link #training} keys by a caller-chosen {@code draw} (e.g. the epoch or global step, so an example gets a
 * fresh mask each time it is seen); {@link #evaluation} uses a fixed seed and draw, so an example with the
 * same stable id gets the same time and mask in every evaluation, for every method and training seed.
 */
public final class Corruption {
    /** Re-draws of an all-clean mask before one token is forced. */
    public static final int MAX_REDRAWS = 8;
    /** The seed of {@link #evaluation}. */
    public static final long EVALUATION_SEED = 0x10D1_E7A1L;

    private static final int PURPOSE_TIME = 0;
    private static final int PURPOSE_MASK = 1;
    private static final int PURPOSE_FORCE = 2;
    private static final int PURPOSE_MODE = 3;
    private static final int PURPOSE_WHOLE_RESPONSE = 4;
    /** The seed of {@link #reference}. */
    private static final long REFERENCE_SEED = 0x5EF_E7A1L;

    private final NoiseSchedule schedule;
    private final SpecialTokens special;
    private final boolean prompt;
    private final boolean response;
    private final double conditionalShare;
    private final double wholeResponseShare;

    private Corruption(NoiseSchedule schedule, SpecialTokens special, boolean prompt, boolean response,
                       double conditionalShare, double wholeResponseShare) {
        this.schedule = schedule;
        this.special = special;
        this.prompt = prompt;
        this.response = response;
        this.conditionalShare = conditionalShare;
        this.wholeResponseShare = wholeResponseShare;
    }

    /** Corrupts response tokens only. */
    public static Corruption conditional(NoiseSchedule schedule, SpecialTokens special) {
        return conditional(schedule, special, 0);
    }

    /**
     * {@link #conditional}, except that each example is given time 1 and its whole response masked with probability
     * {@code wholeResponseShare}.
     */
    public static Corruption conditional(NoiseSchedule schedule, SpecialTokens special, double wholeResponseShare) {
        requireShare("whole-response", wholeResponseShare);
        return new Corruption(schedule, special, false, true, 0, wholeResponseShare);
    }

    /** Corrupts every non-special token (plain-text pre-training style). */
    public static Corruption unconditional(NoiseSchedule schedule, SpecialTokens special) {
        return new Corruption(schedule, special, true, false, 0, 0);
    }

    /** Corrupts every non-special token and every response position, [PAD]s included. */
    public static Corruption joint(NoiseSchedule schedule, SpecialTokens special) {
        return joint(schedule, special, 0);
    }

    /**
     * {@link #joint}, except that each example is corrupted {@link #conditional}ly (its prompt kept whole) with
     * probability {@code conditionalShare}.
     */
    public static Corruption joint(NoiseSchedule schedule, SpecialTokens special, double conditionalShare) {
        requireShare("conditional", conditionalShare);
        return new Corruption(schedule, special, true, true, conditionalShare, 0);
    }

    private static void requireShare(String name, double share) {
        if (!(share >= 0 && share <= 1)) {
            throw new IllegalArgumentException("the " + name + " share must lie in [0, 1], got " + share);
        }
    }

    public NoiseSchedule schedule() {
        return schedule;
    }

    /**
     * The result of corrupting a batch.
     *
     * @param batch     the corrupted batch (same layout, masked ids)
     * @param positions the scored flat positions [N] (exactly the masked ones), row-major order
     * @param targets   the clean token id at each scored position [N]
     * @param times     the diffusion time of each example [B], in (0, 1]
     * @param weights   the ELBO loss weight of each scored row [N] ({@link NoiseSchedule#elboWeight} of its
     *                  example's time); a trainer may use them or weigh rows uniformly
     */
    public record Corrupted(TokenBatch batch, int[] positions, int[] targets, float[] times, float[] weights) {

        /**
         * 1/(masked tokens of its row) at each scored position [N]: every row's weights sum to 1, so with the number
         * of rows as divisor each row counts the same, however many of its tokens are masked.
         */
        public float[] perRowWeights() {
            int[] rowOf = batch.rowOfPositions();
            int[] masked = new int[batch.batch()];
            for (int position : positions) {
                masked[rowOf[position]]++;
            }
            float[] perRow = new float[positions.length];
            for (int n = 0; n < positions.length; n++) {
                perRow[n] = 1f / masked[rowOf[positions[n]]];
            }
            return perRow;
        }
    }

    /** A training corruption: fresh for each {@code (seed, draw)}, keyed per example by {@code exampleIds}. */
    public Corrupted training(TokenBatch clean, long[] exampleIds, long seed, long draw) {
        return corrupt(clean, exampleIds, seed, draw);
    }

    /** The evaluation corruption: a fixed seed, so the same example id always gets the same time and mask. */
    public Corrupted evaluation(TokenBatch clean, long[] exampleIds) {
        return corrupt(clean, exampleIds, EVALUATION_SEED, 0);
    }

    /**
     * The published experiment's token-level evaluation, for comparison with its figures: the target is
     * {@code [CLS] label-word [SEP]} (row b's first position, its response tokens that are not [PAD], and its
     * closing [SEP]), each of these masked independently with probability 1 − ᾱ(t) at a per-example time t (a fixed
     * seed), with no re-draw, so an example may contribute nothing. Unlike {@link #evaluation} it scores the
     * trivially predictable [CLS] and [SEP] and skips the response's [PAD]s.
     */
    public Corrupted reference(TokenBatch clean, long[] exampleIds) {
        int[] ids = clean.ids().clone();
        float[] times = new float[clean.batch()];
        List<Integer> positions = new ArrayList<>();
        for (int b = 0; b < clean.batch(); b++) {
            int from = clean.start(b);
            int last = from + clean.lengths()[b] - 1;
            double time = schedule.sampleTime(CounterRng.uniform(REFERENCE_SEED, stream(exampleIds[b], 0, PURPOSE_TIME, 0), 0));
            times[b] = (float) time;
            int[] target = IntStream.rangeClosed(from, last)
                    .filter(i -> i == from || i == last || (clean.response()[i] && clean.ids()[i] != special.pad()))
                    .toArray();
            long stream = stream(exampleIds[b], 0, PURPOSE_MASK, 0);
            for (int k = 0; k < target.length; k++) {
                if (CounterRng.uniform(REFERENCE_SEED, stream, k) < schedule.maskProbability(time)) {
                    positions.add(target[k]);
                }
            }
        }
        int[] scored = positions.stream().mapToInt(Integer::intValue).toArray();
        int[] targets = new int[scored.length];
        float[] weights = new float[scored.length];
        for (int n = 0; n < scored.length; n++) {
            targets[n] = ids[scored[n]];
            weights[n] = 1;
            ids[scored[n]] = special.mask();
        }
        return new Corrupted(clean.withIds(ids), scored, targets, times, weights);
    }

    private Corrupted corrupt(TokenBatch clean, long[] exampleIds, long seed, long draw) {
        if (exampleIds.length != clean.batch()) {
            throw new IllegalArgumentException(exampleIds.length + " example ids for a batch of " + clean.batch());
        }
        int[] ids = clean.ids().clone();
        boolean[] masked = new boolean[ids.length];
        float[] times = new float[clean.batch()];
        float[] rowWeights = new float[clean.batch()];
        for (int b = 0; b < clean.batch(); b++) {
            boolean wholePrompt = conditionalShare > 0
                    && CounterRng.uniform(seed, stream(exampleIds[b], draw, PURPOSE_MODE, 0), 0) < conditionalShare;
            int[] candidates = candidates(clean, b, prompt && !wholePrompt);
            if (candidates.length == 0) {
                throw new IllegalArgumentException("example " + exampleIds[b] + " (row " + b + ") has no "
                        + (prompt && !wholePrompt ? "non-special" : "response") + " token to mask");
            }
            boolean wholeResponse = wholeResponseShare > 0 && CounterRng.uniform(seed,
                    stream(exampleIds[b], draw, PURPOSE_WHOLE_RESPONSE, 0), 0) < wholeResponseShare;
            double time = wholeResponse ? 1 : schedule.sampleTime(
                    CounterRng.uniform(seed, stream(exampleIds[b], draw, PURPOSE_TIME, 0), 0));
            times[b] = (float) time;
            rowWeights[b] = (float) schedule.elboWeight(time);
            if (wholeResponse) {
                for (int candidate : candidates) {
                    masked[candidate] = true;
                }
            } else {
                maskRow(candidates, schedule.maskProbability(time), seed, exampleIds[b], draw, masked);
            }
        }
        int count = 0;
        for (boolean m : masked) {
            count += m ? 1 : 0;
        }
        int[] positions = new int[count];
        int[] targets = new int[count];
        float[] weights = new float[count];
        int n = 0;
        int[] rowOf = clean.rowOfPositions();
        for (int i = 0; i < ids.length; i++) {
            if (masked[i]) {
                positions[n] = i;
                targets[n] = ids[i];
                weights[n] = rowWeights[rowOf[i]];
                ids[i] = special.mask();
                n++;
            }
        }
        return new Corrupted(clean.withIds(ids), positions, targets, times, weights);
    }

    private void maskRow(int[] candidates, double maskProbability, long seed, long exampleId, long draw,
            boolean[] masked) {
        for (int attempt = 0; attempt <= MAX_REDRAWS; attempt++) {
            long stream = stream(exampleId, draw, PURPOSE_MASK, attempt);
            boolean any = false;
            for (int k = 0; k < candidates.length; k++) {
                boolean m = CounterRng.uniform(seed, stream, k) < maskProbability;
                masked[candidates[k]] = m;
                any |= m;
            }
            if (any) {
                return;
            }
        }
        float u = CounterRng.uniform(seed, stream(exampleId, draw, PURPOSE_FORCE, 0), 0);
        masked[candidates[Math.min(candidates.length - 1, (int) (u * candidates.length))]] = true;
    }

    private int[] candidates(TokenBatch clean, int b, boolean promptToo) {
        int from = clean.start(b);
        return IntStream.range(from, from + clean.lengths()[b])
                .filter(i -> clean.response()[i] ? response : promptToo && !special.isSpecial(clean.ids()[i]))
                .toArray();
    }

    private static long stream(long exampleId, long draw, int purpose, int attempt) {
        return CounterRng.bits(exampleId, draw, ((long) purpose << 32) | attempt);
    }
}
