package lodi.glue.experiment;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import lodi.glue.data.DataException;
import lodi.glue.data.GlueData;
import lodi.glue.data.JsonFiles;
import lodi.model.tokenizer.Vocabulary;
import lodi.peft.Peft;
import lodi.peft.PeftMethod;
import lodi.peft.PeftModel;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A finished run folder opened again: its configuration, vocabulary, method, seed and base, and its trained
 * model (the base with the method applied and the saved trainable weights loaded).
 *
 * @param dataFingerprint the content fingerprint of the data it was trained on ({@code GlueData.fingerprint})
 */
public record TrainedRun(Path dir, ExperimentConfig config, Vocabulary vocabulary, PeftMethod method, int seed,
                         BaseModel base, String dataFingerprint) {

    public static TrainedRun open(Path dir) throws IOException {
        Path configFile = dir.resolve("config.json");
        if (!Files.isRegularFile(configFile) || !Files.isRegularFile(dir.resolve("adapter_model.safetensors"))) {
            throw new DataException(dir + " is not a finished run folder (needs config.json and adapter_model.safetensors;"
                    + " run 'lodi train' or 'lodi reproduce' first)");
        }
        ObjectNode tree = (ObjectNode) JsonFiles.readObject(configFile,
                "the run folder is damaged: train it again into a fresh --outputs");
        JsonNode run = tree.remove("run");
        if (run == null || !(tree.get("data") instanceof ObjectNode data)) {
            throw new DataException(configFile + ": not a run's config.json (no \"run\" or \"data\" section)");
        }
        data.remove("description");
        String fingerprint = data.path("fingerprint").asString(null);
        data.remove("fingerprint");
        ExperimentConfig config = Presets.convert(tree, configFile.toString());
        Vocabulary vocabulary = Vocabulary.read(dir.resolve(run.path("vocabulary").asString()));
        BaseModel base = BaseModel.fromJson(run.path("base_model"), config.model().withVocabSize(vocabulary.size()), dir);
        return new TrainedRun(dir, config, vocabulary, PeftMethod.parse(run.path("method").asString()),
                run.path("seed").intValue(), base, fingerprint);
    }

    /**
     * The run's experiment on its own data: read from {@code glueDir} when given (the data moved), else from where
     * it was; it must be the very data the run was trained on.
     */
    public Experiment experiment(Path glueDir, PrintWriter out) throws IOException {
        ExperimentConfig.Data settings = config.data();
        if (glueDir != null) {
            if (settings.synthetic()) {
                throw new ConfigurationException("--glue-dir: " + dir + " was trained on synthetic data, which is"
                        + " generated, not read");
            }
            settings = new ExperimentConfig.Data(false, glueDir.toString(), settings.syntheticTrain(),
                    settings.syntheticDev(), settings.labelNoise(), settings.seed(), settings.trainCaps(),
                    settings.skipBadRows());
        }
        GlueData data = Experiment.loadData(settings, out);
        if (dataFingerprint != null && !dataFingerprint.equals(data.fingerprint())) {
            throw new DataException(data.description() + " is not the data " + dir + " was trained on (fingerprint "
                    + data.fingerprint() + ", the run's " + dataFingerprint + "); pass --glue-dir with the run's data");
        }
        return new Experiment(config, data, vocabulary);
    }

    /** The run's encoder (its vocabulary's tokenizer, prompts and label words). */
    public Encoder encoder() {
        return new Encoder(new lodi.model.tokenizer.WordPieceTokenizer(vocabulary));
    }

    /** The run's own sampler; {@code trace} records every step. */
    public lodi.model.sampling.Sampler sampler(Encoder encoder, boolean trace) {
        return Experiment.sampler(config.sampler(), Experiment.schedule(config.diffusion()), encoder, trace);
    }

    /** The trained model, in evaluation mode. */
    public PeftModel model() throws IOException {
        PeftModel model = Peft.apply(base.load(), config.peftConfig(method), seed);
        model.loadTrainable(dir);
        model.train(false);
        return model;
    }
}
