package lodi.model.sampling;

import java.util.Arrays;

/** The reveals one row gets at one step: applied by {@link Denoising}, and kept for the trace. */
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

    interface Reveal {
        void reveal(int position, int token);
    }

    void forEach(Reveal action) {
        for (int i = 0; i < count; i++) {
            action.reveal(positions[i], tokens[i]);
        }
    }

    SampleResult.TraceStep traceStep(int step, float time, int row) {
        return new SampleResult.TraceStep(step, time, row, Arrays.copyOf(positions, count),
                Arrays.copyOf(tokens, count), Arrays.copyOf(confidences, count));
    }
}
