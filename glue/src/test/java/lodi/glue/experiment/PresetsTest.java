package lodi.glue.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import lodi.peft.PeftMethod;
import org.junit.jupiter.api.Test;

class PresetsTest {
    @Test
    void everyPresetParsesWithAllFiveMethodsAndSeeds42To46() {
        for (String name : Presets.NAMES) {
            ExperimentConfig config = Presets.load(name, List.of());
            assertEquals(name, config.preset());
            assertEquals(List.of(PeftMethod.values()), config.training().parsedMethods(), name);
            assertEquals(List.of(42, 43, 44, 45, 46), config.training().seeds(), name);
            assertEquals(0.01, config.training().weightDecay(), name);
            assertEquals(1.0, config.training().clipNorm(), name);
        }
        assertTrue(Presets.load("demo", List.of()).data().synthetic());
        assertFalse(Presets.load("cpu", List.of()).data().synthetic());
    }

    @Test
    void paperPresetHasTheReferenceHyperParameters() {
        ExperimentConfig paper = Presets.load("paper", List.of());
        assertEquals(List.of(768, 12, 12, 3072), List.of(paper.model().hiddenSize(), paper.model().numLayers(),
                paper.model().numHeads(), paper.model().intermediateSize()));
        assertEquals(Choices.Schedule.COSINE, paper.diffusion().schedule());
        assertEquals(100, paper.diffusion().steps());
        var training = paper.training();
        assertEquals(List.of(15000, 64, 500), List.of(training.steps(), training.batchSize(), training.evalEvery()));
        assertEquals(5e-5, paper.peftConfig(PeftMethod.FULL_FT).learningRate());
        assertEquals(1e-4, paper.peftConfig(PeftMethod.LORA_DIFFUSION).learningRate());
        assertEquals(1000, paper.peftConfig(PeftMethod.FULL_FT).warmupSteps());
        assertEquals(500, paper.peftConfig(PeftMethod.BITFIT).warmupSteps());
        assertEquals(64, ((lodi.peft.WeightLoraConfig) paper.peftConfig(PeftMethod.WEIGHT_LORA)).rank());
    }

    @Test
    void overridesReachAnyKeyWithItsType() {
        ExperimentConfig config = Presets.load("smoke", List.of("training.steps=200", "peft.full_ft.learning_rate=1e-4", "peft.weight_lora.rank=2",
                "training.seeds=1,2", "training.methods=bitfit", "data.train_caps.sst2=50", "sampler.restrict_to_labels=true",
                "vocabulary.file=/tmp/vocab.txt", "model.hidden_size=48", "training.whole_response_share=0.25",
                "training.loss_weights=row"));
        assertEquals(200, config.training().steps());
        assertEquals(0.25, config.training().wholeResponseShareOrZero());
        assertEquals(Choices.LossWeights.ROW, config.training().lossWeightsOrToken());
        assertEquals(1e-4, config.peftConfig(PeftMethod.FULL_FT).learningRate());
        assertEquals(2, ((lodi.peft.WeightLoraConfig) config.peftConfig(PeftMethod.WEIGHT_LORA)).rank());
        assertEquals(List.of(1, 2), config.training().seeds());
        assertEquals(List.of(PeftMethod.BITFIT), config.training().parsedMethods());
        assertEquals(50, config.data().trainCaps().get("sst2"));
        assertTrue(config.sampler().restrictToLabels());
        assertEquals("/tmp/vocab.txt", config.vocabulary().file());
        assertEquals(48, config.model().hiddenSize());
        // an optional key left out stays out of the written configuration, so older run folders still match
        ExperimentConfig plain = Presets.load("smoke", List.of());
        assertEquals(0, plain.training().wholeResponseShareOrZero());
        assertEquals(Choices.LossWeights.TOKEN, plain.training().lossWeightsOrToken());
        assertFalse(Presets.toTree(plain).path("training").has("whole_response_share"));
        assertFalse(Presets.toTree(plain).path("training").has("loss_weights"));
    }

