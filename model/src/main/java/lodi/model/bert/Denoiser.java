package lodi.model.bert;

import java.util.List;
import lodi.autograd.Autograd;
import lodi.autograd.ElementwiseOps;
import lodi.autograd.GeluApproximation;
import lodi.autograd.LayerNorm;
import lodi.autograd.Linear;
import lodi.autograd.LossOps;
import lodi.autograd.MatrixOps;
import lodi.autograd.Module;
import lodi.autograd.ModuleList;
import lodi.autograd.Parameter;
import lodi.autograd.RandomOps;
import lodi.autograd.ShapeOps;
import lodi.autograd.Variable;
import lodi.model.TokenBatch;
import lodi.model.diffusion.MaskPredictor;
import lodi.tensor.Tensor;

/**
 * The BERT-style bidirectional denoiser of a masked-diffusion language model: embeddings, N transformer
 * layers, a timestep embedding added to the hidden states, and an output head that runs only on the rows
 * being scored.
 *
 * <p>Parameter names follow HuggingFace's BertForMaskedLM ({@code bert.embeddings.word_embeddings.weight},
 * {@code bert.encoder.layer.0.attention.self.query.weight}, {@code cls.predictions.transform.dense.weight},
 * {@code cls.predictions.bias}, ...), so a HuggingFace BERT checkpoint loads as the backbone; the diffusion
 * parts ({@code time_embedding.*}) are lodi's own.
 *
 * <p>B = batch rows, T = flat positions ({@link TokenBatch}), D = hidden size, N = scored positions, V = vocabulary.
 */
public final class Denoiser extends Module implements MaskPredictor {
    private final DenoiserConfig config;
    private final BertEmbeddings embeddings;
    private final ModuleList<BertLayer> layers;
    private final LayerNorm finalNorm;
    private final TimestepEmbedding timeEmbedding;
    private final Linear transformDense;
    private final LayerNorm transformNorm;
    private final Linear untiedDecoder;
    private final Parameter outputBias;
    private final GeluApproximation gelu;
    private final TimeConditioning timeConditioning;
    private long dropoutSeed;
    private LayerOutputHook layerOutputHook;

    public Denoiser(DenoiserConfig config, long seed) {
        this.config = config;
        this.gelu = config.gelu();
        this.timeConditioning = config.timeConditioningKind();
        int d = config.hiddenSize();
        Module bert = registerModule("bert", new BertLayer.Holder());
        embeddings = bert.registerModule("embeddings", new BertEmbeddings(config, seed, "bert.embeddings"));
        Module encoder = bert.registerModule("encoder", new BertLayer.Holder());
        layers = encoder.registerModule("layer", new ModuleList<>());
        for (int i = 0; i < config.numLayers(); i++) {
            layers.add(new BertLayer(config, seed, "bert.encoder.layer." + i));
        }
        finalNorm = config.preLayerNorm()
                ? encoder.registerModule("final_LayerNorm", new LayerNorm(d, (float) config.layerNormEps()))
                : null;
        timeEmbedding = timeConditioning == TimeConditioning.NONE ? null
                : registerModule("time_embedding", new TimestepEmbedding(d, seed, "time_embedding"));
        Module predictions = registerModule("cls", new BertLayer.Holder())
                .registerModule("predictions", new BertLayer.Holder());
        Module transform = predictions.registerModule("transform", new BertLayer.Holder());
        transformDense = transform.registerModule("dense", BertInit.linear(d, d, seed, "cls.predictions.transform.dense"));
        transformNorm = transform.registerModule("LayerNorm", new LayerNorm(d, (float) config.layerNormEps()));
        untiedDecoder = config.tieWordEmbeddings() ? null
                : predictions.registerModule("decoder", withoutBias(d, config.vocabSize(), seed));
        outputBias = predictions.registerParameter("bias", Tensor.zeros(config.vocabSize()));
    }

    public DenoiserConfig config() {
        return config;
    }

    /** The transformer layers, for methods that insert adapters or low-rank updates. */
    public List<BertLayer> layers() {
        return layers.items();
    }

    /** The seed of this step's dropout masks; the training loop sets a new one every step. */
    public void setDropoutSeed(long seed) {
        dropoutSeed = seed;
    }

    /** Runs {@code hook} on every layer's output (null: none); the method that sets it owns its parameters. */
    public void setLayerOutputHook(LayerOutputHook hook) {
        layerOutputHook = hook;
    }

    /** This step's dropout seed (modules attached to the denoiser draw their masks from it too). */
    public long dropoutSeed() {
        return dropoutSeed;
    }

