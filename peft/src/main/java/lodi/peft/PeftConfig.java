package lodi.peft;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import lodi.model.io.AtomicFiles;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * A method and all method settings, with the reference's defaults. Each method reads the settings it has and
 * ignores the others; the JSON form ({@code adapter_config.json}, preset files) uses the snake_case names below.
 *
 * @param rank            weight_lora's rank r (capped at the hidden size)
 * @param alpha           weight_lora's α; the update is scaled by α/r
 * @param dropout         dropout on weight_lora's low-rank path
 * @param targetModules   weight_lora's projections, from {@link #TARGET_MODULES}
 * @param bottleneck      adapters' bottleneck m; 0 means hidden size / 3 (the reference's 256 at d = 768)
 * @param phaseRanks      lora_diffusion's rank per phase: early, middle, late (capped at the hidden size)
 * @param phaseSigmas     lora_diffusion's scale σ per phase: early, middle, late
 * @param modulesPerPhase lora_diffusion's k, low-rank modules per phase
 * @param filmDim         lora_diffusion's prompt-embedding size for FiLM conditioning
 * @param lambdaRank      lora_diffusion's weight of Σ(‖A‖²_F + ‖B‖²_F)
 * @param lambdaOrth      lora_diffusion's weight of Σ_{i<j} ‖A_iᵀA_j‖²_F within a phase
 * @param learningRate    peak learning rate of the training loop
 * @param warmupSteps     linear warm-up steps of the training loop
 * @param modulesToSave   base parameters that train with every method, by name prefix (HuggingFace PEFT's
 *                        {@code modules_to_save}), e.g. {@code cls.predictions.} for an output head the base never
 *                        trained on the responses; counted as trainable
 */
