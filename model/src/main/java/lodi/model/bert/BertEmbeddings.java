package lodi.model.bert;

import lodi.autograd.ElementwiseOps;
import lodi.autograd.Embedding;
import lodi.autograd.LayerNorm;
import lodi.autograd.Module;
import lodi.autograd.Variable;
import lodi.model.TokenBatch;

/**
 * Token + position + segment embeddings (HuggingFace's {@code bert.embeddings}); LayerNorm and dropout are
 * applied by the caller after the optional timestep embedding is added.
 */
final class BertEmbeddings extends Module {
    final Embedding wordEmbeddings;
    final Embedding positionEmbeddings;
    final Embedding tokenTypeEmbeddings;
    final LayerNorm norm;

    BertEmbeddings(DenoiserConfig config, long seed, String name) {
        int d = config.hiddenSize();
        wordEmbeddings = registerModule("word_embeddings", BertInit.embedding(config.vocabSize(), d, seed, name + ".word_embeddings"));
        positionEmbeddings = registerModule("position_embeddings",
                BertInit.embedding(config.maxPositions(), d, seed, name + ".position_embeddings"));
        tokenTypeEmbeddings = registerModule("token_type_embeddings",
                BertInit.embedding(config.typeVocabSize(), d, seed, name + ".token_type_embeddings"));
        norm = registerModule("LayerNorm", new LayerNorm(d, (float) config.layerNormEps()));
    }

    /** The batch's ids [T] → summed embeddings [T, D]; positions count from 0 in each row. */
    Variable forward(TokenBatch batch) {
        if (batch.longestRow() > positionEmbeddings.weight().value().dim(0)) {
            throw new IllegalArgumentException("sequence length " + batch.longestRow() + " exceeds max_position_embeddings "
                    + positionEmbeddings.weight().value().dim(0));
        }
        int[] positions = batch.positionsInRow();
        Variable words = wordEmbeddings.forward(batch.ids());
        Variable sum = ElementwiseOps.add(words, positionEmbeddings.forward(positions));
        return ElementwiseOps.add(sum, tokenTypeEmbeddings.forward(batch.segments()));
    }
}
