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
        WeightLoraConfig lora = (WeightLoraConfig) PeftConfig.defaults(PeftMethod.WEIGHT_LORA);
        assertEquals(1e-4, lora.learningRate());
        assertEquals(500, lora.warmupSteps());
        assertEquals(64, lora.rank());
        assertEquals(16.0, lora.alpha());
        assertEquals(6, lora.targetModules().size());
        LoraDiffusionConfig diffusion = (LoraDiffusionConfig) PeftConfig.defaults(PeftMethod.LORA_DIFFUSION);
        assertEquals(List.of(64, 32, 8), diffusion.phaseRanks());
        assertEquals(List.of(1.0, 0.5, 0.25), diffusion.phaseSigmas());
        assertEquals(2, diffusion.modulesPerPhase());
        assertEquals(256, diffusion.filmDim());
        assertEquals(0.01, diffusion.lambdaRank());
        assertEquals(0.001, diffusion.lambdaOrth());
        assertEquals(256, ((AdaptersConfig) PeftConfig.defaults(PeftMethod.ADAPTERS)).bottleneckFor(768));
    }

    @Test
    void overridesApplyOnTopOfTheDefaultsAndRoundTrip() {
        PeftConfig config = PeftConfig.fromJson(PeftMethod.WEIGHT_LORA,
                JSON.readTree("{\"rank\": 8, \"target_modules\": [\"query\", \"value\"], \"learning_rate\": 3e-4}"));
        assertEquals(WeightLoraConfig.defaults().withRank(8).withTargetModules(List.of("query", "value"))
                .withLearningRate(3e-4, 500), config);
        ObjectNode saved = (ObjectNode) JSON.readTree(config.toJson());
        assertEquals("weight_lora", saved.remove("method").asString());
        PeftConfig again = PeftConfig.fromJson(PeftMethod.WEIGHT_LORA, saved);
        assertEquals(config, again);
    }

    @Test
    void unknownKeysAreNamedWithTheMethodsOwn() {
        var error = assertThrows(IllegalArgumentException.class, () -> PeftConfig.fromJson(PeftMethod.ADAPTERS,
                JSON.readTree("{\"bottelneck\": 64, \"rank\": 4, \"lr\": 1}")));
        assertTrue(error.getMessage().contains("[bottelneck, rank, lr]"), "rank is weight_lora's: " + error.getMessage());
        assertTrue(error.getMessage().contains("valid settings: bottleneck, learning_rate, warmup_steps, modules_to_save"),
                error.getMessage());
    }

    @Test
    void badValuesAreNamed() {
        var error = assertThrows(IllegalArgumentException.class, () -> PeftConfig.fromJson(PeftMethod.LORA_DIFFUSION,
                JSON.readTree("{\"phase_ranks\": [8, 8], \"lambda_rank\": -1}")));
        assertTrue(error.getMessage().contains("lambda_rank") && error.getMessage().contains("phase_ranks"), error.getMessage());
    }

    /** adapter_config.json written when one record held every method's settings still reads. */
    @Test
    void aFileWithEveryMethodsSettingsReadsAsItsMethod(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws java.io.IOException {
        java.nio.file.Path file = java.nio.file.Files.writeString(dir.resolve("adapter_config.json"), """
                {"method": "bitfit", "rank": 64, "alpha": 16.0, "dropout": 0.1, "target_modules": ["query"],
                 "bottleneck": 0, "phase_ranks": [64, 32, 8], "phase_sigmas": [1.0, 0.5, 0.25], "modules_per_phase": 2,
                 "film_dim": 256, "lambda_rank": 0.01, "lambda_orth": 0.001, "learning_rate": 0.005,
                 "warmup_steps": 50, "modules_to_save": ["cls.predictions."]}
                """);
        assertEquals(new BitFitConfig(0.005, 50, List.of("cls.predictions.")), PeftConfig.read(file));
        java.nio.file.Files.writeString(file, "{\"method\": \"bitfit\", \"rnak\": 4}");
        var error = assertThrows(IllegalArgumentException.class, () -> PeftConfig.read(file));
        assertTrue(error.getMessage().contains("unknown bitfit setting(s) [rnak]"), error.getMessage());
    }
}
