package lodi.glue.experiment;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import lodi.glue.data.Task;
import lodi.peft.PeftMethod;

/**
 * Every value of a configuration checked at once, before anything is read or written: a run folder is never
 * created for a configuration that would fail later. Each problem names its dotted key and the value found; all
 * problems are reported together.
 */
final class ConfigValidation {
    private final List<String> problems = new ArrayList<>();

    private ConfigValidation() {
    }

    /** Throws a usage error listing every invalid value of {@code config}. */
    static void check(ExperimentConfig config) {
        ConfigValidation v = new ConfigValidation();
        v.methods(config);
        v.data(config.data());
        v.vocabulary(config.vocabulary());
        v.positive("diffusion.steps", config.diffusion().steps());
        v.pretraining(config.pretraining(), config.model().maxPositions());
        v.training(config.training(), config.model().maxPositions());
        v.sampler(config.sampler());
        if (!v.problems.isEmpty()) {
            throw new ConfigurationException((v.problems.size() == 1 ? "invalid setting: " : "invalid settings: ")
                    + String.join("; ", v.problems));
        }
    }

    private void methods(ExperimentConfig config) {
        for (String name : config.peft().keySet()) {
            attempt(() -> config.peftConfig(PeftMethod.parse(name)), "peft." + name);
        }
        for (String name : config.training().methods()) {
            attempt(() -> config.peftConfig(PeftMethod.parse(name)), "training.methods");
        }
        if (config.training().methods().isEmpty()) {
            problems.add("training.methods is empty");
        }
        if (config.training().seeds().isEmpty()) {
            problems.add("training.seeds is empty");
        }
    }

    private void data(ExperimentConfig.Data data) {
        if (!(data.labelNoise() >= 0 && data.labelNoise() < 1)) {
            problems.add("data.label_noise must lie in [0, 1), got " + data.labelNoise());
        }
        perTask("data.train_caps", data.trainCaps(), 0);
        if (data.synthetic()) {
            perTask("data.synthetic_train", data.syntheticTrain(), 1);
            perTask("data.synthetic_dev", data.syntheticDev(), 1);
        }
    }

    private void vocabulary(ExperimentConfig.VocabularySettings vocabulary) {
        if (vocabulary.learnt()) {
            positive("vocabulary.size", vocabulary.size());
        }
    }

    private void pretraining(ExperimentConfig.Pretraining p, int maxPositions) {
        positive("pretraining.steps", p.steps());
        positive("pretraining.batch_size", p.batchSize());
        positive("pretraining.max_length", p.maxLength());
        if (p.maxLength() > maxPositions) {
            problems.add("pretraining.max_length must be at most model.max_position_embeddings (" + maxPositions
                    + "), got " + p.maxLength());
        }
        positive("pretraining.learning_rate", p.learningRate());
        atLeastZero("pretraining.warmup_steps", p.warmupSteps());
        atLeastZero("pretraining.weight_decay", p.weightDecay());
        clipNorm("pretraining.clip_norm", p.clipNorm());
        if (p.lossWeights() == Choices.LossWeights.TOKEN) {
            problems.add("pretraining.loss_weights must be elbo or row, got token");
        }
    }

    private void training(ExperimentConfig.Training t, int maxPositions) {
        positive("training.steps", t.steps());
        positive("training.batch_size", t.batchSize());
        positive("training.max_length", t.maxLength());
        if (t.maxLength() > maxPositions) {
            problems.add("training.max_length must be at most model.max_position_embeddings (" + maxPositions
                    + "), got " + t.maxLength());
        }
        positive("training.eval_every", t.evalEvery());
        positive("training.eval_batch_size", t.evalBatchSize());
        atLeastZero("training.weight_decay", t.weightDecay());
        clipNorm("training.clip_norm", t.clipNorm());
        positive("training.mixture_temperature", t.mixtureTemperature());
        positive("training.bucket_window", t.bucketWindow());
        if (!(t.wholeResponseShareOrZero() >= 0 && t.wholeResponseShareOrZero() <= 1)) {
            problems.add("training.whole_response_share must lie in [0, 1], got " + t.wholeResponseShareOrZero());
        }
        perTask("training.eval_caps", t.evalCaps(), 0);
    }

    private void sampler(ExperimentConfig.SamplerSettings s) {
        positive("sampler.steps", s.steps());
        positive("sampler.temperature", s.temperature());
    }

    private void perTask(String key, Map<String, Integer> values, int least) {
        values.forEach((task, n) -> {
            attempt(() -> Task.parse(task), key);
            if (n < least) {
                problems.add(key + "." + task + " must be " + (least == 0 ? "0 (all) or more" : "at least " + least)
                        + ", got " + n);
            }
        });
    }

    private void positive(String key, double value) {
        if (!(value > 0) || !Double.isFinite(value)) {
            problems.add(key + " must be a positive number, got " + value);
        }
    }

    private void atLeastZero(String key, double value) {
        if (!(value >= 0) || !Double.isFinite(value)) {
            problems.add(key + " must be a number ≥ 0, got " + value);
        }
    }

    private void clipNorm(String key, double value) {
        if (!(value >= 0) || !Double.isFinite(value)) {
            problems.add(key + " must be a positive number (or 0: no clipping), got " + value);
        }
    }

    private void attempt(Runnable check, String key) {
        try {
            check.run();
        } catch (IllegalArgumentException e) {
            problems.add(key + ": " + e.getMessage());
        }
    }
}
