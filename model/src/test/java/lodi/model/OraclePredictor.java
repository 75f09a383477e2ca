package lodi.model;

import static org.junit.jupiter.api.Assertions.assertFalse;

import lodi.autograd.Autograd;
import lodi.model.diffusion.MaskPredictor;
import lodi.tensor.Tensor;

/**
 * A fake denoiser that knows the answer: at flat position i its logits are 0 everywhere except
 * {@code margins[i]} at {@code answers[i]}, so the answer's softmax probability grows with the margin.
 * Counts its calls and fails if called with gradients on.
 */
public final class OraclePredictor implements MaskPredictor {
    private final int[] answers;
    private final float[] margins;
    private final int vocab;
    private final boolean timeConditioned;
    private int calls;

    public OraclePredictor(int[] answers, float[] margins, int vocab, boolean timeConditioned) {
        this.answers = answers;
        this.margins = margins;
        this.vocab = vocab;
        this.timeConditioned = timeConditioned;
    }

    @Override
    public Tensor logits(TokenBatch batch, float[] times, int[] positions) {
        assertFalse(Autograd.gradEnabled(), "samplers must call the model under Autograd.noGrad()");
        calls++;
        Tensor out = Tensor.zeros(positions.length, vocab);
        for (int i = 0; i < positions.length; i++) {
            out.set(i * vocab + answers[positions[i]], margins[positions[i]]);
        }
        return out;
    }

    @Override
    public int vocabSize() {
        return vocab;
    }

    @Override
    public boolean timeConditioned() {
        return timeConditioned;
    }

    public int calls() {
        return calls;
    }
}
