package lodi.peft;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code adapters}' settings.
 *
 * @param bottleneck the adapters' bottleneck m; 0 means hidden size / 3 (the reference's 256 at d = 768)
 */
public record AdaptersConfig(
        @JsonProperty("bottleneck") int bottleneck,
        @JsonProperty("learning_rate") double learningRate,
        @JsonProperty("warmup_steps") int warmupSteps,
        @JsonProperty("modules_to_save") List<String> modulesToSave) implements PeftConfig {

    public AdaptersConfig {
        modulesToSave = modulesToSave == null ? List.of() : List.copyOf(modulesToSave);
        List<String> problems = new ArrayList<>();
        if (bottleneck < 0) {
            problems.add("bottleneck must be ≥ 0 (0: hidden size / 3), got " + bottleneck);
        }
        PeftConfig.checkTraining(learningRate, warmupSteps, problems);
        PeftConfig.require(PeftMethod.ADAPTERS, problems);
    }

    /** The reference's defaults: bottleneck d/3, learning rate 1e-4, 500 warm-up steps. */
    static AdaptersConfig defaults() {
        return new AdaptersConfig(0, 1e-4, 500, List.of());
    }

    @Override
    public PeftMethod method() {
        return PeftMethod.ADAPTERS;
    }

    /** The adapter bottleneck for hidden size {@code d}. */
    public int bottleneckFor(int d) {
        return bottleneck > 0 ? bottleneck : Math.max(1, d / 3);
    }

    @Override
    public AdaptersConfig withLearningRate(double newLearningRate, int newWarmupSteps) {
        return new AdaptersConfig(bottleneck, newLearningRate, newWarmupSteps, modulesToSave);
    }
}
