package lodi.peft;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code weight_lora}'s settings.
 *
 * @param rank          the rank r (capped at the hidden size)
 * @param alpha         α; the update is scaled by α/r
 * @param dropout       dropout on the low-rank path
 * @param targetModules the projections, from {@link PeftConfig#TARGET_MODULES}
 */
public record WeightLoraConfig(
        @JsonProperty("rank") int rank,
        @JsonProperty("alpha") double alpha,
        @JsonProperty("dropout") double dropout,
        @JsonProperty("target_modules") List<String> targetModules,
        @JsonProperty("learning_rate") double learningRate,
        @JsonProperty("warmup_steps") int warmupSteps,
        @JsonProperty("modules_to_save") List<String> modulesToSave) implements PeftConfig {

    public WeightLoraConfig {
        targetModules = List.copyOf(targetModules);
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
        if (!(alpha > 0) || !Double.isFinite(alpha)) {
            problems.add("alpha must be a positive number, got " + alpha);
        }
        if (!(dropout >= 0 && dropout < 1)) {
            problems.add("dropout must be in [0, 1), got " + dropout);
        }
        PeftConfig.checkTraining(learningRate, warmupSteps, problems);
        PeftConfig.require(PeftMethod.WEIGHT_LORA, problems);
    }

    /** The reference's defaults: r = 64, α = 16, dropout 0.1, all six projections, learning rate 1e-4, 500 warm-up. */
    static WeightLoraConfig defaults() {
        return new WeightLoraConfig(64, 16, 0.1, List.copyOf(TARGET_MODULES.keySet()), 1e-4, 500, List.of());
    }

    @Override
    public PeftMethod method() {
        return PeftMethod.WEIGHT_LORA;
    }

    public WeightLoraConfig withRank(int newRank) {
        return new WeightLoraConfig(newRank, alpha, dropout, targetModules, learningRate, warmupSteps, modulesToSave);
    }

    public WeightLoraConfig withTargetModules(List<String> modules) {
        return new WeightLoraConfig(rank, alpha, dropout, modules, learningRate, warmupSteps, modulesToSave);
    }

    @Override
    public WeightLoraConfig withLearningRate(double newLearningRate, int newWarmupSteps) {
        return new WeightLoraConfig(rank, alpha, dropout, targetModules, newLearningRate, newWarmupSteps, modulesToSave);
    }
}
