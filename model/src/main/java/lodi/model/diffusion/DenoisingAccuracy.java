package lodi.model.diffusion;

import lodi.tensor.Tensor;

/**
 * Token-level denoising accuracy accumulated batch by batch: the share of scored rows whose argmax logit is
 * the target id. Ties go to the lowest id, so the count is deterministic.
 */
public final class DenoisingAccuracy {
    private long correct;
    private long total;

    /** Adds a batch: {@code logits} [N, V] against {@code targets} [N]. */
    public DenoisingAccuracy add(Tensor logits, int[] targets) {
        if (logits.rank() != 2 || logits.rows() != targets.length) {
            throw new IllegalArgumentException("logits " + logits + " do not match " + targets.length + " targets");
        }
        for (int row = 0; row < targets.length; row++) {
            if (argmax(logits, row) == targets[row]) {
                correct++;
            }
        }
        total += targets.length;
        return this;
    }

    /** The id with the largest logit in {@code row} of a [N, V] tensor (lowest id on ties). */
    public static int argmax(Tensor logits, int row) {
        int vocab = logits.cols();
        float[] data = logits.data();
        int base = logits.offset() + row * vocab;
        int best = 0;
        for (int v = 1; v < vocab; v++) {
            if (data[base + v] > data[base + best]) {
                best = v;
            }
        }
        return best;
    }

    public long correct() {
        return correct;
    }

    public long total() {
        return total;
    }

    /** correct / total, or NaN before anything was added. */
    public double accuracy() {
        return total == 0 ? Double.NaN : (double) correct / total;
    }
}
