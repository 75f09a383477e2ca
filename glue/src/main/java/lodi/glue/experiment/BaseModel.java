package lodi.glue.experiment;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.IntStream;
import lodi.model.bert.Checkpoints;
import lodi.model.bert.Denoiser;
import lodi.model.bert.DenoiserConfig;
import lodi.model.bert.MiniLm;
import lodi.model.training.Pretrainer;
import tools.jackson.databind.node.ObjectNode;

/**
 * The backbone every run of an experiment starts from, and how to get a fresh copy of it.
 *
 * @param kind     {@code pretrained} (a lodi checkpoint this experiment pretrained, from scratch or from MiniLM,
 *                 and cached), {@code random} (initialised from {@link #RANDOM_SEED}, the reference's randomly
 *                 initialised backbone), {@code checkpoint} (a lodi checkpoint folder) or {@code huggingface} (a BERT
 *                 {@code .safetensors} file or {@code .onnx} export loaded into a fresh denoiser)
 * @param location the checkpoint folder or file; null for {@code random}
 * @param config   the denoiser's shape
 */
public record BaseModel(Kind kind, Path location, DenoiserConfig config) {
    /** The initialisation seed of a random backbone (the same for every run, as the reference's frozen one). */
    public static final long RANDOM_SEED = 0;

    /** Where the backbone comes from; written in run folders as its lower-case name. */
    public enum Kind {
        PRETRAINED, RANDOM, CHECKPOINT, HUGGINGFACE;

