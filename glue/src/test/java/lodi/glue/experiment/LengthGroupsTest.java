package lodi.glue.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import lodi.autograd.Parameter;
import lodi.autograd.Variable;
import lodi.model.bert.Denoiser;
import lodi.peft.Peft;
import lodi.peft.PeftMethod;
import lodi.peft.PeftModel;
import lodi.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * {@code training.length_groups}: a batch cut into micro-batches of similar length, each padded only to its own
 * longest row, gives the same loss and the same gradients as the one padded batch, up to float rounding.
 */
class LengthGroupsTest {
    private record Step(double loss, Map<String, Tensor> gradients, int parts) {
    }

    private static Step step(int groups, PeftMethod method) throws Exception {
        ExperimentConfig config = Presets.load("smoke", List.of("training.length_groups=" + groups));
        Experiment experiment = Experiment.load(config, new PrintWriter(new StringWriter()));
        Denoiser model = new Denoiser(experiment.modelConfig(), 3);
        BaseModel base = new BaseModel(BaseModel.Kind.RANDOM, null, experiment.modelConfig());
        PeftModel peft = Peft.apply(model, config.peftConfig(method), 42);
        peft.train(false); // no dropout: the same function either way
        RunTrainer trainer = new RunTrainer(experiment, base, new PrintWriter(new StringWriter()));
        var training = config.training();
        Mixture mixture = new Mixture(experiment.train(), training.batchSize(), training.bucketWindow(), 1.0, 42);
        List<Supplier<Variable>> parts = trainer.lossParts(peft, mixture.batch(3), experiment.corruption(), 42, 3).parts();
        double loss = 0;
        for (Supplier<Variable> part : parts) {
            Variable value = part.get();
            loss += value.value().get(0);
            value.backward();
        }
        Map<String, Tensor> gradients = new LinkedHashMap<>();
        for (Map.Entry<String, Parameter> entry : peft.trainableParameters().entrySet()) {
            gradients.put(entry.getKey(), entry.getValue().grad().copy());
        }
        return new Step(loss, gradients, parts.size());
    }

    @Test
    void microBatchesGiveTheLossAndGradientsOfOnePaddedBatch() throws Exception {
        for (PeftMethod method : List.of(PeftMethod.FULL_FT, PeftMethod.LORA_DIFFUSION)) {
            Step padded = step(1, method);
            Step grouped = step(4, method);
            assertEquals(1, padded.parts());
            assertEquals(4, grouped.parts());
            assertEquals(padded.loss(), grouped.loss(), 1e-5 * Math.abs(padded.loss()), method + " loss");
            for (String name : padded.gradients().keySet()) {
                float[] a = padded.gradients().get(name).toArray();
                float[] b = grouped.gradients().get(name).toArray();
                double difference = 0;
                double norm = 0;
                for (int i = 0; i < a.length; i++) {
                    difference += (a[i] - b[i]) * (double) (a[i] - b[i]);
                    norm += a[i] * (double) a[i];
                }
                assertTrue(Math.sqrt(difference) <= 1e-4 * Math.sqrt(norm) + 1e-9,
                        method + " " + name + ": gradient differs by " + Math.sqrt(difference) + " of " + Math.sqrt(norm));
            }
        }
    }
}
