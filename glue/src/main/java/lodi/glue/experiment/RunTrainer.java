package lodi.glue.experiment;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.function.Supplier;
import lodi.autograd.ElementwiseOps;
import lodi.autograd.Parameter;
import lodi.autograd.Variable;
import lodi.autograd.optim.AdamW;
import lodi.autograd.optim.LrSchedule;
import lodi.glue.data.JsonFiles;
import lodi.glue.results.Evaluation;
import lodi.glue.results.Metrics;
import lodi.model.TokenBatch;
import lodi.model.bert.Denoiser;
import lodi.model.diffusion.Corruption;
import lodi.model.diffusion.LossWeighting;
import lodi.model.io.AtomicFiles;
import lodi.model.training.TrainingLoop;
import lodi.model.training.TrainingState;
import lodi.model.training.TrainingStep;
import lodi.peft.Peft;
import lodi.peft.PeftConfig;
import lodi.peft.PeftMethod;
import lodi.peft.PeftModel;
import lodi.tensor.CounterRng;
import lodi.tensor.Tensor;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * One fine-tuning run (method, seed) from the base to its run folder.
 *
 * <p>Every step: the mixture's batch for (seed, step), its response tokens masked by the conditional
 * corruption (keyed by seed and step), cross-entropy at the masked positions plus the method's
 * regularisation, AdamW on the trainable parameters with warm-up then cosine decay to 0 at the last step,
 * gradient clipping. Every {@code eval_every} steps and at the end: the evaluation, then a checkpoint
 * ({@link TrainingState}: trainable weights, optimizer state, step, histories). A run that finds a checkpoint
 * continues from it and ends bit-identical to an uninterrupted run: batches, masks and dropout are pure
 * functions of (seed, step). A run whose {@code training_summary.json} exists is complete and skipped; a run
 * folder whose {@code config.json} differs from this run's (but for the grid's lists and the other methods'
 * settings) is an error.
 */
public final class RunTrainer {
    public static final String SUMMARY = "training_summary.json";
    /** Where the data is and how it is described are not what it is: its {@code data.fingerprint} is. */
    private static final Set<String> NOT_PART_OF_A_RUN = Set.of("training.methods", "training.seeds", "data.glue_dir",
            "data.description", "description");
    private static final String CHECKPOINT = "checkpoint";

    /** How a call ended: complete (trained now or earlier) or interrupted on purpose (tests). */
    public record Outcome(Path dir, boolean skipped, boolean complete) {
    }

    private final Experiment experiment;
    /** Built at the first evaluation: a trainer that only checks run folders never needs one. */
    private Evaluator evaluator;
    private final BaseModel base;
    private final PrintWriter out;
    private final Invocation invocation;

    public RunTrainer(Experiment experiment, BaseModel base, PrintWriter out) {
        this(experiment, base, out, Invocation.UNKNOWN);
    }

    /** A trainer that records {@code invocation} in each run's {@code run_info.json}. */
    public RunTrainer(Experiment experiment, BaseModel base, PrintWriter out, Invocation invocation) {
        this.experiment = experiment;
        this.base = base;
        this.out = out;
        this.invocation = invocation;
    }

    /** The folder of a run: {@code multitask_{method}_seed{seed}_frozen}, the reference's name. */
    public static Path runDir(Path runsRoot, PeftMethod method, int seed) {
        return runsRoot.resolve("multitask_" + method.id() + "_seed" + seed + "_frozen");
    }

    public static boolean complete(Path dir) {
        return Files.isRegularFile(dir.resolve(SUMMARY));
    }

    /** Trains (or resumes, or skips) the run into {@code dir}. */
    public Outcome run(PeftMethod method, int seed, Path dir) throws IOException {
        return run(method, seed, dir, Long.MAX_VALUE);
    }

    /**
     * As {@link #run(PeftMethod, int, Path)}, stopping like a killed process after {@code stopAfter} steps. The
     * folder is locked ({@link FolderLock}) throughout: a second process on it waits, then finds the run complete.
     */
    Outcome run(PeftMethod method, int seed, Path dir, long stopAfter) throws IOException {
        try (FolderLock lock = FolderLock.acquire(dir, out)) {
            return train(method, seed, dir, stopAfter);
        }
    }

