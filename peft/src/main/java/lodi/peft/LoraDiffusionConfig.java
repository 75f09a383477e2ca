package lodi.peft;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code lora_diffusion}'s settings.
 *
 * @param phaseRanks      the rank per phase: early, middle, late (capped at the hidden size)
 * @param phaseSigmas     the scale σ per phase: early, middle, late
 * @param modulesPerPhase k, low-rank modules per phase
 * @param filmDim         the prompt-embedding size for FiLM conditioning
 * @param lambdaRank      the weight of Σ(‖A‖²_F + ‖B‖²_F)
 * @param lambdaOrth      the weight of Σ_{i<j} ‖B_iᵀB_j‖²_F within a phase
 * @param hiddenStates    which hidden states the modules perturb: the final ones at the scored positions (the
 *                        reference's), or every layer's output at every position
 */
public record LoraDiffusionConfig(
        @JsonProperty("phase_ranks") List<Integer> phaseRanks,
        @JsonProperty("phase_sigmas") List<Double> phaseSigmas,
        @JsonProperty("modules_per_phase") int modulesPerPhase,
        @JsonProperty("film_dim") int filmDim,
        @JsonProperty("lambda_rank") double lambdaRank,
        @JsonProperty("lambda_orth") double lambdaOrth,
        @JsonProperty("hidden_states") HiddenStates hiddenStates,
        @JsonProperty("learning_rate") double learningRate,
        @JsonProperty("warmup_steps") int warmupSteps,
        @JsonProperty("modules_to_save") List<String> modulesToSave) implements PeftConfig {

    public LoraDiffusionConfig {
        phaseRanks = List.copyOf(phaseRanks);
        phaseSigmas = List.copyOf(phaseSigmas);
        modulesToSave = modulesToSave == null ? List.of() : List.copyOf(modulesToSave);
        hiddenStates = hiddenStates == null ? HiddenStates.FINAL : hiddenStates;
        List<String> problems = new ArrayList<>();
        if (phaseRanks.size() != 3 || phaseSigmas.size() != 3 || phaseRanks.stream().anyMatch(r -> r < 1)) {
            problems.add("phase_ranks and phase_sigmas need three entries (early, middle, late), ranks ≥ 1, got "
                    + phaseRanks + " and " + phaseSigmas);
        }
        if (phaseSigmas.stream().anyMatch(sigma -> !Double.isFinite(sigma))) {
            problems.add("phase_sigmas must be finite, got " + phaseSigmas);
        }
        if (modulesPerPhase < 1 || filmDim < 1) {
            problems.add("modules_per_phase and film_dim must be ≥ 1, got " + modulesPerPhase + " and " + filmDim);
        }
        if (!(lambdaRank >= 0) || !(lambdaOrth >= 0) || !Double.isFinite(lambdaRank) || !Double.isFinite(lambdaOrth)) {
            problems.add("lambda_rank and lambda_orth must be numbers ≥ 0, got " + lambdaRank + " and " + lambdaOrth);
        }
        PeftConfig.checkTraining(learningRate, warmupSteps, problems);
        PeftConfig.require(PeftMethod.LORA_DIFFUSION, problems);
    }

    /**
     * The reference's defaults: ranks 64/32/8, σ 1.0/0.5/0.25, k = 2, FiLM 256, λ_rank 0.01, λ_orth 0.001, learning
     * rate 1e-4, 500 warm-up steps.
     */
    static LoraDiffusionConfig defaults() {
        return new LoraDiffusionConfig(List.of(64, 32, 8), List.of(1.0, 0.5, 0.25), 2, 256, 0.01, 0.001,
                HiddenStates.FINAL, 1e-4, 500, List.of());
    }

    @Override
    public PeftMethod method() {
        return PeftMethod.LORA_DIFFUSION;
    }

    public LoraDiffusionConfig withPhases(List<Integer> ranks, List<Double> sigmas, int perPhase) {
        return new LoraDiffusionConfig(ranks, sigmas, perPhase, filmDim, lambdaRank, lambdaOrth, hiddenStates,
                learningRate, warmupSteps, modulesToSave);
    }

    @Override
    public LoraDiffusionConfig withLearningRate(double newLearningRate, int newWarmupSteps) {
        return new LoraDiffusionConfig(phaseRanks, phaseSigmas, modulesPerPhase, filmDim, lambdaRank, lambdaOrth,
                hiddenStates, newLearningRate, newWarmupSteps, modulesToSave);
    }

    /** Where the low-rank modules act ({@code hidden_states}), each written and read as its JSON name. */
    public enum HiddenStates {
        /** The final hidden states at the scored positions; the base never back-propagates (the reference's). */
        @JsonProperty("final") FINAL,
        /** Each layer's output at every position, with modules of its own; the frozen base back-propagates. */
        @JsonProperty("every_layer") EVERY_LAYER
    }
}