    /**
     * The final hidden states [T, D]: the encoder's output (each layer's passed through the layer-output hook, when
     * one is set) with the timestep embedding added (where the config says). {@code times[b]} ∈ [0, 1] is row b's
     * diffusion time; it is embedded as the step t·T.
     */
    public Variable hidden(TokenBatch batch, float[] times) {
        Variable perRowTime = timeEmbedding == null ? null : broadcastRows(timeEmbedding.forward(steps(times)), batch);
        Variable x = embeddings.forward(batch);
        if (perRowTime != null && timeConditioning == TimeConditioning.INPUT) {
            x = ElementwiseOps.add(x, perRowTime);
        }
        x = RandomOps.dropout(embeddings.norm.forward(x), (float) config.hiddenDropout(), dropoutSeed,
                BertInit.stream("bert.embeddings"), isTraining());
        for (int i = 0; i < layers.size(); i++) {
            x = layers.get(i).forward(x, batch.sequences(), dropoutSeed);
            if (layerOutputHook != null) {
                x = layerOutputHook.apply(i, x, batch, times);
            }
        }
        if (finalNorm != null) {
            x = finalNorm.forward(x);
        }
        if (perRowTime != null && timeConditioning == TimeConditioning.OUTPUT) {
            x = ElementwiseOps.add(x, perRowTime);
        }
        return x;
    }

    /** The output head on the scored rows only: hidden [T, D], flat positions [N] → logits [N, V]. */
    public Variable logits(Variable hidden, int[] positions) {
        return head(ShapeOps.gatherRows(hidden, positions));
    }

    /** The output head on already selected hidden rows [N, D] → logits [N, V]. */
    public Variable head(Variable selected) {
        return MatrixOps.linear(transform(selected), decoder(), outputBias);
    }

    /**
     * The training loss on the scored rows, {@code LossOps.crossEntropy(logits(hidden, positions), targets,
     * weights, divisor)} with the same bits, through {@link LossOps#linearCrossEntropy} so that the [N, V]
     * logits and their gradient are never allocated as tensors.
     */
    public Variable loss(Variable hidden, int[] positions, int[] targets, float[] weights, float divisor) {
        return headLoss(ShapeOps.gatherRows(hidden, positions), targets, weights, divisor);
    }

    /** {@link #loss} on already selected hidden rows [N, D]: the same bits as crossEntropy of {@link #head}. */
    public Variable headLoss(Variable selected, int[] targets, float[] weights, float divisor) {
        return LossOps.linearCrossEntropy(transform(selected), decoder(), outputBias, targets, weights, divisor);
    }

    /** The head's transform before the decoder: dense, activation, LayerNorm, [N, D] → [N, D]. */
    private Variable transform(Variable selected) {
        return transformNorm.forward(ElementwiseOps.gelu(transformDense.forward(selected), gelu));
    }

    /** The decoder weight [V, D]: the word embeddings when tied. */
    private Parameter decoder() {
        return untiedDecoder == null ? embeddings.wordEmbeddings.weight() : untiedDecoder.weight();
    }

    @Override
    public Tensor logits(TokenBatch batch, float[] times, int[] positions) {
        boolean wasTraining = isTraining();
        eval();
        try (var scope = Autograd.noGrad()) {
            return logits(hidden(batch, times), positions).value();
        } finally {
            train(wasTraining);
        }
    }

    @Override
    public int vocabSize() {
        return config.vocabSize();
    }

    @Override
    public boolean timeConditioned() {
        return timeEmbedding != null;
    }

    private float[] steps(float[] times) {
        float[] steps = new float[times.length];
        for (int b = 0; b < times.length; b++) {
            steps[b] = times[b] * config.numTimesteps();
        }
        return steps;
    }

    /** perRow [B, D] → [T, D], row b's vector at each of its positions (padding takes row 0's: never read). */
    private static Variable broadcastRows(Variable perRow, TokenBatch batch) {
        int[] rowOf = batch.rowOfPositions();
        for (int i = 0; i < rowOf.length; i++) {
            rowOf[i] = Math.max(rowOf[i], 0);
        }
        return ShapeOps.gatherRows(perRow, rowOf);
    }

    private static Linear withoutBias(int d, int vocab, long seed) {
        Linear decoder = new Linear(d, vocab, false, seed, BertInit.stream("cls.predictions.decoder"));
        decoder.weight().value().copyFrom(lodi.autograd.Init.normal(seed,
                BertInit.stream("cls.predictions.decoder.weight"), BertInit.STD, vocab, d));
        return decoder;
    }
}
