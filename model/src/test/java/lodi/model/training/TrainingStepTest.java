package lodi.model.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import lodi.autograd.LossOps;
import lodi.autograd.Parameter;
import lodi.autograd.Variable;
import lodi.autograd.optim.AdamW;
import lodi.autograd.optim.GradClip;
import lodi.autograd.optim.LrSchedule;
import lodi.model.bert.Denoiser;
import lodi.model.bert.DenoiserConfig;
import lodi.model.bert.ToyLabelTask;
import lodi.model.diffusion.Corruption;
import lodi.model.diffusion.NoiseSchedule;
import org.junit.jupiter.api.Test;

class TrainingStepTest {
    private static final int STEPS = 5;

    /**
     * TrainingStep runs inside a buffer-pool scope, so from its second step on every activation and gradient
     * lives in an array an earlier step used. The same steps done by hand on fresh arrays must give the same
     * losses and weights to the bit. Under the test suite's {@code LODI_BUFFERS=poison} returned arrays are
     * NaN-filled and even small ones are pooled, so anything that outlived its step would show up here too.
     */
    @Test
    void stepsOnReusedBuffersEqualStepsOnFreshArrays() {
        ToyLabelTask task = new ToyLabelTask();
        DenoiserConfig config = new DenoiserConfig(task.tokenizer.vocabulary().size(), 32, 2, 2, 64, 32, 2, 1e-12,
                0.1, "gelu", true, false, "output", 100);
        Corruption corruption = Corruption.conditional(NoiseSchedule.cosine(100), task.special);

        Denoiser pooled = new Denoiser(config, 7);
        AdamW pooledOptimizer = AdamW.builder(pooled.namedParameters(), 1e-2).weightDecay(0.01).build();
        TrainingStep step = new TrainingStep(pooled, pooledOptimizer, LrSchedule.cosine(1e-2, 2, STEPS), 1.0);

        Denoiser fresh = new Denoiser(config, 7);
        AdamW freshOptimizer = AdamW.builder(fresh.namedParameters(), 1e-2).weightDecay(0.01).build();
        LrSchedule schedule = LrSchedule.cosine(1e-2, 2, STEPS);
        List<Parameter> freshParameters = new ArrayList<>(fresh.namedParameters().values());

        for (int s = 0; s < STEPS; s++) {
            double pooledLoss = step.run(s, loss(pooled, task, corruption, s)).loss();

            schedule.apply(freshOptimizer, s);
            Variable freshLoss = loss(fresh, task, corruption, s).get();
            freshLoss.backward();
            GradClip.clipGlobalNorm(freshParameters, 1.0);
            freshOptimizer.step();
            freshOptimizer.zeroGrad();

            assertEquals(freshLoss.value().get(0), pooledLoss, 0.0, "loss at step " + s);
        }
        Map<String, Parameter> expected = fresh.namedParameters();
        pooled.namedParameters().forEach((name, parameter) ->
                assertArrayEquals(expected.get(name).value().toArray(), parameter.value().toArray(), name));
    }

    private static Supplier<Variable> loss(Denoiser model, ToyLabelTask task, Corruption corruption, int step) {
        return () -> {
            List<ToyLabelTask.Example> examples = new ArrayList<>();
            long[] ids = new long[16];
            for (int i = 0; i < ids.length; i++) {
                ids[i] = step * 16L + i;
                examples.add(ToyLabelTask.example(1, ids[i]));
            }
            var corrupted = corruption.training(task.batch(examples, 32), ids, 42, step);
            return LossOps.crossEntropy(model.logits(model.hidden(corrupted.batch(), corrupted.times()),
                    corrupted.positions()), corrupted.targets());
        };
    }
}
