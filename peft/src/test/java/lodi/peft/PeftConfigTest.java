package lodi.peft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

class PeftConfigTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Test
    void defaultsAreTheReferences() {
        PeftConfig full = PeftConfig.defaults(PeftMethod.FULL_FT);
        assertEquals(5e-5, full.learningRate());
        assertEquals(1000, full.warmupSteps());
        PeftConfig lora = PeftConfig.defaults(PeftMethod.WEIGHT_LORA);
        assertEquals(1e-4, lora.learningRate());
        assertEquals(500, lora.warmupSteps());
        assertEquals(64, lora.rank());
        assertEquals(16.0, lora.alpha());
        assertEquals(6, lora.targetModules().size());
        PeftConfig diffusion = PeftConfig.defaults(PeftMethod.LORA_DIFFUSION);
        assertEquals(List.of(64, 32, 8), diffusion.phaseRanks());
        assertEquals(List.of(1.0, 0.5, 0.25), diffusion.phaseSigmas());
        assertEquals(2, diffusion.modulesPerPhase());
        assertEquals(256, diffusion.filmDim());
        assertEquals(0.01, diffusion.lambdaRank());
        assertEquals(0.001, diffusion.lambdaOrth());
        assertEquals(256, PeftConfig.defaults(PeftMethod.ADAPTERS).bottleneckFor(768));
    }

    @Test
    void overridesApplyOnTopOfTheDefaultsAndRoundTrip() {
        PeftConfig config = PeftConfig.fromJson(PeftMethod.WEIGHT_LORA,
                JSON.readTree("{\"rank\": 8, \"target_modules\": [\"query\", \"value\"], \"learning_rate\": 3e-4}"));
        assertEquals(PeftConfig.defaults(PeftMethod.WEIGHT_LORA).withRank(8).withTargetModules(List.of("query", "value"))
                .withLearningRate(3e-4, 500), config);
        ObjectNode saved = (ObjectNode) JSON.readTree(config.toJson());
        assertEquals("weight_lora", saved.remove("method").asString());
        PeftConfig again = PeftConfig.fromJson(PeftMethod.WEIGHT_LORA, saved);
        assertEquals(config, again);
    }

    @Test
    void unknownKeysAreNamed() {
        var error = assertThrows(IllegalArgumentException.class, () -> PeftConfig.fromJson(PeftMethod.ADAPTERS,
                JSON.readTree("{\"bottelneck\": 64, \"rank\": 4, \"lr\": 1}")));
        assertTrue(error.getMessage().contains("[bottelneck, lr]") && error.getMessage().contains("bottleneck"),
                error.getMessage());
    }

    @Test
    void badValuesAreNamed() {
        var error = assertThrows(IllegalArgumentException.class, () -> PeftConfig.fromJson(PeftMethod.LORA_DIFFUSION,
                JSON.readTree("{\"phase_ranks\": [8, 8], \"dropout\": 1.5}")));
        assertTrue(error.getMessage().contains("dropout") && error.getMessage().contains("phase_ranks"), error.getMessage());
    }
}
