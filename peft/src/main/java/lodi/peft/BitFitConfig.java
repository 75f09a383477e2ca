package lodi.peft;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.ArrayList;
import java.util.List;

/** {@code bitfit}'s settings: the training loop's alone (the biases train). */
public record BitFitConfig(
        @JsonProperty("learning_rate") double learningRate,
        @JsonProperty("warmup_steps") int warmupSteps,
        @JsonProperty("modules_to_save") List<String> modulesToSave) implements PeftConfig {

    public BitFitConfig {
        modulesToSave = modulesToSave == null ? List.of() : List.copyOf(modulesToSave);
        List<String> problems = new ArrayList<>();
        PeftConfig.checkTraining(learningRate, warmupSteps, problems);
        PeftConfig.require(PeftMethod.BITFIT, problems);
    }

    @Override
    public PeftMethod method() {
        return PeftMethod.BITFIT;
    }

    @Override
    public BitFitConfig withLearningRate(double newLearningRate, int newWarmupSteps) {
        return new BitFitConfig(newLearningRate, newWarmupSteps, modulesToSave);
    }
}
