package lodi.peft;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.List;
import lodi.autograd.Autograd;
import lodi.autograd.GradCheck;
import lodi.autograd.Init;
import lodi.autograd.Parameter;
import lodi.autograd.Variable;
import lodi.model.TokenBatch;
import lodi.model.bert.ToyLabelTask;
import lodi.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** Finite-difference checks through every module a method adds (weight_lora's Linear is checked in autograd). */
class AddedModulesGradCheckTest {
    private static void randomise(Parameter p, long stream) {
        p.value().copyFrom(Init.normal(9, stream, 0.3f, p.shape()));
    }

    @Test
    void houlsbyAdapterPassesTheGradientCheck() {
        HoulsbyAdapter adapter = new HoulsbyAdapter(12, 4, 3, "adapter");
        adapter.namedParameters().forEach((name, p) -> {
            if (name.startsWith("up")) {
                randomise(p, name.hashCode());
            }
        });
        Tensor input = Init.normal(2, 0, 1f, 5, 12);
        GradCheck.standard().check("adapter, input", v -> adapter.forward(v.get(0)), List.of(input));
        GradCheck.standard().checkParameters("adapter, weights", () -> adapter.forward(Variable.constant(input)),
                adapter.namedParameters());
    }

    @Test
    void loraDiffusionPerturbationWithFilmPassesTheGradientCheck() {
        LoraDiffusionConfig config = new LoraDiffusionConfig(List.of(6, 4, 2), List.of(1.0, 0.5, 0.25), 2, 5, 0.01, 0.001,
                LoraDiffusionConfig.HiddenStates.FINAL, 1e-4, 500, List.of());
        LoraDiffusion.Perturbation perturbation = new LoraDiffusion.Perturbation(10, config, 4, "lora_diffusion.");
        perturbation.namedParameters().forEach((name, p) -> randomise(p, name.hashCode()));
        Tensor scored = Init.normal(3, 0, 1f, 7, 10);
        Tensor promptMeans = Init.normal(3, 1, 1f, 3, 10);
        int[] rowOfScored = {0, 1, 2, 0, 2, 1, 2};
        int[] phaseOfRow = {2, 0, 1};
        GradCheck.standard().checkParameters("lora_diffusion perturbation",
                () -> perturbation.forward(Variable.constant(scored), Variable.constant(promptMeans), rowOfScored,
                        phaseOfRow), perturbation.namedParameters());
        GradCheck.standard().checkParameters("lora_diffusion regularisers",
                () -> perturbation.regularization(0.01, 0.001), perturbation.namedParameters());
    }

    private static LoraDiffusionConfig smallLoraDiffusion(LoraDiffusionConfig.HiddenStates hiddenStates) {
        return new LoraDiffusionConfig(List.of(4, 3, 2), List.of(1.0, 0.5, 0.25), 2, 6, 0.01, 0.001, hiddenStates, 1e-4,
                500, List.of());
    }

    /** Every trainable parameter of {@code model}, randomised, checked through the logits of three rows in three phases. */
    private static void checkThroughTheLogits(String what, PeftModel model) {
        model.train(false);
        model.trainableParameters().forEach((name, p) -> randomise(p, name.hashCode()));
        TokenBatch batch = ToyTraining.TASK.batch(List.of(ToyLabelTask.example(1, 0), ToyLabelTask.example(1, 1),
                ToyLabelTask.example(1, 2)), 32);
        float[] times = {0.9f, 0.5f, 0.1f};
        int[] positions = {batch.start(1) - 2, 2, batch.start(2) + 1, batch.start(1) + 3};
        // ε = 3e-3: with the standard 1e-2 one sampled B element pushes a ReLU input across its kink
        new GradCheck(3e-3, 2e-3, 2e-2, 6).checkParameters(what,
                () -> model.trainingLogits(batch, times, positions), model.trainableParameters());
    }

    @Test
    void theGradientReachesThePerturbationThroughTheFrozenHead() {
        checkThroughTheLogits("lora_diffusion through the head",
                Peft.apply(ToyTraining.tinyBase(2), smallLoraDiffusion(LoraDiffusionConfig.HiddenStates.FINAL), 3));
    }

    @Test
    void everyLayerPerturbationTrainsThroughTheFrozenBase() {
        PeftModel model = Peft.apply(ToyTraining.tinyBase(2),
                smallLoraDiffusion(LoraDiffusionConfig.HiddenStates.EVERY_LAYER), 3);
        int layers = model.base().layers().size();
        long perLayer = model.trainableParameters().keySet().stream()
                .filter(name -> name.startsWith("lora_diffusion.layer.0.")).count();
        assertEquals(layers * perLayer, model.trainableParameters().size(), "each layer has its own modules, nothing else trains");
        // the first layer's modules and its prompt mean reach the loss only through every later layer of the frozen base
        checkThroughTheLogits("lora_diffusion at every layer", model);
    }

    @Test
    void eachRowPassesOnlyItsPhasesModules() {
        LoraDiffusionConfig config = new LoraDiffusionConfig(List.of(6, 4, 2), List.of(1.0, 0.5, 0.25), 2, 5, 0.01, 0.001,
                LoraDiffusionConfig.HiddenStates.FINAL, 1e-4, 500, List.of());
        LoraDiffusion.Perturbation perturbation = new LoraDiffusion.Perturbation(10, config, 4, "lora_diffusion.");
        Tensor scored = Init.normal(3, 0, 1f, 4, 10);
        Tensor promptMeans = Init.normal(3, 1, 1f, 2, 10);
        int[] rowOfScored = {0, 0, 1, 1};
        int[] phaseOfRow = {0, 2};
        float[] before;
        float[] after;
        try (var scope = Autograd.noGrad()) {
            before = perturbation.forward(Variable.constant(scored), Variable.constant(promptMeans), rowOfScored,
                    phaseOfRow).value().toArray();
            // zero the late phase: the scored rows of batch row 1 (the last two) become the base's, the others stay
            perturbation.namedParameters().forEach((name, p) -> {
                if (name.startsWith("late.") && name.contains("lora_A")) {
                    p.value().zero();
                }
            });
            after = perturbation.forward(Variable.constant(scored), Variable.constant(promptMeans), rowOfScored,
                    phaseOfRow).value().toArray();
        }
        assertArrayEquals(java.util.Arrays.copyOfRange(before, 0, 20), java.util.Arrays.copyOfRange(after, 0, 20));
        assertArrayEquals(java.util.Arrays.copyOfRange(scored.toArray(), 20, 40), java.util.Arrays.copyOfRange(after, 20, 40));
        assertFalse(java.util.Arrays.equals(before, after));
    }

    @Test
    void noScoredRowsGiveNoRows() {
        PeftModel model = Peft.apply(ToyTraining.tinyBase(2), PeftConfig.defaults(PeftMethod.LORA_DIFFUSION), 3);
        TokenBatch batch = ToyTraining.TASK.batch(List.of(ToyLabelTask.example(1, 0)), 32);
        assertArrayEquals(new int[] {0, model.vocabSize()}, model.logits(batch, new float[] {0.5f}, new int[0]).shape());
    }

    @Test
    void phasesSplitTheTrajectoryInThirds() {
        assertEquals(0, LoraDiffusion.phase(100, 100));
        assertEquals(0, LoraDiffusion.phase(67, 100));
        assertEquals(1, LoraDiffusion.phase(66, 100));
        assertEquals(1, LoraDiffusion.phase(34, 100));
        assertEquals(2, LoraDiffusion.phase(33, 100));
        assertEquals(2, LoraDiffusion.phase(0, 100));
    }

    @Test
    void promptMeanAveragesThePromptPositionsOnly() {
        ToyLabelTask task = ToyTraining.TASK;
        TokenBatch batch = task.batch(List.of(ToyLabelTask.example(1, 0)), 32);
        Tensor hidden = Init.normal(1, 0, 1f, batch.ids().length, 3);
        Tensor means = LoraDiffusion.promptMeans(Variable.constant(hidden), batch).value();
        int promptEnd = 0;
        while (batch.segments()[promptEnd] == 0) {
            promptEnd++;
        }
        for (int c = 0; c < 3; c++) {
            double sum = 0;
            for (int s = 0; s < promptEnd; s++) {
                sum += hidden.get(s * 3 + c);
            }
            assertEquals(sum / promptEnd, means.get(c), 1e-5);
        }
    }
}
