package lodi.model;

import java.util.List;
import lodi.model.diffusion.MaskPredictor;
import lodi.tensor.Tensor;

/**
 * A count-table denoiser: predicts a masked token from its left neighbour with log(count + 1) logits of
 * the bigrams seen in training sequences; with a masked left neighbour it predicts from unigram counts.
 */
public final class BigramPredictor implements MaskPredictor {
    private final int vocab;
    private final int maskId;
    private final double[][] bigrams;
    private final double[] unigrams;

    public BigramPredictor(List<int[]> sequences, int vocab, int maskId) {
        this.vocab = vocab;
        this.maskId = maskId;
        this.bigrams = new double[vocab][vocab];
        this.unigrams = new double[vocab];
        for (int[] sequence : sequences) {
            for (int i = 0; i < sequence.length; i++) {
                unigrams[sequence[i]]++;
                if (i > 0) {
                    bigrams[sequence[i - 1]][sequence[i]]++;
                }
            }
        }
    }

    @Override
    public Tensor logits(TokenBatch batch, float[] times, int[] positions) {
        Tensor out = Tensor.zeros(positions.length, vocab);
        int[] inRow = batch.positionsInRow();
        for (int i = 0; i < positions.length; i++) {
            int column = inRow[positions[i]];
            int left = column == 0 ? maskId : batch.ids()[positions[i] - 1];
            double[] counts = left == maskId ? unigrams : bigrams[left];
            for (int v = 0; v < vocab; v++) {
                out.set(i * vocab + v, (float) Math.log(counts[v] + 1));
            }
        }
        return out;
    }

    @Override
    public int vocabSize() {
        return vocab;
    }

    @Override
    public boolean timeConditioned() {
        return false;
    }
}
