package lodi.model.bert;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import lodi.autograd.Parameter;
import lodi.model.io.Onnx;
import lodi.model.io.Safetensors;
import lodi.tensor.Tensor;

/**
 * Denoiser checkpoints: a folder with {@code config.json} and {@code model.safetensors} (F32 tensors named
 * as in HuggingFace's BertForMaskedLM).
 *
 * <p>{@link #loadBackbone} reads a HuggingFace BERT checkpoint (safetensors or ONNX) into a denoiser: it maps the old
 * {@code LayerNorm.gamma/beta} names, adds a missing {@code bert.} prefix (a bare BertModel), ignores the
 * parts a denoiser has no use for (pooler, next-sentence head, position-id buffer, the tied decoder copy) and
 * leaves the diffusion-only tensors ({@code time_embedding.*}) and a missing MLM head as initialised.
 */
public final class Checkpoints {
    public static final String CONFIG = "config.json";
    public static final String WEIGHTS = "model.safetensors";

    private Checkpoints() {
    }

    /** Writes {@code dir/config.json} and {@code dir/model.safetensors}; each file is replaced atomically. */
    public static void save(Denoiser model, Path dir) throws IOException {
        Files.createDirectories(dir);
        model.config().write(dir.resolve(CONFIG));
        Safetensors.write(dir.resolve(WEIGHTS), model.stateDict(), Map.of("format", "pt", "producer", "lodi"));
    }

    /** A denoiser exactly as saved: every tensor present with its shape, nothing extra. */
    public static Denoiser load(Path dir) throws IOException {
        Path configFile = dir.resolve(CONFIG);
        Path weightsFile = dir.resolve(WEIGHTS);
        if (!Files.isRegularFile(configFile) || !Files.isRegularFile(weightsFile)) {
            throw new IllegalArgumentException(dir + " is not a lodi checkpoint (needs " + CONFIG + " and " + WEIGHTS + ")");
        }
        Denoiser model = new Denoiser(DenoiserConfig.read(configFile), 0);
        Map<String, Tensor> tensors = Safetensors.readWeights(weightsFile);
        try {
            model.loadStateDict(tensors, true);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(weightsFile + ": " + e.getMessage());
        }
        return model;
    }

    /**
     * Loads the tensors of a HuggingFace BERT checkpoint into {@code model}: a {@code .safetensors} file, or an
     * {@code .onnx} export of the encoder ({@link OnnxImport}), which must then supply every encoder tensor.
     * Every tensor the model has in common with the file must match in shape; the names left as initialised are
     * returned.
     *
     * @throws IllegalArgumentException naming the file and every unexpected, missing or misshapen tensor, all at once
     */
    public static List<String> loadBackbone(Denoiser model, Path file) throws IOException {
        if (file.toString().endsWith(".onnx")) {
            Onnx.Graph graph = Onnx.read(file);
            return loadBackbone(model, OnnxImport.huggingFaceTensors(graph, file.toString()), file.toString(), true);
        }
        return loadBackbone(model, Safetensors.readWeights(file), file.toString(), false);
    }

    /**
     * {@link #loadBackbone(Denoiser, Path)} from tensors already read; {@code origin} names their source in errors.
     * With {@code wholeEncoder}, a model tensor under {@code bert.} that the source lacks is an error too.
     */
    public static List<String> loadBackbone(Denoiser model, Map<String, Tensor> tensors, String origin,
                                            boolean wholeEncoder) {
        Map<String, Tensor> renamed = new LinkedHashMap<>();
        for (var entry : tensors.entrySet()) {
            String name = huggingFaceName(entry.getKey());
            if (!ignored(name, model)) {
                renamed.put(name, entry.getValue());
            }
        }
        Map<String, Parameter> own = model.namedParameters();
        List<String> problems = new ArrayList<>();
        for (var entry : renamed.entrySet()) {
            Parameter target = own.get(entry.getKey());
            if (target == null) {
                problems.add("unexpected " + entry.getKey());
            } else if (!target.value().sameShape(entry.getValue())) {
                problems.add("shape mismatch for " + entry.getKey() + ": checkpoint "
                        + java.util.Arrays.toString(entry.getValue().shape()) + ", model "
                        + java.util.Arrays.toString(target.value().shape()));
            }
        }
        if (wholeEncoder) {
            own.keySet().stream().filter(name -> name.startsWith("bert.") && !renamed.containsKey(name))
                    .forEach(name -> problems.add("missing " + name));
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(origin + " does not fit the denoiser: " + String.join("; ", problems));
        }
        model.loadStateDict(renamed, false);
        List<String> initialised = new ArrayList<>();
        for (String name : own.keySet()) {
            if (!renamed.containsKey(name)) {
                initialised.add(name);
            }
        }
        return initialised;
    }

    private static String huggingFaceName(String name) {
        String mapped = name.replace("LayerNorm.gamma", "LayerNorm.weight").replace("LayerNorm.beta", "LayerNorm.bias");
        if (mapped.startsWith("embeddings.") || mapped.startsWith("encoder.") || mapped.startsWith("pooler.")) {
            mapped = "bert." + mapped;
        }
        return mapped;
    }

    private static boolean ignored(String name, Denoiser model) {
        return name.startsWith("bert.pooler.") || name.startsWith("cls.seq_relationship.")
                || name.equals("bert.embeddings.position_ids") || name.equals("cls.predictions.decoder.bias")
                || (name.equals("cls.predictions.decoder.weight") && model.config().tieWordEmbeddings());
    }
}