    private Outcome train(PeftMethod method, int seed, Path dir, long stopAfter) throws IOException {
        requireSameConfig(dir, method, seed);
        if (complete(dir)) {
            out.println(dir.getFileName() + ": complete, skipped");
            out.flush();
            return new Outcome(dir, true, true);
        }
        var settings = experiment.config().training();
        Denoiser model = base.load();
        PeftConfig peftConfig = experiment.config().peftConfig(method);
        PeftModel peft = Peft.apply(model, peftConfig, seed);
        Map<String, Parameter> trainable = peft.trainableParameters();
        Files.createDirectories(dir);
        writeConfig(dir, method, seed);
        peft.writeParamsJson(dir.resolve("params.json"));
        out.println(dir.getFileName() + ": " + peft.parameterCount());
        out.flush();

        double lr = peftConfig.learningRate();
        int steps = settings.steps();
        AdamW optimizer = AdamW.builder(trainable, lr).weightDecay(settings.weightDecay()).build();
        TrainingStep trainingStep = new TrainingStep(trainable.values(), optimizer,
                LrSchedule.cosine(lr, peftConfig.warmupSteps(), steps), settings.clipNorm());
        Corruption corruption = experiment.trainingCorruption();
        Mixture mixture = new Mixture(experiment.train(), settings.batchSize(), settings.bucketWindow(),
                settings.mixture() == Choices.Mixture.PROPORTIONAL ? 1.0 : settings.mixtureTemperature(), seed);

        TrainingState saved = TrainingState.load(dir.resolve(CHECKPOINT));
        RunHistory history = saved == null ? new RunHistory() : RunHistory.fromJson(saved.extra());
        long start = 0;
        if (saved != null) {
            saved.weights().forEach((name, tensor) -> trainable.get(name).value().copyFrom(tensor));
            optimizer.loadState(saved.optimizer());
            start = saved.step();
            out.println(dir.getFileName() + ": resuming from step " + start);
        }
        invocation.recordAttempt(dir, start);
        history.startSession();
        CountDownLatch stopping = GracefulStop.begin();
        long done;
        try (ProgressReporter.Meter progress = experiment.progress().start(method.id() + " seed " + seed, steps)) {
            progress.step(start);
            TrainingLoop.Batches batches = step -> {
                peft.train(true);
                return stepWork(peft, mixture.batch(step), corruption, seed, step);
            };
            TrainingLoop.Listener listener = (step, work, result) -> {
                history.throughput.add(work.tokens(), work.positions(), work.rows(), result.timing().totalNanos() / 1e9);
                history.steps.add(new RunHistory.Step(step + 1, result.loss(), result.learningRate(), result.gradNorm()));
                progress.step(1, String.format(Locale.ROOT, "loss %.3f", result.loss()));
                boolean last = step + 1 == steps;
                boolean evaluate = last || (step + 1) % settings.evalEvery() == 0;
                if (evaluate) {
                    peft.train(false);
                    if (evaluator == null) {
                        evaluator = experiment.evaluator();
                    }
                    Map<String, Double> metrics = evaluator.evaluate(peft, null);
                    history.evaluations.add(new Evaluation(step + 1, metrics));
                    progress.step(0, String.format(Locale.ROOT, "acc %.3f gen %.3f", metrics.get(Metrics.TOKEN_ACCURACY),
                            metrics.get(Metrics.GENERATION_ACCURACY)));
                }
                boolean stop = !last && GracefulStop.requested();
                if (evaluate || stop) {
                    history.endLap();
                    Map<String, Tensor> weights = new LinkedHashMap<>();
                    trainable.forEach((name, p) -> weights.put(name, p.value()));
                    new TrainingState(step + 1, weights, optimizer.state(), history.toJson()).save(dir.resolve(CHECKPOINT));
                }
                if (stop) {
                    out.println(dir.getFileName() + ": stopped on request after step " + (step + 1)
                            + ", checkpoint saved; run the same command again to resume");
                    out.flush();
                }
                return !stop && step + 1 != stopAfter;
            };
            try {
                done = new TrainingLoop(trainingStep).run(start, steps, batches, listener);
            } catch (TrainingStep.DivergedException e) {
                throw new TrainingStep.DivergedException(dir.getFileName() + ": " + e.getMessage());
            }
        } finally {
            GracefulStop.end(stopping);
        }
        if (done < steps) {
            return new Outcome(dir, false, false);
        }
        finish(dir, peft, history, steps);
        return new Outcome(dir, false, true);
    }

