package lodi.model.sampling;

import lodi.model.TokenBatch;
import lodi.model.diffusion.MaskPredictor;
import lodi.tensor.Tensor;

/** A fake denoiser that predicts the same logits at every position. */
final class FixedLogits implements MaskPredictor {
    private final float[] row;

    FixedLogits(float[] row) {
        this.row = row;
    }

    @Override
    public Tensor logits(TokenBatch batch, float[] times, int[] positions) {
        Tensor out = Tensor.zeros(positions.length, row.length);
        for (int i = 0; i < positions.length; i++) {
            System.arraycopy(row, 0, out.data(), i * row.length, row.length);
        }
        return out;
    }

    @Override
    public int vocabSize() {
        return row.length;
    }

    @Override
    public boolean timeConditioned() {
        return false;
    }
}
