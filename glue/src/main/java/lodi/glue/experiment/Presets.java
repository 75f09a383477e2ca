package lodi.glue.experiment;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import lodi.model.io.JsonChoices;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.exc.InvalidFormatException;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The presets ({@code smoke}, {@code demo}, {@code cpu}, {@code minilm}, {@code paper}) and command-line overrides.
 *
 * <p>An override {@code path=value} names an existing key by its dotted path ({@code training.steps=200},
 * {@code peft.full_ft.learning_rate=1e-4}, {@code data.train_caps.sst2=500}); the value is read as the
 * key's current type (number, boolean, string; a comma-separated list for a list). Under {@code peft.<method>}
 * any of the method's settings may be given ({@code peft.weight_lora.rank=16}), read as JSON. Overrides apply to the
 * JSON tree before it becomes an {@link ExperimentConfig}, so every key of a preset can be overridden and an
 * unknown key is an error listing the keys valid at that level.
 */
public final class Presets {
    public static final List<String> NAMES = List.of("smoke", "demo", "cpu", "minilm", "paper");
    public static final String DEFAULT = "demo";
    /**
     * Settings a preset may leave out (absent is their default, and a run folder made without them stays the same
     * configuration) that an override may still set.
     */
    static final List<String> OPTIONAL_KEYS = List.of("pretraining.train_encoder",
            "data.skip_bad_rows", "training.whole_response_share",
            "training.loss_weights");

    /** snake_case JSON for the config tree, indented when written. */
    public static final ObjectMapper JSON = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .build();

    private Presets() {
    }

    /** The preset's JSON tree. */
    public static ObjectNode tree(String name) {
        if (!NAMES.contains(name)) {
            throw new ConfigurationException("unknown preset '" + name + "'; valid presets: " + String.join(", ", NAMES));
        }
        try (InputStream in = Presets.class.getResourceAsStream("/presets/" + name + ".json")) {
            if (in == null) {
                throw new IllegalStateException("preset " + name + " is missing from the build");
            }
            return (ObjectNode) JSON.readTree(in);
        } catch (IOException e) {
            throw new IllegalStateException("preset " + name + " cannot be read: " + e.getMessage(), e);
        }
    }

    /** A preset with {@code overrides} ({@code path=value} strings) applied, in order. */
    public static ExperimentConfig load(String name, List<String> overrides) {
        ObjectNode tree = tree(name);
        for (String override : overrides) {
            int eq = override.indexOf('=');
            if (eq <= 0) {
                throw new ConfigurationException("--set takes key=value (e.g. training.steps=200), got '" + override + "'");
            }
            set(tree, override.substring(0, eq).trim(), override.substring(eq + 1).trim());
        }
        return convert(tree, name);
    }

    /** Sets the value at a dotted {@code path} that must already exist in {@code tree}. */
    public static void set(ObjectNode tree, String path, String value) {
        String[] keys = path.split("\\.");
        ObjectNode parent = tree;
        for (int i = 0; i < keys.length; i++) {
            String prefix = String.join(".", List.of(keys).subList(0, i));
            JsonNode child = parent.get(keys[i]);
            if (child == null && i == 2 && keys.length == 3 && keys[0].equals("peft")) {
                // A method's settings may name any PeftConfig key; PeftConfig.fromJson checks them.
                parent.set(keys[i], parseLoose(value));
                return;
            }
            if (child == null && i == keys.length - 1 && OPTIONAL_KEYS.contains(path)) {
                parent.set(keys[i], parseLoose(value));
                return;
            }
            if (child == null) {
                List<String> valid = new ArrayList<>();
                parent.propertyNames().forEach(valid::add);
                throw new ConfigurationException("unknown setting '" + path + "'; valid keys"
                        + (prefix.isEmpty() ? "" : " under " + prefix) + ": " + String.join(", ", valid));
            }
            if (i == keys.length - 1) {
                parent.set(keys[i], parse(child, value, path));
            } else if (child instanceof ObjectNode object) {
                parent = object;
            } else {
                throw new ConfigurationException("setting '" + path + "': " + String.join(".", List.of(keys).subList(0, i + 1))
                        + " is a value, not a group of settings");
            }
        }
    }

    /** The resolved configuration as JSON (what a run folder's config.json starts from). */
    public static ObjectNode toTree(ExperimentConfig config) {
        return JSON.valueToTree(config);
    }

    /** A configuration tree back to the record (a run folder's config.json). */
    public static ExperimentConfig convert(JsonNode tree, String origin) {
        ExperimentConfig config;
        try {
            config = JSON.treeToValue(tree, ExperimentConfig.class);
        } catch (InvalidFormatException e) {
            throw new ConfigurationException(origin + ": invalid setting (" + JsonChoices.problem(e) + ")");
        } catch (JacksonException e) {
            // a record constructor's own check arrives wrapped; its message is the one that names the value
            String reason = e.getCause() instanceof IllegalArgumentException invalid ? invalid.getMessage()
                    : e.getOriginalMessage();
            throw new ConfigurationException(origin + ": invalid setting (" + reason + ")");
        }
        ConfigValidation.check(config);
        return config;
    }

    private static JsonNode parseLoose(String value) {
        try {
            return JSON.readTree(value);
        } catch (JacksonException e) {
            return JsonNodeFactory.instance.textNode(value);
        }
    }

    private static JsonNode parse(JsonNode current, String value, String path) {
        JsonNodeFactory nodes = JsonNodeFactory.instance;
        try {
            if (current.isArray()) {
                ArrayNode array = nodes.arrayNode();
                JsonNode element = current.isEmpty() ? nodes.textNode("") : current.get(0);
                for (String part : value.isEmpty() ? new String[0] : value.split(",")) {
                    array.add(parse(element, part.trim(), path));
                }
                return array;
            }
            if (current.isIntegralNumber()) {
                return nodes.numberNode(Long.parseLong(value));
            }
            if (current.isNumber()) {
                return nodes.numberNode(Double.parseDouble(value));
            }
            if (current.isBoolean()) {
                if (!value.equals("true") && !value.equals("false")) {
                    throw new NumberFormatException();
                }
                return nodes.booleanNode(Boolean.parseBoolean(value));
            }
            if (current.isObject()) {
                throw new ConfigurationException("setting '" + path + "' is a group; set one of its keys: "
                        + String.join(", ", current.propertyNames()));
            }
            return value.equals("null") ? nodes.nullNode() : nodes.textNode(value);
        } catch (NumberFormatException e) {
            throw new ConfigurationException("setting '" + path + "' needs a " + (current.isBoolean() ? "boolean"
                    : current.isIntegralNumber() ? "whole number" : "number") + ", got '" + value + "'");
        }
    }
}
