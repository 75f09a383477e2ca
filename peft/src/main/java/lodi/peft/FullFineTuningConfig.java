package lodi.peft;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.ArrayList;
import java.util.List;

/** {@code full_ft}'s settings: the training loop's alone (every weight trains). */
public record FullFineTuningConfig(
        @JsonProperty("learning_rate") double learningRate,
        @JsonProperty("warmup_steps") int warmupSteps,
        @JsonProperty("modules_to_save") List<String> modulesToSave) implements PeftConfig {

    public FullFineTuningConfig {
        modulesToSave = modulesToSave == null ? List.of() : List.copyOf(modulesToSave);
        List<String> problems = new ArrayList<>();
        PeftConfig.checkTraining(learningRate, warmupSteps, problems);
        PeftConfig.require(PeftMethod.FULL_FT, problems);
    }

    @Override
    public PeftMethod method() {
        return PeftMethod.FULL_FT;
    }

    @Override
    public FullFineTuningConfig withLearningRate(double newLearningRate, int newWarmupSteps) {
        return new FullFineTuningConfig(newLearningRate, newWarmupSteps, modulesToSave);
    }
}
