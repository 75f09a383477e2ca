package lodi.model.sampling;

import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import lodi.tensor.CounterRng;
import lodi.tensor.Tensor;

/**
 * How a sampler turns a row of x₀ logits into a token: greedy (argmax) or temperature sampling, optionally
 * restricted to a set of allowed ids (e.g. the tokens of the label words).
 *
 * <p>The confidence of a choice is the chosen token's probability under softmax at temperature 1 over the
 * allowed ids, as in LLaDA's low-confidence remasking. Temperature draws are keyed by (seed, row key,
 * step, position) through {@link CounterRng}, so they do not depend on batch composition or threads.
 */
public final class TokenChoice {
    private final float temperature;
    private final long seed;
    private final int[] allowed;

    private TokenChoice(float temperature, long seed, int[] allowed) {
        this.temperature = temperature;
        this.seed = seed;
        this.allowed = allowed;
    }

    /** Always the most likely token (lowest id on ties). */
    public static TokenChoice greedy() {
        return new TokenChoice(0, 0, null);
    }

    /** Samples from softmax(logits / temperature); {@code temperature} must be positive. */
    public static TokenChoice temperature(float temperature, long seed) {
        if (!(temperature > 0)) {
            throw new IllegalArgumentException("sampling temperature must be positive, got " + temperature);
        }
        return new TokenChoice(temperature, seed, null);
    }

    /** The same choice among {@code ids} only. */
    public TokenChoice restrictedTo(int[] ids) {
        if (ids.length == 0) {
            throw new IllegalArgumentException("a token choice restricted to no id at all");
        }
        return new TokenChoice(temperature, seed, Arrays.stream(ids).sorted().distinct().toArray());
    }

    /** The same choice among the ids that occur in {@code candidates} (the label words' tokens). */
    public TokenChoice restrictedToCandidates(List<int[]> candidates) {
        TreeSet<Integer> ids = new TreeSet<>();
        candidates.forEach(candidate -> Arrays.stream(candidate).forEach(ids::add));
        return restrictedTo(ids.stream().mapToInt(Integer::intValue).toArray());
    }

    /** A chosen token and its confidence. */
    public record Choice(int token, float confidence) {
    }

    /** Chooses a token from row {@code row} of {@code logits} [N, V]. */
    public Choice choose(Tensor logits, int row, long rowKey, int step, int position) {
        int vocab = logits.cols();
        float[] data = logits.data();
        int base = logits.offset() + row * vocab;
        int count = allowed == null ? vocab : allowed.length;
        int best = idAt(0);
        for (int k = 1; k < count; k++) {
            int id = idAt(k);
            if (id >= vocab) {
                throw new IllegalArgumentException("allowed token id " + id + " outside a vocabulary of " + vocab);
            }
            if (data[base + id] > data[base + best]) {
                best = id;
            }
        }
        double max = data[base + best];
        double sum = 0;
        for (int k = 0; k < count; k++) {
            sum += Math.exp(data[base + idAt(k)] - max);
        }
        int token = temperature == 0 ? best : draw(data, base, count, max, rowKey, step, position);
        return new Choice(token, (float) (Math.exp(data[base + token] - max) / sum));
    }

    private int draw(float[] data, int base, int count, double max, long rowKey, int step, int position) {
        double total = 0;
        for (int k = 0; k < count; k++) {
            total += Math.exp((data[base + idAt(k)] - max) / temperature);
        }
        double target = CounterRng.uniform(seed, CounterRng.bits(rowKey, step, 0), position) * total;
        double cumulative = 0;
        for (int k = 0; k < count - 1; k++) {
            cumulative += Math.exp((data[base + idAt(k)] - max) / temperature);
            if (target < cumulative) {
                return idAt(k);
            }
        }
        return idAt(count - 1);
    }

    private int idAt(int k) {
        return allowed == null ? k : allowed[k];
    }
}
