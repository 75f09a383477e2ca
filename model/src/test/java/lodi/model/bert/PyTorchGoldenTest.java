package lodi.model.bert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import lodi.autograd.LossOps;
import lodi.autograd.Parameter;
import lodi.autograd.Variable;
import lodi.autograd.optim.AdamW;
import lodi.autograd.optim.LrSchedule;
import lodi.model.TokenBatch;
import lodi.model.io.Safetensors;
import lodi.model.training.TrainingStep;
import lodi.tensor.Sequences;
import lodi.tensor.Tensor;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The whole denoiser against PyTorch, as llm.c checks its model: a tiny BERT denoiser in HuggingFace names, one
 * padded batch, and what PyTorch 1.13 computed for it (logits, loss, every parameter's gradient, five AdamW steps'
 * losses), committed under {@code golden/tiny-denoiser} by {@code scripts/make-golden-denoiser.py}. Runs
 * without PyTorch.
 */
class PyTorchGoldenTest {
    private static final Path DIR = resource("/golden/tiny-denoiser");

    private static Path resource(String name) {
        try {
            return Path.of(PyTorchGoldenTest.class.getResource(name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private record Golden(TokenBatch batch, float[] times, int[] positions, int[] targets, JsonNode json,
                          Map<String, Tensor> expected) {
    }

    private static Golden golden() throws IOException {
        JsonNode json = JsonMapper.builder().build().readTree(Files.readString(DIR.resolve("batch.json")));
        int batch = json.path("batch").intValue();
        int seq = json.path("seq").intValue();
        TokenBatch tokens = new TokenBatch(ints(json.path("ids")), ints(json.path("segments")),
                Sequences.padded(seq, ints(json.path("lengths"))), new boolean[batch * seq]);
        float[] times = new float[batch];
        for (int b = 0; b < batch; b++) {
            times[b] = json.path("times").get(b).floatValue();
        }
        return new Golden(tokens, times, ints(json.path("positions")), ints(json.path("targets")), json,
                Safetensors.read(DIR.resolve("expected.safetensors")).tensors());
    }

    private static int[] ints(JsonNode array) {
        int[] values = new int[array.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = array.get(i).intValue();
        }
        return values;
    }

    /** The largest |a − b| over the tensor, relative to the largest |b| (at least 1e-3, for tiny gradients). */
    static double relativeError(Tensor actual, Tensor expected) {
        assertEquals(expected.size(), actual.size());
        double worst = 0;
        double scale = 1e-3;
        for (int i = 0; i < expected.size(); i++) {
            worst = Math.max(worst, Math.abs(actual.get(i) - expected.get(i)));
            scale = Math.max(scale, Math.abs(expected.get(i)));
        }
        return worst / scale;
    }

    /** The golden batch with its rows back to back (no padding) and its scored positions moved with them. */
    private static Golden packed(Golden padded) {
        TokenBatch batch = padded.batch();
        int rows = batch.batch();
        int[] lengths = batch.lengths();
        Sequences sequences = Sequences.packed(lengths);
        int[] ids = new int[sequences.end()];
        int[] segments = new int[sequences.end()];
        for (int b = 0; b < rows; b++) {
            System.arraycopy(batch.ids(), batch.start(b), ids, sequences.starts()[b], lengths[b]);
            System.arraycopy(batch.segments(), batch.start(b), segments, sequences.starts()[b], lengths[b]);
        }
        int[] rowOf = batch.rowOfPositions();
        int[] positions = padded.positions().clone();
        for (int n = 0; n < positions.length; n++) {
            int row = rowOf[positions[n]];
            positions[n] = positions[n] - batch.start(row) + sequences.starts()[row];
        }
        return new Golden(new TokenBatch(ids, segments, sequences, new boolean[ids.length]), padded.times(), positions,
                padded.targets(), padded.json(), padded.expected());
    }

    @Test
    void logitsLossAndEveryGradientMatchPyTorch() throws IOException {
        Golden g = golden();
        assertMatchesPyTorch(g);
        assertMatchesPyTorch(packed(g));
    }

    private static void assertMatchesPyTorch(Golden g) throws IOException {
        Denoiser model = Checkpoints.load(DIR);
        Variable logits = model.logits(model.hidden(g.batch(), g.times()), g.positions());
        Variable loss = LossOps.crossEntropy(logits, g.targets());
        assertTrue(relativeError(logits.value(), g.expected().get("logits")) < 1e-5, "logits");
        assertEquals(g.json().path("loss").doubleValue(), loss.value().get(0), 1e-5, "loss");
        loss.backward();
        Map<String, Parameter> parameters = model.namedParameters();
        Map<String, Double> errors = new TreeMap<>();
        for (var entry : parameters.entrySet()) {
            Tensor expected = g.expected().get("grad." + entry.getKey());
            assertNotNull(expected, "PyTorch has a gradient for " + entry.getKey());
            errors.put(entry.getKey(), relativeError(entry.getValue().grad(), expected));
        }
        assertEquals(g.expected().size() - 1, parameters.size(), "one gradient per parameter, no more");
        errors.forEach((name, error) -> assertTrue(error < 1e-4, name + ": relative error " + error));

        // the check can fail: one gradient value off by 1% of its tensor's scale is caught
        String name = "bert.encoder.layer.1.attention.self.key.weight";
        Tensor perturbed = g.expected().get("grad." + name).copy();
        double scale = relativeError(Tensor.zeros(perturbed.size()), perturbed.reshape(perturbed.size()));
        perturbed.set(5, perturbed.get(5) + (float) (0.01 * Math.max(scale, 1e-3)));
        assertTrue(relativeError(parameters.get(name).grad(), perturbed) > 1e-3, "a perturbed gradient fails");
    }

    @Test
    void fiveAdamWStepsGivePyTorchsLosses() throws IOException {
        Golden g = golden();
        Denoiser model = Checkpoints.load(DIR);
        JsonNode adamw = g.json().path("adamw");
        double lr = adamw.path("lr").doubleValue();
        AdamW optimizer = AdamW.builder(model.namedParameters(), lr).weightDecay(adamw.path("weight_decay").doubleValue())
                .build();
        TrainingStep step = new TrainingStep(model, optimizer, LrSchedule.constant(lr, 0), 0);
        JsonNode expected = g.json().path("step_losses");
        for (int s = 0; s < expected.size(); s++) {
            double loss = step.run(s, () -> LossOps.crossEntropy(model.logits(model.hidden(g.batch(), g.times()),
                    g.positions()), g.targets())).loss();
            assertEquals(expected.get(s).doubleValue(), loss, 2e-5 * (1 + s), "loss before step " + (s + 1));
        }
    }
}