public record PeftConfig(
        @JsonProperty("method") PeftMethod method,
        @JsonProperty("rank") int rank,
        @JsonProperty("alpha") double alpha,
        @JsonProperty("dropout") double dropout,
        @JsonProperty("target_modules") List<String> targetModules,
        @JsonProperty("bottleneck") int bottleneck,
        @JsonProperty("phase_ranks") List<Integer> phaseRanks,
        @JsonProperty("phase_sigmas") List<Double> phaseSigmas,
        @JsonProperty("modules_per_phase") int modulesPerPhase,
        @JsonProperty("film_dim") int filmDim,
        @JsonProperty("lambda_rank") double lambdaRank,
        @JsonProperty("lambda_orth") double lambdaOrth,
        @JsonProperty("learning_rate") double learningRate,
        @JsonProperty("warmup_steps") int warmupSteps,
        @JsonProperty("modules_to_save") List<String> modulesToSave) {

    /** weight_lora's target names, mapped to the projection paths of {@code BertLayer.PROJECTIONS}. */
    public static final Map<String, String> TARGET_MODULES = targets();

    private static final ObjectMapper JSON = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

    public PeftConfig {
        if (method == null) {
            throw new IllegalArgumentException("a PEFT config needs a method");
        }
        targetModules = List.copyOf(targetModules);
        phaseRanks = List.copyOf(phaseRanks);
        phaseSigmas = List.copyOf(phaseSigmas);
        modulesToSave = modulesToSave == null ? List.of() : List.copyOf(modulesToSave);
        List<String> unknown = targetModules.stream().filter(t -> !TARGET_MODULES.containsKey(t)).toList();
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("unknown target module(s) " + unknown + "; valid target modules: "
                    + String.join(", ", TARGET_MODULES.keySet()));
        }
        List<String> problems = new ArrayList<>();
        if (rank < 1) {
            problems.add("rank must be ≥ 1, got " + rank);
        }
        if (!(dropout >= 0 && dropout < 1)) {
            problems.add("dropout must be in [0, 1), got " + dropout);
        }
        if (bottleneck < 0) {
            problems.add("bottleneck must be ≥ 0 (0: hidden size / 3), got " + bottleneck);
        }
        if (phaseRanks.size() != 3 || phaseSigmas.size() != 3 || phaseRanks.stream().anyMatch(r -> r < 1)) {
            problems.add("phase_ranks and phase_sigmas need three entries (early, middle, late), ranks ≥ 1, got "
                    + phaseRanks + " and " + phaseSigmas);
        }
        if (!(alpha > 0) || !Double.isFinite(alpha)) {
            problems.add("alpha must be a positive number, got " + alpha);
        }
        if (!(lambdaRank >= 0) || !(lambdaOrth >= 0) || !Double.isFinite(lambdaRank) || !Double.isFinite(lambdaOrth)) {
            problems.add("lambda_rank and lambda_orth must be numbers ≥ 0, got " + lambdaRank + " and " + lambdaOrth);
        }
        if (phaseSigmas.stream().anyMatch(sigma -> !Double.isFinite(sigma))) {
            problems.add("phase_sigmas must be finite, got " + phaseSigmas);
        }
        if (modulesPerPhase < 1 || filmDim < 1) {
            problems.add("modules_per_phase and film_dim must be ≥ 1, got " + modulesPerPhase + " and " + filmDim);
        }
        if (!(learningRate > 0) || !Double.isFinite(learningRate) || warmupSteps < 0) {
            problems.add("learning_rate must be > 0 and warmup_steps ≥ 0, got " + learningRate + " and " + warmupSteps);
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(method + " config: " + String.join("; ", problems));
        }
    }

    /**
     * The reference's defaults for {@code method}: r = 64, α = 16, dropout 0.1, all six projections; adapter
     * bottleneck d/3; lora_diffusion ranks 64/32/8, σ 1.0/0.5/0.25, k = 2, FiLM 256, λ_rank 0.01, λ_orth 0.001;
     * learning rate 5e-5 with 1,000 warm-up steps for full_ft, 1e-4 with 500 for the others.
     */
    public static PeftConfig defaults(PeftMethod method) {
        boolean full = method == PeftMethod.FULL_FT;
        return new PeftConfig(method, 64, 16, 0.1, List.copyOf(TARGET_MODULES.keySet()), 0, List.of(64, 32, 8),
                List.of(1.0, 0.5, 0.25), 2, 256, 0.01, 0.001, full ? 5e-5 : 1e-4, full ? 1000 : 500, List.of());
    }

    /** {@link #defaults} with the settings of {@code overrides} (a JSON object) on top; unknown keys fail, named. */
    public static PeftConfig fromJson(PeftMethod method, JsonNode overrides) {
        ObjectNode merged = JSON.valueToTree(defaults(method));
        if (overrides != null && !overrides.isNull()) {
            if (!overrides.isObject()) {
                throw new IllegalArgumentException(method + " settings must be a JSON object, got " + overrides);
            }
            List<String> unknown = new ArrayList<>();
            for (var entry : overrides.properties()) {
                if (!merged.has(entry.getKey()) || entry.getKey().equals("method")) {
                    unknown.add(entry.getKey());
                }
                merged.set(entry.getKey(), entry.getValue());
            }
            if (!unknown.isEmpty()) {
                List<String> valid = new ArrayList<>();
                merged.propertyNames().forEach(valid::add);
                valid.remove("method");
                valid.removeAll(unknown);
                throw new IllegalArgumentException("unknown " + method + " setting(s) " + unknown + "; valid settings: "
                        + String.join(", ", valid));
            }
        }
        try {
            return JSON.treeToValue(merged, PeftConfig.class);
        } catch (JacksonException e) {
            // the constructor's own check arrives wrapped; its message names the value
            throw new IllegalArgumentException(e.getCause() instanceof IllegalArgumentException invalid
                    ? invalid.getMessage() : method + " settings " + overrides + ": " + e.getOriginalMessage());
        }
    }

    /** Reads a config written by {@link #write}; missing settings take the method's defaults. */
    public static PeftConfig read(Path file) throws IOException {
        try {
            JsonNode node = JSON.readTree(Files.readString(file));
            if (!node.isObject()) {
                throw new IllegalArgumentException("not a JSON object");
            }
            ObjectNode overrides = ((ObjectNode) node).deepCopy();
            overrides.remove("method");
            return fromJson(PeftMethod.parse(node.path("method").asString()), overrides);
        } catch (JacksonException | IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage());
        }
    }

    public void write(Path file) throws IOException {
        AtomicFiles.writeString(file, toJson());
    }

    public String toJson() {
        return JSON.writeValueAsString(this);
    }

    /** Whether base parameter {@code name} trains whatever the method: it lies under one of {@link #modulesToSave}. */
    public boolean savedModule(String name) {
        return modulesToSave.stream().anyMatch(name::startsWith);
    }

    /** The adapter bottleneck for hidden size {@code d}. */
    public int bottleneckFor(int d) {
        return bottleneck > 0 ? bottleneck : Math.max(1, d / 3);
    }

    public PeftConfig withRank(int newRank) {
        return new PeftConfig(method, newRank, alpha, dropout, targetModules, bottleneck, phaseRanks, phaseSigmas,
                modulesPerPhase, filmDim, lambdaRank, lambdaOrth, learningRate, warmupSteps, modulesToSave);
    }

    public PeftConfig withAlpha(double newAlpha) {
        return new PeftConfig(method, rank, newAlpha, dropout, targetModules, bottleneck, phaseRanks, phaseSigmas,
                modulesPerPhase, filmDim, lambdaRank, lambdaOrth, learningRate, warmupSteps, modulesToSave);
    }

    public PeftConfig withDropout(double newDropout) {
        return new PeftConfig(method, rank, alpha, newDropout, targetModules, bottleneck, phaseRanks, phaseSigmas,
                modulesPerPhase, filmDim, lambdaRank, lambdaOrth, learningRate, warmupSteps, modulesToSave);
    }

    public PeftConfig withTargetModules(List<String> modules) {
        return new PeftConfig(method, rank, alpha, dropout, modules, bottleneck, phaseRanks, phaseSigmas,
                modulesPerPhase, filmDim, lambdaRank, lambdaOrth, learningRate, warmupSteps, modulesToSave);
    }

    public PeftConfig withBottleneck(int newBottleneck) {
        return new PeftConfig(method, rank, alpha, dropout, targetModules, newBottleneck, phaseRanks, phaseSigmas,
                modulesPerPhase, filmDim, lambdaRank, lambdaOrth, learningRate, warmupSteps, modulesToSave);
    }

    public PeftConfig withPhases(List<Integer> ranks, List<Double> sigmas, int perPhase) {
        return new PeftConfig(method, rank, alpha, dropout, targetModules, bottleneck, ranks, sigmas, perPhase,
                filmDim, lambdaRank, lambdaOrth, learningRate, warmupSteps, modulesToSave);
    }

    public PeftConfig withFilmDim(int newFilmDim) {
        return new PeftConfig(method, rank, alpha, dropout, targetModules, bottleneck, phaseRanks, phaseSigmas,
                modulesPerPhase, newFilmDim, lambdaRank, lambdaOrth, learningRate, warmupSteps, modulesToSave);
    }

    public PeftConfig withRegularization(double newLambdaRank, double newLambdaOrth) {
        return new PeftConfig(method, rank, alpha, dropout, targetModules, bottleneck, phaseRanks, phaseSigmas,
                modulesPerPhase, filmDim, newLambdaRank, newLambdaOrth, learningRate, warmupSteps, modulesToSave);
    }

    public PeftConfig withLearningRate(double newLearningRate, int newWarmupSteps) {
        return new PeftConfig(method, rank, alpha, dropout, targetModules, bottleneck, phaseRanks, phaseSigmas,
                modulesPerPhase, filmDim, lambdaRank, lambdaOrth, newLearningRate, newWarmupSteps, modulesToSave);
    }

    private static Map<String, String> targets() {
        Map<String, String> all = new LinkedHashMap<>();
        all.put("query", "attention.self.query");
        all.put("key", "attention.self.key");
        all.put("value", "attention.self.value");
        all.put("attention.output.dense", "attention.output.dense");
        all.put("intermediate.dense", "intermediate.dense");
        all.put("output.dense", "output.dense");
        return java.util.Collections.unmodifiableMap(all);
    }
}