    /**
     * The step's work over {@code examples}: cross-entropy over the masked positions, weighed as
     * {@code training.loss_weights} says, plus the method's regularisation, through the method's fused loss (the [N, V] logits are never materialised). The examples
     * are one batch in mixture order, their rows back to back with no padding.
     */
    private TrainingLoop.Work stepWork(PeftModel peft, List<Encoder.Encoded> examples, Corruption corruption, int seed,
                                       long step) {
        Corruption.Corrupted batch = corrupt(examples, corruption, seed, step);
        long dropoutSeed = CounterRng.bits(seed, step, -1);
        LossWeighting weighting = experiment.config().training().lossWeightsOrToken().weighting();
        float[] weights = weighting.weights(batch);
        float divisor = weighting.divisor(batch);
        Supplier<Variable> loss = () -> {
            peft.base().setDropoutSeed(dropoutSeed);
            Variable crossEntropy = peft.trainingLoss(batch.batch(), batch.times(), batch.positions(), batch.targets(),
                    weights, divisor);
            Variable regularization = peft.regularization();
            return regularization == null ? crossEntropy : ElementwiseOps.add(crossEntropy, regularization);
        };
        TokenBatch rows = batch.batch();
        return new TrainingLoop.Work(loss, rows.sequences().tokens(), rows.ids().length, rows.batch());
    }

    private Corruption.Corrupted corrupt(List<Encoder.Encoded> examples, Corruption corruption, int seed, long step) {
        TokenBatch clean = TokenBatch.of(examples.stream().map(Encoder.Encoded::prompt).toList(),
                examples.stream().map(Encoder.Encoded::response).toList(), experiment.encoder().special(),
                experiment.config().training().maxLength());
        long[] ids = examples.stream().mapToLong(Encoder.Encoded::id).toArray();
        return corruption.training(clean, ids, seed, step);
    }

    private void finish(Path dir, PeftModel peft, RunHistory history, int steps) throws IOException {
        Evaluation best = history.best();
        Evaluation last = history.evaluations.getLast();
        ObjectNode summary = Presets.JSON.createObjectNode();
        summary.put("method", peft.method().id());
        summary.put("best_metric", best.metrics().get(Metrics.TOKEN_ACCURACY));
        summary.put("best_step", best.step());
        summary.set("final_eval_metrics", Presets.JSON.valueToTree(last.metrics()));
        summary.put("total_steps", steps);
        summary.put("training_wall_clock_seconds", history.wallSeconds);
        summary.set("throughput", history.throughput.toJson());
        summary.set("data", dataNode(experiment));
        peft.saveTrainable(dir);
        AtomicFiles.writeString(dir.resolve("evaluation_history.json"), Presets.JSON.writeValueAsString(history.evaluationsJson()));
        AtomicFiles.writeString(dir.resolve("training_history.json"), Presets.JSON.writeValueAsString(history.stepsJson()));
        AtomicFiles.writeString(dir.resolve(SUMMARY), Presets.JSON.writeValueAsString(summary)); // last: marks the run complete
        TrainingState.delete(dir.resolve(CHECKPOINT));
        out.printf(Locale.ROOT, "%s: token accuracy best %.2f%% (step %d), final %.2f%%; generation accuracy %.2f%%; %.0f s%n",
                dir.getFileName(), 100 * best.metrics().get(Metrics.TOKEN_ACCURACY), best.step(), 100 * last.metrics().get(Metrics.TOKEN_ACCURACY),
                100 * last.metrics().get(Metrics.GENERATION_ACCURACY), history.wallSeconds);
        RunHistory.Throughput speed = history.throughput;
        out.printf(Locale.ROOT, "%s: training steps %.0f tokens/s, %.0f positions/s, mean row %.1f positions%n",
                dir.getFileName(), speed.tokensPerSecond(), speed.positionsPerSecond(), speed.meanSequenceLength());
        out.flush();
    }

