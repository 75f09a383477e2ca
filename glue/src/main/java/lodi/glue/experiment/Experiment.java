package lodi.glue.experiment;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import lodi.glue.data.DataException;
import lodi.glue.data.Example;
import lodi.glue.data.GlueData;
import lodi.glue.data.ReadReport;
import lodi.glue.data.SyntheticGlue;
import lodi.glue.data.Task;
import lodi.model.bert.DenoiserConfig;
import lodi.model.diffusion.Corruption;
import lodi.model.diffusion.NoiseSchedule;
import lodi.model.sampling.AncestralSampler;
import lodi.model.sampling.LowConfidenceSampler;
import lodi.model.sampling.Sampler;
import lodi.model.sampling.TokenChoice;
import lodi.model.tokenizer.Vocabulary;
import lodi.model.tokenizer.VocabularyBuilder;
import lodi.model.tokenizer.WordPieceTokenizer;

/**
 * An experiment ready to run: its configuration, its data (encoded), its vocabulary, and the pieces every run
 * shares (noise schedule, corruption, sampler, the model shape with the vocabulary's size).
 */
public final class Experiment {
    private final ExperimentConfig config;
    private final GlueData data;
    private final Vocabulary vocabulary;
    private final Encoder encoder;
    private final Map<Task, List<Encoder.Encoded>> train = new EnumMap<>(Task.class);
    private final List<Encoder.Encoded> dev = new ArrayList<>();
    private final NoiseSchedule schedule;
    private final ProgressReporter progress;
    private String dataFingerprint;

    public Experiment(ExperimentConfig config, GlueData data, Vocabulary vocabulary) {
        this(config, data, vocabulary, ProgressReporter.NONE);
    }

    /** An experiment whose long work (pretraining, runs, evaluations) reports to {@code progress}. */
    public Experiment(ExperimentConfig config, GlueData data, Vocabulary vocabulary, ProgressReporter progress) {
        this.config = config;
        this.progress = progress;
        this.data = data;
        this.vocabulary = vocabulary;
        this.encoder = new Encoder(new WordPieceTokenizer(vocabulary));
        for (Task task : data.tasks()) {
            train.put(task, encoder.encodeAll(data.train(task), cap(config.data().trainCaps(), task), false));
            List<Encoder.Encoded> taskDev = encoder.encodeAll(data.dev(task), cap(config.training().evalCaps(), task), true);
            if (train.get(task).isEmpty() || taskDev.isEmpty()) {
                // a task without rows would train on nothing or drop out of every table without a word
                throw new DataException(task.directoryName() + " has no " + (train.get(task).isEmpty() ? "training" : "validation")
                        + " examples in " + data.description() + "; every task needs both (check the files, or"
                        + " --skip-bad-rows skipped them all)");
            }
            dev.addAll(taskDev);
        }
        this.schedule = schedule(config.diffusion());
    }

    /** Reads or generates the data and reads or learns the vocabulary, printing what it did. */
    public static Experiment load(ExperimentConfig config, PrintWriter out) throws IOException {
        return load(config, out, ProgressReporter.NONE);
    }

    /** As {@link #load(ExperimentConfig, PrintWriter)}, long work reporting to {@code progress}. */
    public static Experiment load(ExperimentConfig config, PrintWriter out, ProgressReporter progress) throws IOException {
        GlueData data = loadData(config.data(), out);
        return new Experiment(config, data, vocabulary(config, data), progress);
    }

    /** The data a configuration names (for GLUE files, each file's read report is printed). */
    public static GlueData loadData(ExperimentConfig.Data settings, PrintWriter out) {
        if (settings.synthetic()) {
            SyntheticGlue.Sizes sizes = new SyntheticGlue.Sizes(perTask(settings.syntheticTrain()), perTask(settings.syntheticDev()));
            return GlueData.synthetic(sizes, settings.seed(), settings.labelNoise());
        }
        if (settings.glueDir() == null || settings.glueDir().isBlank()) {
            throw new ConfigurationException("this preset reads real GLUE files: pass --glue-dir DIR (e.g. ../shared/glue-cpu),"
                    + " or use the synthetic 'demo' preset");
        }
        GlueData data = GlueData.load(Path.of(settings.glueDir()), java.util.EnumSet.allOf(Task.class),
                settings.skipsBadRows());
        for (ReadReport report : data.reports()) {
            out.println(report.summary());
        }
        return data;
    }

