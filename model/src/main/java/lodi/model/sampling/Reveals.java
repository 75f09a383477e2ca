package lodi.model.sampling;

import java.util.Arrays;

/** The reveals of one row at one step, collected for the trace. */
final class Reveals {
    private final int[] positions;
    private final int[] tokens;
    private final float[] confidences;
    private int count;

    Reveals(int capacity) {
        positions = new int[capacity];
        tokens = new int[capacity];
        confidences = new float[capacity];
    }

    void add(int position, TokenChoice.Choice choice) {
        positions[count] = position;
        tokens[count] = choice.token();
        confidences[count] = choice.confidence();
        count++;
    }

    void record(Denoising state, int step, float time, int row) {
        state.record(step, time, row, Arrays.copyOf(positions, count), Arrays.copyOf(tokens, count),
                Arrays.copyOf(confidences, count));
    }
}