    /**
     * What a run's or the base's evaluation was on: {@code synthetic}, the data's {@code description} and its
     * content {@code fingerprint}.
     */
    static ObjectNode dataNode(Experiment experiment) {
        ObjectNode data = Presets.JSON.createObjectNode();
        data.put("synthetic", experiment.data().synthetic());
        data.put("description", experiment.data().description());
        data.put("fingerprint", experiment.dataFingerprint());
        return data;
    }

    /**
     * A finished or interrupted run in {@code dir} is skipped or resumed only if it was made with the
     * configuration this run would use: otherwise the results table would mix runs of different settings. Checked
     * for every run of a grid before any work, and again under the folder's lock.
     */
    public void requireSameConfig(Path dir, PeftMethod method, int seed) throws IOException {
        Path file = dir.resolve("config.json");
        if (!Files.isRegularFile(file)) {
            return;
        }
        JsonNode saved = JsonFiles.readObject(file, "move the damaged run folder " + dir + " away and run again");
        Set<String> ignored = new HashSet<>(NOT_PART_OF_A_RUN);
        for (PeftMethod other : PeftMethod.values()) {
            if (other != method) { // another method's settings do not change this run
                ignored.add("peft." + other.id());
            }
        }
        String difference = firstDifference("", saved, config(method, seed, dir), ignored);
        if (difference != null) {
            throw new ConfigurationException(dir + " holds a run made with another configuration (" + difference
                    + "); move that folder away or choose another --outputs");
        }
    }

    /**
     * The dotted path of the first value that differs between two JSON trees, with both values; null if none.
     * Paths in {@code ignored} (the grid's method and seed lists, the spelling of the GLUE folder's path, the
     * preset's prose description, the other methods' settings) do not make a run different.
     */
    private static String firstDifference(String path, JsonNode saved, JsonNode current, Set<String> ignored) {
        if (saved.isObject() && current.isObject()) {
            Set<String> keys = new TreeSet<>(saved.propertyNames());
            keys.addAll(current.propertyNames());
            for (String key : keys) {
                String child = path.isEmpty() ? key : path + "." + key;
                if (ignored.contains(child)) {
                    continue;
                }
                if (!saved.has(key) || !current.has(key)) {
                    return child + " is " + (saved.has(key) ? "not set now" : "new");
                }
                String difference = firstDifference(child, saved.get(key), current.get(key), ignored);
                if (difference != null) {
                    return difference;
                }
            }
            return null;
        }
        // compared as written: a long read back from JSON is an int node, and a float prints as it was written
        return saved.toString().equals(current.toString()) ? null : path + ": " + saved + " there, " + current + " now";
    }

    private ObjectNode config(PeftMethod method, int seed, Path dir) {
        ObjectNode config = Presets.toTree(experiment.config());
        ((ObjectNode) config.get("model")).put("vocab_size", experiment.vocabulary().size());
        ObjectNode data = (ObjectNode) config.get("data");
        data.put("description", experiment.data().description());
        data.put("fingerprint", experiment.dataFingerprint());
        if (data.path("glue_dir").isString()) { // absolute, so that eval and generate work from any directory
            data.put("glue_dir", Path.of(data.path("glue_dir").asString()).toAbsolutePath().normalize().toString());
        }
        ObjectNode run = config.putObject("run");
        run.put("method", method.id());
        run.put("seed", seed);
        run.set("base_model", base.toJson(dir));
        run.put("vocabulary", "vocab.txt");
        return config;
    }

    private void writeConfig(Path dir, PeftMethod method, int seed) throws IOException {
        AtomicFiles.writeString(dir.resolve("config.json"), Presets.JSON.writeValueAsString(config(method, seed, dir)));
        experiment.vocabulary().write(dir.resolve("vocab.txt"));
    }
}
