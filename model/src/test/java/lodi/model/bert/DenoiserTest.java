package lodi.model.bert;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import lodi.autograd.Autograd;
import lodi.autograd.GradCheck;
import lodi.autograd.Init;
import lodi.autograd.LossOps;
import lodi.autograd.Variable;
import lodi.autograd.optim.AdamW;
import lodi.autograd.optim.LrSchedule;
import lodi.model.TokenBatch;
import lodi.model.diffusion.Corruption;
import lodi.model.diffusion.NoiseSchedule;
import lodi.model.io.Safetensors;
import lodi.model.sampling.AncestralSampler;
import lodi.model.sampling.LowConfidenceSampler;
import lodi.model.sampling.SampleResult;
import lodi.model.sampling.Sampler;
import lodi.model.sampling.TokenChoice;
import lodi.model.training.Pretrainer;
import lodi.model.training.TrainingStep;
import lodi.tensor.Sequences;
import lodi.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DenoiserTest {
    @TempDir
    Path temp;

    static DenoiserConfig tiny(int vocab, double dropout) {
        return new DenoiserConfig(vocab, 32, 2, 2, 64, 32, 2, 1e-12, dropout, "gelu", true, false, "output", 100);
    }

    @Test
    void parametersCarryHuggingFaceBertNames() {
        Denoiser model = new Denoiser(tiny(50, 0.1), 1);
        var names = model.namedParameters().keySet();
        for (String expected : List.of("bert.embeddings.word_embeddings.weight", "bert.embeddings.LayerNorm.weight",
                "bert.encoder.layer.1.attention.self.query.weight", "bert.encoder.layer.0.attention.output.dense.bias",
                "bert.encoder.layer.0.attention.output.LayerNorm.weight", "bert.encoder.layer.0.intermediate.dense.weight",
                "bert.encoder.layer.0.output.dense.weight", "bert.encoder.layer.0.output.LayerNorm.bias",
                "cls.predictions.transform.dense.weight", "cls.predictions.transform.LayerNorm.weight",
                "cls.predictions.bias", "time_embedding.linear_1.weight")) {
            assertTrue(names.contains(expected), expected + " missing from " + names);
        }
        assertTrue(names.stream().noneMatch(n -> n.contains("decoder")), "a tied head has no decoder weight");
    }

    @Test
    void headScoresOnlyTheRequestedRows() {
        Denoiser model = new Denoiser(tiny(50, 0.0), 1);
        TokenBatch batch = TokenBatch.of(List.of(new int[] {7, 8, 9}, new int[] {10}), List.of(new int[] {11}, new int[] {12}),
                new lodi.model.SpecialTokens(0, 1, 2, 3, 4), 32);
        Tensor logits = model.logits(batch, new float[] {0.5f, 0.5f}, new int[] {4, batch.start(1) + 3});
        assertArrayEquals(new int[] {2, 50}, logits.shape());
        assertEquals(0, Autograd.tapeSize(), "the predictor view records nothing");
    }

    @Test
    void twoLayerTransformerBlockPassesTheGradientCheck() {
        DenoiserConfig config = tiny(20, 0.0);
        Denoiser model = new Denoiser(config, 3);
        Sequences sequences = Sequences.padded(4, new int[] {4, 3});
        GradCheck.standard().check("two BERT layers", v -> {
            Variable x = v.get(0);
            for (BertLayer layer : model.layers()) {
                x = layer.forward(x, sequences, 0);
            }
            return x;
        }, List.of(Init.normal(5, 0, 1f, 8, config.hiddenSize())));
    }

    @Test
    void saveThenLoadIsBitExact() throws IOException {
        Denoiser model = new Denoiser(tiny(40, 0.1), 11);
        Checkpoints.save(model, temp.resolve("ckpt"));
        Denoiser loaded = Checkpoints.load(temp.resolve("ckpt"));
        assertEquals(model.config(), loaded.config());
        model.stateDict().forEach((name, tensor) ->
                assertArrayEquals(tensor.toArray(), loaded.stateDict().get(name).toArray(), name));
    }

    @Test
    void huggingFaceBertCheckpointLoadsAsTheBackbone() throws IOException {
        Denoiser source = new Denoiser(tiny(40, 0.1), 5);
        Map<String, Tensor> hf = new LinkedHashMap<>();
        source.stateDict().forEach((name, tensor) -> {
            if (name.startsWith("bert.")) {
                hf.put(name.replace("LayerNorm.weight", "LayerNorm.gamma").replace("LayerNorm.bias", "LayerNorm.beta")
                        .substring("bert.".length()), tensor);
            }
        });
        hf.put("pooler.dense.weight", Tensor.zeros(32, 32));
        hf.put("pooler.dense.bias", Tensor.zeros(32));
        Path file = temp.resolve("hf.safetensors");
        Safetensors.write(file, hf, Map.of("format", "pt"));

        Denoiser target = new Denoiser(tiny(40, 0.1), 6);
        List<String> initialised = Checkpoints.loadBackbone(target, file);
        assertTrue(initialised.contains("time_embedding.linear_1.weight"));
        assertTrue(initialised.contains("cls.predictions.bias"));
        assertArrayEquals(source.stateDict().get("bert.encoder.layer.1.output.LayerNorm.weight").toArray(),
                target.stateDict().get("bert.encoder.layer.1.output.LayerNorm.weight").toArray());
    }

    @Test
    void wrongShapesAreNamedInOneError() throws IOException {
        Denoiser small = new Denoiser(tiny(40, 0.1), 5);
        Map<String, Tensor> state = new LinkedHashMap<>(small.stateDict());
        state.put("bert.encoder.layer.0.attention.self.key.weight", Tensor.zeros(3, 3));
        state.put("bert.embeddings.word_embeddings.weight", Tensor.zeros(41, 32));
        Path file = temp.resolve("bad.safetensors");
        Safetensors.write(file, state, Map.of());
        var error = assertThrows(IllegalArgumentException.class,
                () -> Checkpoints.loadBackbone(new Denoiser(tiny(40, 0.1), 5), file));
        assertTrue(error.getMessage().contains("shape mismatch for bert.encoder.layer.0.attention.self.key.weight: checkpoint [3, 3], model [32, 32]"),
                error.getMessage());
        assertTrue(error.getMessage().contains("bert.embeddings.word_embeddings.weight: checkpoint [41, 32], model [40, 32]"),
                error.getMessage());
    }

    @Test
    void pretrainingLowersTheDenoisingLoss() throws IOException {
        ToyLabelTask task = new ToyLabelTask();
        List<int[]> texts = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            texts.add(task.tokenizer.encode(ToyLabelTask.example(1, i).text()));
        }
        Denoiser model = new Denoiser(tiny(task.tokenizer.vocabulary().size(), 0.1), 7);
        var settings = new Pretrainer.Settings(300, 16, 16, 3e-3, 20, 0.01, 1.0, 100, 42);
        var result = Pretrainer.run(model, texts, task.special, NoiseSchedule.cosine(100), settings, temp.resolve("pretrain"), null);
        double first = result.losses().subList(0, 30).stream().mapToDouble(Double::doubleValue).average().orElseThrow();
        double last = result.losses().subList(270, 300).stream().mapToDouble(Double::doubleValue).average().orElseThrow();
        assertTrue(last < 0.5 * first, "loss went from " + first + " to " + last);
        assertTrue(Checkpoints.load(temp.resolve("pretrain/model")).config().equals(model.config()));
    }

    @Test
    void taskFormattedPretrainingTeachesTheHeadToWriteResponsePadding() throws IOException {
        ToyLabelTask task = new ToyLabelTask();
        List<int[]> prompts = new ArrayList<>();
        List<int[]> responses = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            ToyLabelTask.Example example = ToyLabelTask.example(1, i);
            prompts.add(task.tokenizer.encode(example.text()));
            int[] label = task.tokenizer.encode(ToyLabelTask.LABELS.get(example.label()));
            int[] response = Arrays.copyOf(label, label.length + 2);
            Arrays.fill(response, label.length, response.length, task.special.pad());
            responses.add(response);
        }
        Denoiser model = new Denoiser(tiny(task.tokenizer.vocabulary().size(), 0.0), 7);
        var settings = new Pretrainer.Settings(150, 16, 24, 3e-3, 20, 0.01, 1.0, 0, 42);
        Pretrainer.run(model, prompts, new Pretrainer.Objective(responses, 0.5, lodi.model.diffusion.LossWeighting.ROW), task.special, NoiseSchedule.cosine(100), settings, null, null);

        List<int[]> heldOut = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            heldOut.add(task.tokenizer.encode(ToyLabelTask.example(2, i).text()));
        }
        int[] responseLength = new int[20];
        Arrays.fill(responseLength, responses.get(0).length);
        TokenBatch masked = TokenBatch.maskedResponses(heldOut, responseLength, task.special, 24);
        int[] lastPositions = new int[20];
        for (int b = 0; b < 20; b++) {
            int[] positions = masked.responsePositions(b);
            lastPositions[b] = positions[positions.length - 1];
        }
        float[] times = new float[20];
        Arrays.fill(times, 1f);
        Tensor logits = model.logits(masked, times, lastPositions);
        int pads = 0;
        for (int b = 0; b < 20; b++) {
            pads += argmax(logits, b) == task.special.pad() ? 1 : 0;
        }
        assertTrue(pads >= 18, "the last response position was predicted [PAD] in " + pads + " of 20 rows");
    }

    private static int argmax(Tensor logits, int row) {
        int vocab = logits.shape()[1];
        int best = 0;
        for (int v = 1; v < vocab; v++) {
            if (logits.get(row * vocab + v) > logits.get(row * vocab + best)) {
                best = v;
            }
        }
        return best;
    }

    @Test
    void conditionalToyTaskIsLearnedAndGeneratedWithBothSamplers() {
        ToyLabelTask task = new ToyLabelTask();
        Denoiser model = new Denoiser(tiny(task.tokenizer.vocabulary().size(), 0.0), 17);
        NoiseSchedule schedule = NoiseSchedule.cosine(100);
        Corruption corruption = Corruption.conditional(schedule, task.special);
        int steps = 400;
        AdamW optimizer = AdamW.builder(model.namedParameters(), 1e-3).weightDecay(0.01).build();
        TrainingStep trainingStep = new TrainingStep(model, optimizer, LrSchedule.cosine(1e-3, 30, steps), 1.0);
        for (int step = 0; step < steps; step++) {
            List<ToyLabelTask.Example> examples = new ArrayList<>();
            long[] ids = new long[32];
            for (int i = 0; i < 32; i++) {
                ids[i] = step * 32L + i;
                examples.add(ToyLabelTask.example(1, ids[i]));
            }
            var corrupted = corruption.training(task.batch(examples, 32), ids, 42, step);
            trainingStep.run(step, () -> LossOps.crossEntropy(
                    model.logits(model.hidden(corrupted.batch(), corrupted.times()), corrupted.positions()),
                    corrupted.targets()));
        }

        List<ToyLabelTask.Example> test = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            test.add(ToyLabelTask.example(2, i));
        }
        int responseLength = task.labelIds.get(0).length;
        List<int[]> prompts = test.stream().map(e -> task.tokenizer.encode(e.text())).toList();
        int[] lengths = new int[test.size()];
        Arrays.fill(lengths, responseLength);
        TokenBatch masked = TokenBatch.maskedResponses(prompts, lengths, task.special, 32);
        for (Sampler sampler : List.of(
                new AncestralSampler(schedule, 100, TokenChoice.greedy(), task.special, 1, false),
                new LowConfidenceSampler(responseLength, TokenChoice.greedy(), task.special, false))) {
            SampleResult result = sampler.sample(model, masked);
            int correct = 0;
            for (int i = 0; i < test.size(); i++) {
                correct += Arrays.equals(result.responses()[i], task.labelIds.get(test.get(i).label())) ? 1 : 0;
            }
            double accuracy = correct / (double) test.size();
            assertTrue(accuracy > 0.95, sampler.getClass().getSimpleName() + " generation accuracy " + accuracy);
        }
    }
}
