package lodi.glue.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import lodi.glue.cli.Lodi;
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
        assertEquals("cosine", paper.diffusion().schedule());
        assertEquals(100, paper.diffusion().steps());
        var training = paper.training();
        assertEquals(List.of(15000, 64, 500), List.of(training.steps(), training.batchSize(), training.evalEvery()));
        assertEquals(5e-5, paper.peftConfig(PeftMethod.FULL_FT).learningRate());
        assertEquals(1e-4, paper.peftConfig(PeftMethod.LORA_DIFFUSION).learningRate());
        assertEquals(1000, paper.peftConfig(PeftMethod.FULL_FT).warmupSteps());
        assertEquals(500, paper.peftConfig(PeftMethod.BITFIT).warmupSteps());
        assertEquals(64, paper.peftConfig(PeftMethod.WEIGHT_LORA).rank());
    }

    @Test
    void overridesReachAnyKeyWithItsType() {
        ExperimentConfig config = Presets.load("smoke", List.of("training.steps=200", "peft.full_ft.learning_rate=1e-4", "peft.weight_lora.rank=2",
                "training.seeds=1,2", "training.methods=bitfit", "data.train_caps.sst2=50", "sampler.restrict_to_labels=true",
                "vocabulary.file=/tmp/vocab.txt", "model.hidden_size=48"));
        assertEquals(200, config.training().steps());
        assertEquals(1e-4, config.peftConfig(PeftMethod.FULL_FT).learningRate());
        assertEquals(2, config.peftConfig(PeftMethod.WEIGHT_LORA).rank());
        assertEquals(List.of(1, 2), config.training().seeds());
        assertEquals(List.of(PeftMethod.BITFIT), config.training().parsedMethods());
        assertEquals(50, config.data().trainCaps().get("sst2"));
        assertTrue(config.sampler().restrictToLabels());
        assertEquals("/tmp/vocab.txt", config.vocabulary().file());
        assertEquals(48, config.model().hiddenSize());
    }

    @Test
    void badOverridesAreOneLineUsageErrors() {
        var unknown = assertThrows(Lodi.UsageException.class, () -> Presets.load("demo", List.of("training.stepz=3")));
        assertEquals("unknown setting 'training.stepz'; valid keys under training: steps, batch_size, max_length, eval_every,"
                + " eval_caps, eval_batch_size, weight_decay, clip_norm, methods, seeds, mixture, mixture_temperature,"
                + " bucket_window", unknown.getMessage());
        var peftKey = assertThrows(IllegalArgumentException.class, () -> Presets.load("demo", List.of("peft.bitfit.rnak=3")));
        assertTrue(peftKey.getMessage().contains("unknown bitfit setting(s) [rnak]"), peftKey.getMessage());
        var top = assertThrows(Lodi.UsageException.class, () -> Presets.load("demo", List.of("trainin.steps=3")));
        assertTrue(top.getMessage().startsWith("unknown setting 'trainin.steps'; valid keys: preset, description, base, data"),
                top.getMessage());
        var type = assertThrows(Lodi.UsageException.class, () -> Presets.load("demo", List.of("training.steps=many")));
        assertEquals("setting 'training.steps' needs a whole number, got 'many'", type.getMessage());
        var method = assertThrows(IllegalArgumentException.class, () -> Presets.load("demo", List.of("training.methods=lora")));
        assertTrue(method.getMessage().contains("valid methods: full_ft, bitfit, adapters, weight_lora, lora_diffusion"));
        var preset = assertThrows(Lodi.UsageException.class, () -> Presets.load("fast", List.of()));
        assertEquals("unknown preset 'fast'; valid presets: smoke, demo, cpu, minilm, paper", preset.getMessage());
        assertThrows(Lodi.UsageException.class, () -> Presets.load("demo", List.of("training.steps")));
    }
}
