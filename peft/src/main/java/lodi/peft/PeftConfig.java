package lodi.peft;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import lodi.model.io.AtomicFiles;
import lodi.model.io.JsonChoices;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.exc.InvalidFormatException;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * A method's settings, one record type per method as HuggingFace PEFT has one config class per method:
 * {@link FullFineTuningConfig}, {@link BitFitConfig}, {@link AdaptersConfig}, {@link WeightLoraConfig},
 * {@link LoraDiffusionConfig}. Every method has the training loop's {@code learning_rate} and {@code warmup_steps}
 * and {@code modules_to_save} (base parameters that train with the method, by name prefix, e.g.
 * {@code cls.predictions.} for an output head the base never trained on the responses). The JSON form
 * ({@code adapter_config.json}, a preset's {@code peft.<method>} object) uses the snake_case names; a key the
 * method does not have is an error naming the valid ones.
 */
public sealed interface PeftConfig
        permits FullFineTuningConfig, BitFitConfig, AdaptersConfig, WeightLoraConfig, LoraDiffusionConfig {

    /** weight_lora's target names, mapped to the projection paths of {@code BertLayer.PROJECTIONS}. */
    Map<String, String> TARGET_MODULES = targets();

    PeftMethod method();

    /** Peak learning rate of the training loop. */
    double learningRate();

    /** Linear warm-up steps of the training loop. */
    int warmupSteps();

    /** Base parameters that train whatever the method, by name prefix. */
    List<String> modulesToSave();

    /** The same settings with another learning rate and warm-up. */
    PeftConfig withLearningRate(double learningRate, int warmupSteps);

    /** Whether base parameter {@code name} trains whatever the method: it lies under one of {@link #modulesToSave}. */
    default boolean savedModule(String name) {
        return modulesToSave().stream().anyMatch(name::startsWith);
    }

    /**
     * The reference's defaults for {@code method}: learning rate 5e-5 with 1,000 warm-up steps for full_ft, 1e-4
     * with 500 for the others; the rest in each method's record.
     */
    static PeftConfig defaults(PeftMethod method) {
        return switch (method) {
            case FULL_FT -> new FullFineTuningConfig(5e-5, 1000, List.of());
            case BITFIT -> new BitFitConfig(1e-4, 500, List.of());
            case ADAPTERS -> AdaptersConfig.defaults();
            case WEIGHT_LORA -> WeightLoraConfig.defaults();
            case LORA_DIFFUSION -> LoraDiffusionConfig.defaults();
        };
    }

    /** {@link #defaults} with the settings of {@code overrides} (a JSON object) on top; unknown keys fail, named. */
    static PeftConfig fromJson(PeftMethod method, JsonNode overrides) {
        return Json.merge(method, overrides, false);
    }

    /**
     * Reads a config written by {@link #write}; missing settings take the method's defaults. Settings of other
     * methods, which files written when one record held every method's settings carry, are ignored.
     */
    static PeftConfig read(Path file) throws IOException {
        try {
            JsonNode node = Json.MAPPER.readTree(Files.readString(file));
            if (!node.isObject()) {
                throw new IllegalArgumentException("not a JSON object");
            }
            ObjectNode overrides = ((ObjectNode) node).deepCopy();
            overrides.remove("method");
            return Json.merge(PeftMethod.parse(node.path("method").asString()), overrides, true);
        } catch (JacksonException | IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage());
        }
    }

    default void write(Path file) throws IOException {
        AtomicFiles.writeString(file, toJson());
    }

    /** {@code {"method": ..., settings...}}. */
    default String toJson() {
        ObjectNode node = Json.MAPPER.createObjectNode();
        node.put("method", method().id());
        node.setAll((ObjectNode) Json.MAPPER.valueToTree(this));
        return Json.MAPPER.writeValueAsString(node);
    }

    /** The checks every method's settings share; each record adds its own to {@code problems}. */
    static void checkTraining(double learningRate, int warmupSteps, List<String> problems) {
        if (!(learningRate > 0) || !Double.isFinite(learningRate) || warmupSteps < 0) {
            problems.add("learning_rate must be > 0 and warmup_steps ≥ 0, got " + learningRate + " and " + warmupSteps);
        }
    }

    /** Throws naming the method and every problem, when there are any. */
    static void require(PeftMethod method, List<String> problems) {
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(method + " config: " + String.join("; ", problems));
        }
    }

    private static Map<String, String> targets() {
        Map<String, String> all = new LinkedHashMap<>();
        all.put("query", "attention.self.query");
        all.put("key", "attention.self.key");
        all.put("value", "attention.self.value");
        all.put("attention.output.dense", "attention.output.dense");
        all.put("intermediate.dense", "intermediate.dense");
        all.put("output.dense", "output.dense");
        return java.util.Collections.unmodifiableMap(all);
    }

    /** The JSON side: defaults merged with overrides, checked key by key, into the method's record. */
    final class Json {
        static final ObjectMapper MAPPER = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

        private Json() {
        }

        static PeftConfig merge(PeftMethod method, JsonNode overrides, boolean ignoreOtherMethods) {
            PeftConfig defaults = defaults(method);
            ObjectNode merged = MAPPER.valueToTree(defaults);
            if (overrides != null && !overrides.isNull()) {
                if (!overrides.isObject()) {
                    throw new IllegalArgumentException(method + " settings must be a JSON object, got " + overrides);
                }
                List<String> unknown = new ArrayList<>();
                for (var entry : overrides.properties()) {
                    if (merged.has(entry.getKey())) {
                        merged.set(entry.getKey(), entry.getValue());
                    } else if (!(ignoreOtherMethods && anyMethodHas(entry.getKey()))) {
                        unknown.add(entry.getKey());
                    }
                }
                if (!unknown.isEmpty()) {
                    List<String> valid = new ArrayList<>();
                    merged.propertyNames().forEach(valid::add);
                    throw new IllegalArgumentException("unknown " + method + " setting(s) " + unknown + "; valid settings: "
                            + String.join(", ", valid));
                }
            }
            try {
                return MAPPER.treeToValue(merged, defaults.getClass());
            } catch (InvalidFormatException e) {
                throw new IllegalArgumentException(method + " config: " + JsonChoices.problem(e));
            } catch (JacksonException e) {
                // the constructor's own check arrives wrapped; its message names the value
                throw new IllegalArgumentException(e.getCause() instanceof IllegalArgumentException invalid
                        ? invalid.getMessage() : method + " settings " + overrides + ": " + e.getOriginalMessage());
            }
        }

        private static boolean anyMethodHas(String key) {
            for (PeftMethod method : PeftMethod.values()) {
                if (MAPPER.valueToTree(defaults(method)).has(key)) {
                    return true;
                }
            }
            return false;
        }
    }
}