    private static Vocabulary vocabulary(ExperimentConfig config, GlueData data) throws IOException {
        var settings = config.vocabulary();
        if (settings.source() == Choices.VocabularySource.MINILM) {
            return lodi.model.bert.MiniLm.vocabulary();
        }
        if (!settings.learnt()) {
            if (settings.file() == null) {
                throw new ConfigurationException("this preset needs a WordPiece vocabulary: pass --vocab FILE"
                        + " (bert-base-uncased's vocab.txt), or use a preset with a learnt vocabulary (demo)");
            }
            Path file = Path.of(settings.file());
            if (!java.nio.file.Files.isRegularFile(file)) {
                throw new DataException(file + ": no such vocabulary file (pass --vocab FILE)");
            }
            return Vocabulary.read(file);
        }
        List<String> corpus = new ArrayList<>();
        for (Task task : data.tasks()) {
            List<Example> examples = data.train(task);
            int n = cap(config.data().trainCaps(), task) > 0 ? Math.min(examples.size(), cap(config.data().trainCaps(), task))
                    : examples.size();
            examples.subList(0, n).forEach(e -> corpus.add(e.prompt()));
            corpus.addAll(task.labelWords());
        }
        return new VocabularyBuilder(settings.size()).build(corpus);
    }

    private static Map<Task, Integer> perTask(Map<String, Integer> byName) {
        Map<Task, Integer> sizes = new EnumMap<>(Task.class);
        byName.forEach((name, n) -> sizes.put(Task.parse(name), n));
        return sizes;
    }

    private static int cap(Map<String, Integer> caps, Task task) {
        return caps.getOrDefault(task.shortName(), 0);
    }

    public ExperimentConfig config() {
        return config;
    }

    public GlueData data() {
        return data;
    }

    public Vocabulary vocabulary() {
        return vocabulary;
    }

    public Encoder encoder() {
        return encoder;
    }

    /** Training examples per task (capped). */
    public Map<Task, List<Encoder.Encoded>> train() {
        return train;
    }

    /** The combined validation set (capped per task). */
    public List<Encoder.Encoded> dev() {
        return dev;
    }

    public NoiseSchedule schedule() {
        return schedule;
    }

    /** The data's content fingerprint ({@link GlueData#fingerprint}), hashed once. */
    public String dataFingerprint() {
        if (dataFingerprint == null) {
            dataFingerprint = data.fingerprint();
        }
        return dataFingerprint;
    }

    /** Where long work reports how far it is. */
    public ProgressReporter progress() {
        return progress;
    }

    /** The model shape with this vocabulary's size. */
    public DenoiserConfig modelConfig() {
        return config.model().withVocabSize(vocabulary.size());
    }

    /** Conditional corruption (response tokens only) on the configured schedule, as evaluation draws it. */
    public Corruption evaluationCorruption() {
        return Corruption.conditional(schedule, encoder.special());
    }

    /** Conditional corruption as fine-tuning draws it: {@link #evaluationCorruption} with the whole-response share. */
    public Corruption trainingCorruption() {
        return Corruption.conditional(schedule, encoder.special(), config.training().wholeResponseShareOrZero());
    }

    /** The noise schedule of the settings. */
    public static NoiseSchedule schedule(ExperimentConfig.Diffusion diffusion) {
        return switch (diffusion.schedule()) {
            case COSINE -> NoiseSchedule.cosine(diffusion.steps());
            case LINEAR -> NoiseSchedule.linear(diffusion.steps());
        };
    }

    /** The configured sampler; {@code trace} records every step (for {@code lodi generate}). */
    public Sampler sampler(boolean trace) {
        return sampler(config.sampler(), schedule, encoder, trace);
    }

    /** A sampler by its settings. */
    public static Sampler sampler(ExperimentConfig.SamplerSettings settings, NoiseSchedule schedule, Encoder encoder,
                                  boolean trace) {
        TokenChoice choice = switch (settings.choice()) {
            case GREEDY -> TokenChoice.greedy();
            case TEMPERATURE -> TokenChoice.temperature((float) settings.temperature(), 0);
        };
        if (settings.restrictToLabels()) {
            List<int[]> candidates = new ArrayList<>();
            for (Task task : Task.values()) {
                candidates.addAll(encoder.labels(task));
            }
            choice = choice.restrictedToCandidates(candidates);
        }
        return switch (settings.kind()) {
            case ANCESTRAL -> new AncestralSampler(schedule, settings.steps(), choice, encoder.special(), 0, trace);
            case LOW_CONFIDENCE -> new LowConfidenceSampler(settings.steps(), choice, encoder.special(), trace);
        };
    }

    /** The evaluator over the combined validation set. */
    public Evaluator evaluator() {
        var training = config.training();
        return new Evaluator(dev, encoder, evaluationCorruption(), sampler(false), training.maxLength(), training.evalBatchSize());
    }
}
