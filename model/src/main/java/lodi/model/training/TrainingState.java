package lodi.model.training;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;
import lodi.autograd.optim.OptimizerState;
import lodi.model.io.Safetensors;
import lodi.tensor.Tensor;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * What a run needs to resume bit-identically: the weights it trains, the optimizer's state, the number of
 * finished steps and whatever else the run keeps (its history, best metric) as JSON. Stored in a folder as
 * {@code weights.safetensors}, {@code optimizer.safetensors} and {@code state.json}; written to a temporary
 * folder first and moved into place, so an interruption leaves the previous checkpoint whole.
 */
public record TrainingState(long step, Map<String, Tensor> weights, OptimizerState optimizer, JsonNode extra) {
    private static final ObjectMapper JSON = JsonMapper.builder().build();

    public void save(Path dir) throws IOException {
        Path parent = dir.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path temporary = parent.resolve(dir.getFileName() + ".partial");
        deleteRecursively(temporary);
        Files.createDirectories(temporary);
        Safetensors.write(temporary.resolve("weights.safetensors"), weights, Map.of());
        Safetensors.write(temporary.resolve("optimizer.safetensors"), optimizer.tensors(), Map.of());
        ObjectNode state = JSON.createObjectNode();
        state.put("step", step);
        ObjectNode scalars = state.putObject("optimizer_scalars");
        optimizer.scalars().forEach(scalars::put);
        state.set("extra", extra);
        Files.writeString(temporary.resolve("state.json"), JSON.writeValueAsString(state));
        Path old = parent.resolve(dir.getFileName() + ".old");
        deleteRecursively(old);
        if (Files.exists(dir)) {
            Files.move(dir, old, StandardCopyOption.ATOMIC_MOVE);
        }
        Files.move(temporary, dir, StandardCopyOption.ATOMIC_MOVE);
        deleteRecursively(old);
    }

    /** The state saved in {@code dir}, or null when there is none. */
    public static TrainingState load(Path dir) throws IOException {
        Path stateFile = dir.resolve("state.json");
        if (!Files.isRegularFile(stateFile)) {
            return null;
        }
        JsonNode state = JSON.readTree(Files.readString(stateFile));
        Map<String, Double> scalars = new LinkedHashMap<>();
        for (var entry : state.path("optimizer_scalars").properties()) {
            scalars.put(entry.getKey(), entry.getValue().doubleValue());
        }
        return new TrainingState(state.path("step").longValue(), Safetensors.read(dir.resolve("weights.safetensors")).tensors(),
                new OptimizerState(Safetensors.read(dir.resolve("optimizer.safetensors")).tensors(), scalars), state.path("extra"));
    }

    static void deleteRecursively(Path path) throws IOException {
        if (!Files.exists(path)) {
            return;
        }
        try (var walk = Files.walk(path)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
