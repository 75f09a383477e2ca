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

    /**
     * The state saved in {@code dir}, or null when there is none. A save interrupted between its two renames left
     * the previous state as {@code dir.old}; that one is used.
     */
    public static TrainingState load(Path dir) throws IOException {
        Path old = dir.resolveSibling(dir.getFileName() + ".old");
        if (!Files.exists(dir) && Files.isRegularFile(old.resolve("state.json"))) {
            dir = old;
        }
        Path stateFile = dir.resolve("state.json");
        if (!Files.isRegularFile(stateFile)) {
            return null;
        }
        JsonNode state;
        try {
            state = JSON.readTree(Files.readString(stateFile));
        } catch (tools.jackson.core.JacksonException e) {
            throw new IOException(stateFile + ": damaged checkpoint (" + e.getOriginalMessage() + "); delete "
                    + stateFile.getParent() + " to start the run over", e);
        }
        Map<String, Double> scalars = new LinkedHashMap<>();
        for (var entry : state.path("optimizer_scalars").properties()) {
            scalars.put(entry.getKey(), entry.getValue().doubleValue());
        }
        return new TrainingState(state.path("step").longValue(), Safetensors.readWeights(dir.resolve("weights.safetensors")),
                new OptimizerState(Safetensors.read(dir.resolve("optimizer.safetensors")).tensors(), scalars), state.path("extra"));
    }

    /** Removes the state in {@code dir} and what an interrupted save left beside it ({@code .partial}, {@code .old}). */
    public static void delete(Path dir) throws IOException {
        deleteRecursively(dir.resolveSibling(dir.getFileName() + ".partial"));
        deleteRecursively(dir.resolveSibling(dir.getFileName() + ".old"));
        deleteRecursively(dir);
    }

    private static void deleteRecursively(Path path) throws IOException {
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
