package lodi.autograd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import lodi.tensor.Tensor;
import org.junit.jupiter.api.Test;

class ModuleTest {
    static final class Block extends Module {
        Block(long seed) {
            registerModule("query", new Linear(4, 4, true, seed, 0));
            registerModule("output", new Linear(4, 2, false, seed, 1));
        }
    }

    static final class Net extends Module {
        final ModuleList<Block> layers = registerModule("layers", new ModuleList<>());

        Net(long seed) {
            layers.add(new Block(seed));
            layers.add(new Block(seed + 1));
        }
    }

    @Test
    void parametersHaveHierarchicalNames() {
        Net net = new Net(1);
        assertEquals(List.of("layers.0.query.weight", "layers.0.query.bias", "layers.0.output.weight",
                "layers.1.query.weight", "layers.1.query.bias", "layers.1.output.weight"),
                List.copyOf(net.namedParameters().keySet()));
        assertEquals(2 * (16 + 4 + 8), net.parameterCount());
        assertTrue(net.namedModules().containsKey("layers.1.query"));
    }

    @Test
    void stateDictRoundTripsAndReportsEveryProblemByName() {
        Net source = new Net(1);
        Net target = new Net(2);
        target.loadStateDict(source.stateDict(), true);
        assertEquals(source.stateDict().get("layers.1.output.weight").get(3),
                target.stateDict().get("layers.1.output.weight").get(3));

        var broken = new java.util.LinkedHashMap<>(source.stateDict());
        broken.remove("layers.0.query.bias");
        broken.put("layers.0.output.weight", Tensor.zeros(3, 3));
        broken.put("extra.weight", Tensor.zeros(1));
        var error = assertThrows(IllegalArgumentException.class, () -> target.loadStateDict(broken, true));
        assertTrue(error.getMessage().contains("missing layers.0.query.bias"), error.getMessage());
        assertTrue(error.getMessage().contains("shape mismatch for layers.0.output.weight"), error.getMessage());
        assertTrue(error.getMessage().contains("unexpected extra.weight"), error.getMessage());
    }

    @Test
    void trainAndEvalReachDescendants() {
        Net net = new Net(1);
        net.eval();
        for (Map.Entry<String, Module> m : net.namedModules().entrySet()) {
            assertEquals(false, m.getValue().isTraining(), m.getKey());
        }
    }
}
