package lodi.peft;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import lodi.autograd.Parameter;
import lodi.model.TokenBatch;
import lodi.model.bert.Denoiser;
import lodi.model.bert.ToyLabelTask;
import lodi.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import tools.jackson.databind.json.JsonMapper;

class PeftMethodsTest {
    @TempDir
    Path temp;

    private static PeftModel apply(PeftMethod method, long baseSeed) {
        return Peft.apply(ToyTraining.tinyBase(baseSeed), PeftConfig.defaults(method), 5);
    }

    private static Map<String, float[]> snapshot(Map<String, Parameter> parameters) {
        return parameters.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().value().toArray()));
    }

    @ParameterizedTest
    @EnumSource(PeftMethod.class)
    void twentyStepsMoveEveryTrainableTensorAndNoFrozenOne(PeftMethod method) {
        PeftModel model = apply(method, 1);
        Map<String, float[]> before = snapshot(model.allParameters());
        ToyTraining.train(model, 20, 8, 1e-3, 42);
        Map<String, Parameter> trainable = model.trainableParameters();
        assertFalse(trainable.isEmpty());
        model.allParameters().forEach((name, p) -> {
            float[] now = p.value().toArray();
            if (trainable.containsKey(name)) {
                assertFalse(java.util.Arrays.equals(before.get(name), now), method + ": trainable " + name + " did not move");
            } else {
                assertArrayEquals(before.get(name), now, method + ": frozen " + name + " changed");
            }
        });
    }

    @ParameterizedTest
    @EnumSource(value = PeftMethod.class, names = {"FULL_FT", "BITFIT", "ADAPTERS", "WEIGHT_LORA"})
    void atInitialisationTheModelIsExactlyTheBase(PeftMethod method) {
        Denoiser reference = ToyTraining.tinyBase(3);
        PeftModel model = apply(method, 3);
        ToyLabelTask task = ToyTraining.TASK;
        TokenBatch batch = task.batch(List.of(ToyLabelTask.example(1, 0), ToyLabelTask.example(1, 1)), 32);
        float[] times = {0.3f, 0.9f};
        int[] positions = {1, 3, batch.start(1) + 2};
        assertArrayEquals(reference.logits(batch, times, positions).toArray(), model.logits(batch, times, positions).toArray());
    }

    @Test
    void trainableSetsAndCountsFollowEachMethod() {
        long base = ToyTraining.tinyBase(1).parameterCount();
        assertEquals(new ParameterCount(base, base), apply(PeftMethod.FULL_FT, 1).parameterCount());

        PeftModel bitfit = apply(PeftMethod.BITFIT, 1);
        assertTrue(bitfit.trainableParameters().keySet().stream().allMatch(n -> n.endsWith("bias") || n.contains("LayerNorm")),
                bitfit.trainableParameters().keySet().toString());
        assertTrue(bitfit.trainableParameters().containsKey("bert.encoder.layer.0.output.LayerNorm.weight"));
        assertEquals(base, bitfit.parameterCount().total());

        // d = 32, m = d/3 = 10: down 32·10 + 10, up 10·32 + 32, two adapters per layer, two layers
        PeftModel adapters = apply(PeftMethod.ADAPTERS, 1);
        long adapterParams = 4L * (32 * 10 + 10 + 10 * 32 + 32);
        assertEquals(new ParameterCount(adapterParams, base + adapterParams), adapters.parameterCount());
        assertTrue(adapters.trainableParameters().containsKey("bert.encoder.layer.1.attention.output.adapter.down.weight"));

        // r = min(64, d) = 32; q, k, v, attention output: 2·32·32 each; FFN up 32·32 + 64·32; down 32·64 + 32·32
        PeftModel lora = apply(PeftMethod.WEIGHT_LORA, 1);
        long loraParams = 2L * (4 * 2 * 32 * 32 + 2 * (32 * 32 + 64 * 32));
        assertEquals(new ParameterCount(loraParams, base + loraParams), lora.parameterCount());
        assertTrue(lora.trainableParameters().containsKey("bert.encoder.layer.0.attention.self.query.lora_A.weight"));

        // ranks min(64|32|8, 32) = 32, 32, 8; per module B r·d + A d·r + W_s r·256 + W_h d·256; prompt projection 256·d
        PeftModel diffusion = apply(PeftMethod.LORA_DIFFUSION, 1);
        long perModule32 = 32 * 32 * 2 + 32 * 256 + 32 * 256;
        long perModule8 = 8 * 32 * 2 + 8 * 256 + 32 * 256;
        long diffusionParams = 256 * 32 + 2 * (2 * perModule32 + perModule8);
        assertEquals(new ParameterCount(diffusionParams, base + diffusionParams), diffusion.parameterCount());
        assertTrue(diffusion.trainableParameters().containsKey("lora_diffusion.late.1.film_scale.weight"));
    }

    @Test
    void parameterCountPrintsHuggingFacesLineAndParamsJson() throws IOException {
        PeftModel model = apply(PeftMethod.WEIGHT_LORA, 1);
        ParameterCount count = model.parameterCount();
        assertTrue(count.toString().matches("trainable params: [0-9,]+ \\|\\| all params: [0-9,]+ \\|\\| trainable%: [0-9.]+"),
                count.toString());
        Path file = temp.resolve("params.json");
        model.writeParamsJson(file);
        var json = JsonMapper.builder().build().readTree(Files.readString(file));
        assertEquals("weight_lora", json.get("method").asString());
        assertEquals(count.trainable(), json.get("trainable_params").asLong());
        assertEquals(count.total(), json.get("all_params").asLong());
        assertEquals(count.trainablePercent(), json.get("trainable_percent").asDouble(), 1e-9);
    }

    @ParameterizedTest
    @EnumSource(PeftMethod.class)
    void saveThenLoadRestoresOnlyTheTrainableWeights(PeftMethod method) throws IOException {
        PeftModel trained = apply(method, 1);
        ToyTraining.train(trained, 2, 4, 1e-2, 7);
        trained.saveTrainable(temp.resolve("run"));
        assertTrue(Files.isRegularFile(temp.resolve("run/adapter_config.json")));
        assertEquals(PeftConfig.defaults(method), PeftConfig.read(temp.resolve("run/adapter_config.json")));

        PeftModel fresh = apply(method, 1);
        fresh.loadTrainable(temp.resolve("run"));
        trained.trainableParameters().forEach((name, p) ->
                assertArrayEquals(p.value().toArray(), fresh.trainableParameters().get(name).value().toArray(), name));
    }

    @Test
    void loadingNamesTheWrongMethodAndEveryMismatchedShape() throws IOException {
        PeftModel lora = Peft.apply(ToyTraining.tinyBase(1), WeightLoraConfig.defaults().withRank(4), 5);
        lora.saveTrainable(temp.resolve("r4"));
        PeftModel other = Peft.apply(ToyTraining.tinyBase(1), WeightLoraConfig.defaults().withRank(8), 5);
        var error = assertThrows(IllegalArgumentException.class, () -> other.loadTrainable(temp.resolve("r4")));
        assertTrue(error.getMessage().contains("shape mismatch for bert.encoder.layer.0.attention.self.query.lora_A.weight: saved [4, 32], model [8, 32]"),
                error.getMessage());
        assertTrue(error.getMessage().contains("bert.encoder.layer.1.output.dense.lora_B.weight"), error.getMessage());

        PeftModel adapters = apply(PeftMethod.ADAPTERS, 1);
        var wrongMethod = assertThrows(IllegalArgumentException.class, () -> adapters.loadTrainable(temp.resolve("r4")));
        assertTrue(wrongMethod.getMessage().contains("saved for method weight_lora, this model is adapters"), wrongMethod.getMessage());
        assertTrue(wrongMethod.getMessage().contains("missing bert.encoder.layer.0.output.adapter.up.weight"), wrongMethod.getMessage());
    }

    @Test
    void weightLoraMergesForInference() {
        WeightLora model = (WeightLora) Peft.apply(ToyTraining.tinyBase(2), PeftConfig.defaults(PeftMethod.WEIGHT_LORA), 5);
        ToyTraining.train(model, 5, 8, 1e-2, 3);
        ToyLabelTask task = ToyTraining.TASK;
        TokenBatch batch = task.batch(List.of(ToyLabelTask.example(1, 4), ToyLabelTask.example(1, 5)), 32);
        float[] times = {0.5f, 0.2f};
        int[] positions = {0, 2, 4, batch.start(1) + 1};
        Tensor unmerged = model.logits(batch, times, positions);
        model.merge();
        Tensor merged = model.logits(batch, times, positions);
        for (int i = 0; i < unmerged.size(); i++) {
            assertEquals(unmerged.get(i), merged.get(i), 1e-4 * (1 + Math.abs(unmerged.get(i))), "logit " + i);
        }
        model.unmerge();
    }

    @Test
    void unknownTargetModuleFailsListingTheValidOnes() {
        var error = assertThrows(IllegalArgumentException.class,
                () -> WeightLoraConfig.defaults().withTargetModules(List.of("query", "attention.self.q")));
        assertTrue(error.getMessage().contains("attention.self.q")
                && error.getMessage().contains("query, key, value, attention.output.dense, intermediate.dense, output.dense"),
                error.getMessage());
        var unknownMethod = assertThrows(IllegalArgumentException.class, () -> PeftMethod.parse("lora"));
        assertTrue(unknownMethod.getMessage().contains("full_ft, bitfit, adapters, weight_lora, lora_diffusion"));
    }

    @Test
    void weightLoraOnChosenTargetsOnly() {
        PeftModel model = Peft.apply(ToyTraining.tinyBase(1),
                WeightLoraConfig.defaults().withTargetModules(List.of("query", "value")).withRank(4), 5);
        assertEquals(2 * 2 * 2 * 4 * 32, model.parameterCount().trainable());
        assertTrue(model.trainableParameters().keySet().stream().allMatch(n -> n.contains(".query.") || n.contains(".value.")));
    }
}
