package lodi.peft;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import lodi.autograd.Autograd;
import lodi.autograd.Parameter;
import lodi.autograd.Variable;
import lodi.model.TokenBatch;
import lodi.model.bert.Denoiser;
import lodi.model.io.Safetensors;
import lodi.tensor.Tensor;

/**
 * What the five methods share: parameter accounting, saving and loading the trainable weights, training mode
 * and the evaluation-mode {@link lodi.model.diffusion.MaskPredictor} view. A method supplies its forward and,
 * when it keeps modules outside the base, {@link #addedParameters()}.
 */
abstract class AbstractPeftModel implements PeftModel {
    static final String WEIGHTS = "adapter_model.safetensors";
    static final String CONFIG = "adapter_config.json";

    protected final Denoiser base;
    protected final PeftConfig config;

    /**
     * Sets every base parameter's trainability by {@code trainable(name)}, or by the config's
     * {@code modules_to_save}.
     */
    AbstractPeftModel(Denoiser base, PeftConfig config, Predicate<String> trainable) {
        this.base = base;
        this.config = config;
        base.namedParameters().forEach((name, p) -> p.setRequiresGrad(trainable.test(name) || config.savedModule(name)));
    }

    /** Parameters the method keeps outside the base module tree, by name (none unless overridden). */
    Map<String, Parameter> addedParameters() {
        return Map.of();
    }

    /** The training forward of every method that changes the base in place: the base's own forward. */
    @Override
    public Variable trainingLogits(TokenBatch batch, float[] times, int[] positions) {
        return base.logits(base.hidden(batch, times), positions);
    }

    @Override
    public Variable trainingLoss(TokenBatch batch, float[] times, int[] positions, int[] targets, float[] weights,
                                 float divisor) {
        return base.loss(base.hidden(batch, times), positions, targets, weights, divisor);
    }

    @Override
    public Variable regularization() {
        return null;
    }

    /** A random stream for an added tensor, derived from its name (so initial values do not depend on order). */
    static long stream(String name) {
        return name.hashCode();
    }

    @Override
    public final PeftMethod method() {
        return config.method();
    }

    @Override
    public final PeftConfig config() {
        return config;
    }

    @Override
    public final Denoiser base() {
        return base;
    }

    @Override
    public final Map<String, Parameter> allParameters() {
        Map<String, Parameter> all = new LinkedHashMap<>(base.namedParameters());
        all.putAll(addedParameters());
        return Collections.unmodifiableMap(all);
    }

    @Override
    public final Map<String, Parameter> trainableParameters() {
        Map<String, Parameter> trainable = new LinkedHashMap<>();
        allParameters().forEach((name, p) -> {
            if (p.requiresGrad()) {
                trainable.put(name, p);
            }
        });
        return Collections.unmodifiableMap(trainable);
    }

    @Override
    public final ParameterCount parameterCount() {
        return new ParameterCount(count(trainableParameters()), count(allParameters()));
    }

    @Override
    public void train(boolean on) {
        base.train(on);
    }

    @Override
    public final void saveTrainable(Path dir) throws IOException {
        Files.createDirectories(dir);
        Map<String, Tensor> weights = new LinkedHashMap<>();
        trainableParameters().forEach((name, p) -> weights.put(name, p.value()));
        Map<String, String> metadata = new LinkedHashMap<>(savedMetadata());
        metadata.put("method", method().id());
        Safetensors.write(dir.resolve(WEIGHTS), weights, metadata);
        config.write(dir.resolve(CONFIG));
    }

    /** What a method records about its weights' layout in the file's metadata (nothing unless overridden). */
    Map<String, String> savedMetadata() {
        return Map.of();
    }

    /** The saved tensors under this version's names, given the file's metadata (unchanged unless overridden). */
    Map<String, Tensor> currentNames(Map<String, Tensor> saved, Map<String, String> metadata) {
        return saved;
    }

    @Override
    public final void loadTrainable(Path dir) throws IOException {
        Path weightsFile = dir.resolve(WEIGHTS);
        Path configFile = dir.resolve(CONFIG);
        if (!Files.isRegularFile(weightsFile) || !Files.isRegularFile(configFile)) {
            throw new IllegalArgumentException(dir + " holds no trained " + method() + " weights (needs " + WEIGHTS
                    + " and " + CONFIG + ")");
        }
        PeftConfig saved = PeftConfig.read(configFile);
        Map<String, Tensor> tensors = currentNames(Safetensors.readWeights(weightsFile),
                Safetensors.read(weightsFile).metadata());
        Map<String, Parameter> own = trainableParameters();
        List<String> problems = new ArrayList<>();
        if (saved.method() != method()) {
            problems.add("saved for method " + saved.method() + ", this model is " + method());
        }
        own.forEach((name, p) -> {
            Tensor source = tensors.get(name);
            if (source == null) {
                problems.add("missing " + name);
            } else if (!source.sameShape(p.value())) {
                problems.add("shape mismatch for " + name + ": saved " + Arrays.toString(source.shape()) + ", model "
                        + Arrays.toString(p.value().shape()));
            }
        });
        tensors.keySet().stream().filter(name -> !own.containsKey(name)).forEach(name -> problems.add("unexpected " + name));
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(dir + " does not fit this " + method() + " model: "
                    + String.join("; ", problems));
        }
        own.forEach((name, p) -> p.value().copyFrom(tensors.get(name)));
    }

    @Override
    public final Tensor logits(TokenBatch batch, float[] times, int[] positions) {
        boolean wasTraining = base.isTraining();
        train(false);
        try (var scope = Autograd.noGrad()) {
            return trainingLogits(batch, times, positions).value();
        } finally {
            train(wasTraining);
        }
    }

    @Override
    public final int vocabSize() {
        return base.vocabSize();
    }

    @Override
    public boolean timeConditioned() {
        return base.timeConditioned();
    }

    private static long count(Map<String, Parameter> parameters) {
        long n = 0;
        for (Parameter p : parameters.values()) {
            n += p.value().size();
        }
        return n;
    }
}
