package lodi.model.sampling;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import lodi.autograd.Autograd;
import lodi.model.TokenBatch;
import lodi.model.diffusion.MaskPredictor;
import lodi.tensor.Tensor;

/**
 * The state both reverse samplers share: the current tokens, which response positions are still masked,
 * the last prediction (reused when nothing was revealed since and the model ignores time), the model-call
 * count and the trace.
 */
final class Denoising {
    private final MaskPredictor model;
    private final TokenBatch start;
    private final int[] ids;
    private final boolean[] masked;
    private final long[] rowKeys;
    private final boolean tracing;
    private final List<SampleResult.TraceStep> trace = new ArrayList<>();
    private int modelCalls;
    private boolean changed = true;
    private Tensor lastLogits;

    /**
     * One row's share of a reverse step: step k of K at {@code time}; {@code positions[from..end)} are the
     * row's still-masked flat positions (its first is {@code rowStart}) and row {@code j} of {@code logits}
     * is the prediction for {@code positions[j]}.
     */
    record RowStep(int k, float time, int row, long rowKey, int rowStart, int[] positions, int from, int end,
            Tensor logits) {
    }

    /** What a sampler reveals in one row at one step. */
    interface Rule {
        Reveals apply(RowStep step);
    }

    Denoising(MaskPredictor model, TokenBatch start, long[] rowKeys, int maskId, boolean tracing) {
        if (rowKeys.length != start.batch()) {
            throw new IllegalArgumentException(rowKeys.length + " row keys for a batch of " + start.batch());
        }
        this.model = model;
        this.start = start;
        this.ids = start.ids().clone();
        this.masked = new boolean[ids.length];
        for (int i = 0; i < ids.length; i++) {
            masked[i] = start.response()[i] && ids[i] == maskId;
        }
        this.rowKeys = rowKeys;
        this.tracing = tracing;
    }

    static void requireSteps(int steps) {
        if (steps < 1) {
            throw new IllegalArgumentException("a sampler needs at least one step, got " + steps);
        }
    }

    /** Runs steps k = K … 1 at time k/K, row by row, until nothing is masked; then returns the result. */
    SampleResult run(int steps, Rule rule) {
        int[] rowOf = start.rowOfPositions();
        for (int k = steps; k >= 1; k--) {
            int[] positions = maskedPositions();
            if (positions.length == 0) {
                break;
            }
            float time = (float) k / steps;
            Tensor logits = predict(positions, time);
            int from = 0;
            while (from < positions.length) {
                int row = rowOf[positions[from]];
                int end = from;
                while (end < positions.length && rowOf[positions[end]] == row) {
                    end++;
                }
                Reveals reveals = rule.apply(new RowStep(k, time, row, rowKeys[row], start.start(row), positions, from,
                        end, logits));
                reveals.forEach(this::reveal);
                if (tracing) {
                    int first = from;
                    int last = end;
                    trace.add(reveals.traceStep(k, time, row, logits,
                            position -> Arrays.binarySearch(positions, first, last, position),
                            model.lastPerturbationNorm(row)));
                }
                from = end;
            }
        }
        return result();
    }

    /** The still-masked flat positions, row-major. */
    private int[] maskedPositions() {
        int count = 0;
        for (boolean m : masked) {
            count += m ? 1 : 0;
        }
        int[] positions = new int[count];
        int k = 0;
        for (int i = 0; i < masked.length; i++) {
            if (masked[i]) {
                positions[k++] = i;
            }
        }
        return positions;
    }

    /** x₀ logits [positions.length, V] at the masked positions, every row at diffusion time {@code time}. */
    private Tensor predict(int[] positions, float time) {
        if (changed || model.timeConditioned()) {
            float[] times = new float[start.batch()];
            Arrays.fill(times, time);
            try (var scope = Autograd.noGrad()) {
                lastLogits = model.logits(start.withIds(ids.clone()), times, positions);
            }
            modelCalls++;
            changed = false;
        }
        return lastLogits;
    }

    private void reveal(int position, int token) {
        ids[position] = token;
        masked[position] = false;
        changed = true;
    }

    private SampleResult result() {
        TokenBatch done = start.withIds(ids.clone());
        int[][] responses = new int[done.batch()][];
        for (int b = 0; b < done.batch(); b++) {
            responses[b] = done.responseIds(b);
        }
        return new SampleResult(done, responses, modelCalls, List.copyOf(trace));
    }
}