    @Test
    void badOverridesAreOneLineUsageErrors() {
        var unknown = assertThrows(ConfigurationException.class, () -> Presets.load("demo", List.of("training.stepz=3")));
        assertEquals("unknown setting 'training.stepz'; valid keys under training: steps, batch_size, max_length, eval_every,"
                + " eval_caps, eval_batch_size, weight_decay, clip_norm, methods, seeds, mixture, mixture_temperature,"
                + " bucket_window", unknown.getMessage());
        var peftKey = assertThrows(ConfigurationException.class, () -> Presets.load("demo", List.of("peft.bitfit.rnak=3")));
        assertTrue(peftKey.getMessage().contains("unknown bitfit setting(s) [rnak]"), peftKey.getMessage());
        var top = assertThrows(ConfigurationException.class, () -> Presets.load("demo", List.of("trainin.steps=3")));
        assertTrue(top.getMessage().startsWith("unknown setting 'trainin.steps'; valid keys: preset, description, base, data"),
                top.getMessage());
        var type = assertThrows(ConfigurationException.class, () -> Presets.load("demo", List.of("training.steps=many")));
        assertEquals("setting 'training.steps' needs a whole number, got 'many'", type.getMessage());
        var method = assertThrows(ConfigurationException.class, () -> Presets.load("demo", List.of("training.methods=lora")));
        assertTrue(method.getMessage().contains("valid methods: full_ft, bitfit, adapters, weight_lora, lora_diffusion"));
        var preset = assertThrows(ConfigurationException.class, () -> Presets.load("fast", List.of()));
        assertEquals("unknown preset 'fast'; valid presets: smoke, demo, cpu, minilm, paper", preset.getMessage());
        assertThrows(ConfigurationException.class, () -> Presets.load("demo", List.of("training.steps")));
    }

    /** Every odd value is refused with the key named, before any file exists; several at once are all listed. */
    @Test
    void oddValuesAreRefusedNamingTheirKey() {
        String[][] cases = {
                {"peft.full_ft.learning_rate=NaN", "learning_rate must be > 0"},
                {"peft.bitfit.learning_rate=-1", "learning_rate must be > 0"},
                {"training.weight_decay=-0.1", "training.weight_decay must be a number ≥ 0, got -0.1"},
                {"training.clip_norm=-1", "training.clip_norm must be a positive number (or 0: no clipping), got -1.0"},
                {"data.train_caps.sst2=-1", "data.train_caps.sst2 must be 0 (all) or more, got -1"},
                {"pretraining.steps=0", "pretraining.steps must be a positive number, got 0.0"},
                {"training.steps=0", "training.steps must be a positive number, got 0.0"},
                {"training.max_length=4096", "training.max_length must be at most model.max_position_embeddings"},
                {"sampler.temperature=Infinity", "sampler.temperature must be a positive number, got Infinity"},
                {"peft.weight_lora.dropout=NaN", "dropout must be in [0, 1), got NaN"},
                {"training.whole_response_share=1.5", "training.whole_response_share must lie in [0, 1], got 1.5"},
                {"pretraining.loss_weights=token", "pretraining.loss_weights must be elbo or row, got token"},
                {"training.loss_weights=rows", "training.loss_weights"},
        };
        for (String[] c : cases) {
            var error = assertThrows(ConfigurationException.class, () -> Presets.load("demo", List.of(c[0])), c[0]);
            assertTrue(error.getMessage().contains(c[1]), c[0] + " -> " + error.getMessage());
        }
        var both = assertThrows(ConfigurationException.class,
                () -> Presets.load("demo", List.of("training.weight_decay=-1", "pretraining.clip_norm=-1")));
        assertTrue(both.getMessage().startsWith("invalid settings: "), both.getMessage());
        assertTrue(both.getMessage().contains("training.weight_decay") && both.getMessage().contains("pretraining.clip_norm"),
                both.getMessage());
    }
}
