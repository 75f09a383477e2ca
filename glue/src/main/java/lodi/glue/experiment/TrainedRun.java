package lodi.glue.experiment;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import lodi.glue.data.DataException;
import lodi.model.tokenizer.Vocabulary;
import lodi.peft.Peft;
import lodi.peft.PeftMethod;
import lodi.peft.PeftModel;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A finished run folder opened again: its configuration, vocabulary, method, seed and base, and its trained
 * model (the base with the method applied and the saved trainable weights loaded).
 */
public record TrainedRun(Path dir, ExperimentConfig config, Vocabulary vocabulary, PeftMethod method, int seed,
                         BaseModel base) {

    public static TrainedRun open(Path dir) throws IOException {
        Path configFile = dir.resolve("config.json");
        if (!Files.isRegularFile(configFile) || !Files.isRegularFile(dir.resolve("adapter_model.safetensors"))) {
            throw new DataException(dir + " is not a finished run folder (needs config.json and adapter_model.safetensors;"
                    + " run 'lodi train' or 'lodi reproduce' first)");
        }
        ObjectNode tree = (ObjectNode) Presets.JSON.readTree(Files.readString(configFile));
        JsonNode run = tree.remove("run");
        ((ObjectNode) tree.get("data")).remove("description");
        ExperimentConfig config = Presets.convert(tree, configFile.toString());
        Vocabulary vocabulary = Vocabulary.read(dir.resolve(run.path("vocabulary").asString()));
        BaseModel base = BaseModel.fromJson(run.path("base_model"), config.model().withVocabSize(vocabulary.size()));
        return new TrainedRun(dir, config, vocabulary, PeftMethod.parse(run.path("method").asString()),
                run.path("seed").intValue(), base);
    }

    /** The trained model, in evaluation mode. */
    public PeftModel model() throws IOException {
        PeftModel model = Peft.apply(base.load(), config.peftConfig(method), seed);
        model.loadTrainable(dir);
        model.train(false);
        return model;
    }
}