        String id() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        static Kind parse(String id, String origin) {
            try {
                return valueOf(id.toUpperCase(java.util.Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new lodi.glue.data.DataException(origin + ": unknown base kind '" + id
                        + "' (pretrained, random, checkpoint, huggingface); the run folder is damaged");
            }
        }
    }

    /** A fresh copy of the backbone. */
    public Denoiser load() throws IOException {
        return switch (kind) {
            case PRETRAINED, CHECKPOINT -> Checkpoints.load(location);
            case RANDOM -> new Denoiser(config, RANDOM_SEED);
            case HUGGINGFACE -> {
                Denoiser model = new Denoiser(config, RANDOM_SEED);
                Checkpoints.loadBackbone(model, location);
                yield model;
            }
        };
    }

    /**
     * {@code {"kind": ..., "path": ...}} for a JSON file in folder {@code from}. The cached base lives in the same
     * outputs folder as the runs, so its path is recorded relative to {@code from} and the outputs folder can move;
     * a base given by path is recorded absolute, so that the file works from any working directory.
     */
    public ObjectNode toJson(Path from) {
        ObjectNode node = Presets.JSON.createObjectNode();
        node.put("kind", kind.id());
        Path absolute = location == null ? null : location.toAbsolutePath().normalize();
        node.put("path", absolute == null ? null : kind == Kind.PRETRAINED
                ? from.toAbsolutePath().normalize().relativize(absolute).toString() : absolute.toString());
        return node;
    }

    /** The base a JSON file in folder {@code from} names ({@link #toJson}). */
    public static BaseModel fromJson(tools.jackson.databind.JsonNode node, DenoiserConfig config, Path from) {
        String path = node.path("path").isString() ? node.path("path").asString() : null;
        return new BaseModel(Kind.parse(node.path("kind").asString(), from.resolve("config.json").toString()),
                path == null ? null : from.resolve(path).normalize(), config);
    }

    /**
     * The experiment's base as {@code config.base()} says: pretrained (from scratch, or from the MiniLM encoder
     * for {@code minilm}, and cached under {@code cacheRoot/base-<hash>}, the hash covering the starting point, model
     * shape, pretraining settings, schedule, vocabulary and data; an interrupted pretraining resumes), random, or a
     * given checkpoint or encoder file.
     */
    public static BaseModel resolve(Experiment experiment, Path cacheRoot, PrintWriter out) throws IOException {
        BaseModel base = locate(experiment, cacheRoot);
        base.prepare(experiment, out);
        return base;
    }

    /**
     * Where the experiment's base is, without preparing it (so that every run folder of a grid can be checked
     * against it before any work).
     */
    public static BaseModel locate(Experiment experiment, Path cacheRoot) throws IOException {
        String base = experiment.config().base();
        DenoiserConfig config = experiment.modelConfig();
        switch (base) {
            case "random" -> {
                return new BaseModel(Kind.RANDOM, null, config);
            }
            case "pretrained", MiniLm.NAME -> {
                return new BaseModel(Kind.PRETRAINED, cacheDir(experiment, cacheRoot).resolve("model"), config);
            }
            default -> {
                Path path = Path.of(base);
                if (Files.isDirectory(path)) {
                    return new BaseModel(Kind.CHECKPOINT, path, Checkpoints.load(path).config());
                }
                if (Files.isRegularFile(path) && (path.toString().endsWith(".safetensors") || path.toString().endsWith(".onnx"))) {
                    return new BaseModel(Kind.HUGGINGFACE, path, config);
                }
                throw new ConfigurationException("--base " + base + ": expected 'pretrained', 'minilm', 'random',"
                        + " a lodi checkpoint folder (config.json + model.safetensors), or a BERT .safetensors or .onnx file");
            }
        }
    }

    /**
     * What the base is pretrained on: the rows and, for task-formatted rows, their responses (null otherwise).
     * With {@code texts = prompts} (the minilm preset) these are the training prompts alone, so that no label and
     * no response of any task reaches the base.
     */
    public record Corpus(List<int[]> texts, List<int[]> responses) {
    }

    /** The pretraining corpus of {@code experiment}'s settings (training split only). */
    public static Corpus corpus(Experiment experiment) {
        var settings = experiment.config().pretraining();
        List<int[]> texts = new ArrayList<>();
        boolean labelled = settings.texts() == Choices.PretrainingTexts.LABELLED;
        boolean task = settings.texts() == Choices.PretrainingTexts.TASK;
        List<int[]> responses = task ? new ArrayList<>() : null;
        experiment.train().values().forEach(examples -> examples.forEach(e -> {
            texts.add(labelled
                    ? IntStream.concat(IntStream.of(e.prompt()), IntStream.of(experiment.encoder().labelWord(e.task(), e.label())))
                            .toArray()
                    : e.prompt());
            if (task) {
                responses.add(e.response());
            }
        }));
        return new Corpus(texts, responses);
    }

    /** Where the pretrained base of this experiment is (or will be) cached. */
    public static Path cacheDir(Experiment experiment, Path cacheRoot) {
        ObjectNode identity = Presets.JSON.createObjectNode();
        if (!experiment.config().base().equals("pretrained")) {
            identity.put("base", experiment.config().base());
        }
        identity.set("model", Presets.JSON.valueToTree(experiment.modelConfig()));
        identity.set("pretraining", Presets.JSON.valueToTree(experiment.config().pretraining()));
        identity.set("diffusion", Presets.JSON.valueToTree(experiment.config().diffusion()));
        identity.put("vocabulary", String.join("\n", experiment.vocabulary().tokens()));
        identity.put("data", experiment.dataFingerprint());
        identity.set("train_caps", Presets.JSON.valueToTree(experiment.config().data().trainCaps()));
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(identity.toString().getBytes(StandardCharsets.UTF_8));
            return cacheRoot.resolve("base-" + HexFormat.of().formatHex(digest).substring(0, 12));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Pretrains a {@code pretrained} base into its cache folder unless it is there; other kinds need nothing. The
     * cache folder is locked while this runs: a second process waits and then finds the base cached.
     */
    public void prepare(Experiment experiment, PrintWriter out) throws IOException {
        if (kind != Kind.PRETRAINED) {
            return;
        }
        try (FolderLock lock = FolderLock.acquire(location.getParent(), out)) {
            if (Files.isRegularFile(location.resolve(Checkpoints.WEIGHTS))) {
                out.println("base: cached pretrained denoiser " + location);
                out.flush();
                return;
            }
            pretrain(experiment, location, out);
        }
    }

    private static void pretrain(Experiment experiment, Path model, PrintWriter out) throws IOException {
        Path dir = model.getParent();
        DenoiserConfig config = experiment.modelConfig();
        var settings = experiment.config().pretraining();
        Corpus corpus = corpus(experiment);
        boolean fromMiniLm = experiment.config().base().equals(MiniLm.NAME);
        Denoiser initial = new Denoiser(config, settings.seed());
        if (fromMiniLm) {
            MiniLm.loadInto(initial);
        }
        if (!settings.encoderTrains()) {
            initial.namedParameters().forEach((name, p) -> p.setRequiresGrad(!name.startsWith("bert.")));
        }
        out.println("base: " + (fromMiniLm ? "preparing all-MiniLM-L6-v2 (" + (settings.encoderTrains()
                ? "encoder, MLM head and timestep embedding" : "MLM head and timestep embedding; the encoder frozen")
                + ")" : "pretraining a " + config.hiddenSize() + "-wide, " + config.numLayers() + "-layer denoiser")
                + " on " + corpus.texts().size() + switch (settings.texts()) {
                    case LABELLED -> " labelled training texts";
                    case TASK -> " task-formatted training texts";
                    case PROMPTS -> " training prompts";
                } + " for " + settings.steps() + " steps -> " + model);
        out.flush();
        Files.createDirectories(dir);
        experiment.vocabulary().write(dir.resolve("vocab.txt"));
        long start = System.nanoTime();
        try (ProgressReporter.Meter progress = experiment.progress().start("pretrain", settings.steps())) {
            Pretrainer.run(initial, corpus.texts(),
                    new Pretrainer.Objective(corpus.responses(), settings.conditionalShare(),
                            settings.lossWeights().weighting()),
                    experiment.encoder().special(), experiment.schedule(),
                    new Pretrainer.Settings(settings.steps(), settings.batchSize(), settings.maxLength(),
                            settings.learningRate(), settings.warmupSteps(), settings.weightDecay(), settings.clipNorm(),
                            Math.max(1, settings.steps() / 10), settings.seed()),
                    dir, (step, total, loss) -> progress.step(1, String.format(java.util.Locale.ROOT, "loss %.3f", loss)));
        }
        out.printf(java.util.Locale.ROOT, "base: pretrained in %.0f s%n", (System.nanoTime() - start) / 1e9);
        out.flush();
    }
}
