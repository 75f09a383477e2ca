package lodi.model.bert;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * The denoiser's sizes and switches, read from and written to {@code config.json}. BERT's own keys keep
 * HuggingFace's names ({@code hidden_size}, {@code num_hidden_layers}, ...), so a HuggingFace BERT
 * {@code config.json} loads as it is, the diffusion keys taking their defaults.
 *
 * @param timeConditioning where the timestep embedding is added: {@code output} (after the encoder, as in the
 *                         reference design), {@code input} (to the embeddings) or {@code none}
 * @param preLayerNorm     pre-LN layers (LayerNorm before each sub-layer) instead of BERT's post-LN
 * @param tieWordEmbeddings whether the output head's decoder reuses the token embedding matrix
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record DenoiserConfig(
        @JsonProperty("vocab_size") int vocabSize,
        @JsonProperty("hidden_size") int hiddenSize,
        @JsonProperty("num_hidden_layers") int numLayers,
        @JsonProperty("num_attention_heads") int numHeads,
        @JsonProperty("intermediate_size") int intermediateSize,
        @JsonProperty("max_position_embeddings") int maxPositions,
        @JsonProperty("type_vocab_size") int typeVocabSize,
        @JsonProperty("layer_norm_eps") double layerNormEps,
        @JsonProperty("hidden_dropout_prob") double hiddenDropout,
        @JsonProperty("hidden_act") String hiddenAct,
        @JsonProperty("tie_word_embeddings") Boolean tieWordEmbeddings,
        @JsonProperty("pre_layer_norm") Boolean preLayerNorm,
        @JsonProperty("time_conditioning") String timeConditioning,
        @JsonProperty("num_timesteps") Integer numTimesteps) {

    private static final ObjectMapper JSON = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

    public DenoiserConfig {
        hiddenAct = hiddenAct == null ? "gelu" : hiddenAct;
        tieWordEmbeddings = tieWordEmbeddings == null ? Boolean.TRUE : tieWordEmbeddings;
        preLayerNorm = preLayerNorm == null ? Boolean.FALSE : preLayerNorm;
        timeConditioning = timeConditioning == null ? "output" : timeConditioning;
        numTimesteps = numTimesteps == null ? 100 : numTimesteps;
        layerNormEps = layerNormEps == 0 ? 1e-12 : layerNormEps;
        typeVocabSize = typeVocabSize == 0 ? 2 : typeVocabSize;
        validate(vocabSize, hiddenSize, numLayers, numHeads, intermediateSize, maxPositions, hiddenDropout, hiddenAct,
                timeConditioning);
    }

    /** The cpu-small shape: d=128, 4 layers, 4 heads, FFN 512, bert-base-uncased's 30,522-token vocabulary. */
    public static DenoiserConfig cpuSmall() {
        return new DenoiserConfig(30522, 128, 4, 4, 512, 128, 2, 1e-12, 0.1, "gelu", true, false, "output", 100);
    }

    /** all-MiniLM-L6-v2's shape: d=384, 6 layers, 12 heads, FFN 1536, 512 positions, bert-base-uncased's vocabulary. */
    public static DenoiserConfig miniLm() {
        return new DenoiserConfig(30522, 384, 6, 12, 1536, 512, 2, 1e-12, 0.1, "gelu", true, false, "output", 100);
    }

    /** BERT-base sizes (768/12/12/3072), the reference's model. */
    public static DenoiserConfig bertBase() {
        return new DenoiserConfig(30522, 768, 12, 12, 3072, 512, 2, 1e-12, 0.1, "gelu", true, false, "output", 100);
    }

    /** A copy with another vocabulary size (for a vocabulary learnt from the data). */
    public DenoiserConfig withVocabSize(int size) {
        return withSizes(size, hiddenSize, numLayers, numHeads, intermediateSize);
    }

    /** This config with other model sizes, everything else kept; an impossible combination throws as the constructor does. */
    public DenoiserConfig withSizes(int vocab, int hidden, int layers, int heads, int intermediate) {
        return new DenoiserConfig(vocab, hidden, layers, heads, intermediate, maxPositions, typeVocabSize,
                layerNormEps, hiddenDropout, hiddenAct, tieWordEmbeddings, preLayerNorm, timeConditioning, numTimesteps);
    }

    public int headDim() {
        return hiddenSize / numHeads;
    }

    public static DenoiserConfig read(Path file) throws IOException {
        try {
            return JSON.readValue(Files.readString(file), DenoiserConfig.class);
        } catch (JacksonException e) {
            throw new IllegalArgumentException(file + ": not a valid denoiser config (" + e.getOriginalMessage() + ")");
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage());
        }
    }

    /** {@code hidden_act} as the GELU it names: exact (erf) for {@code gelu}, the tanh approximation otherwise. */
    public lodi.autograd.GeluApproximation gelu() {
        return hiddenAct.equals("gelu") ? lodi.autograd.GeluApproximation.ERF : lodi.autograd.GeluApproximation.TANH;
    }

    /** {@code time_conditioning}, parsed. */
    public TimeConditioning timeConditioningKind() {
        return TimeConditioning.parse(timeConditioning);
    }

    public void write(Path file) throws IOException {
        lodi.model.io.AtomicFiles.writeString(file, JSON.writeValueAsString(this));
    }

    private static void validate(int vocabSize, int hiddenSize, int numLayers, int numHeads, int intermediateSize,
                                 int maxPositions, double hiddenDropout, String hiddenAct, String timeConditioning) {
        if (vocabSize < 1 || hiddenSize < 1 || numLayers < 0 || numHeads < 1 || intermediateSize < 1 || maxPositions < 1) {
            throw new IllegalArgumentException("sizes must be positive: vocab_size " + vocabSize + ", hidden_size "
                    + hiddenSize + ", num_hidden_layers " + numLayers + ", num_attention_heads " + numHeads
                    + ", intermediate_size " + intermediateSize + ", max_position_embeddings " + maxPositions);
        }
        if (hiddenSize % numHeads != 0) {
            throw new IllegalArgumentException("hidden_size " + hiddenSize + " is not a multiple of num_attention_heads "
                    + numHeads);
        }
        if (hiddenDropout < 0 || hiddenDropout >= 1) {
            throw new IllegalArgumentException("hidden_dropout_prob must be in [0, 1), got " + hiddenDropout);
        }
        if (!hiddenAct.equals("gelu") && !hiddenAct.equals("gelu_new") && !hiddenAct.equals("gelu_pytorch_tanh")) {
            throw new IllegalArgumentException("hidden_act '" + hiddenAct + "' is not supported (gelu, gelu_new, gelu_pytorch_tanh)");
        }
        TimeConditioning.parse(timeConditioning);
    }
}
