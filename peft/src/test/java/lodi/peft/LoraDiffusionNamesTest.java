package lodi.peft;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import lodi.autograd.Init;
import lodi.model.bert.Denoiser;
import lodi.model.bert.DenoiserConfig;
import lodi.model.io.Safetensors;
import lodi.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** lora_diffusion's lora_A is the down-projection, as in PEFT; files from before, with the two swapped, still load. */
class LoraDiffusionNamesTest {
    @TempDir
    Path dir;

    private static PeftModel model() {
        DenoiserConfig config = new DenoiserConfig(60, 32, 2, 2, 64, 32, 2, 1e-12, 0.0, "gelu", true, false, "output",
                100);
        return Peft.apply(new Denoiser(config, 1), PeftConfig.defaults(PeftMethod.LORA_DIFFUSION), 42);
    }

    @Test
    void loraAIsTheDownProjectionAndOldFilesLoadUnderTheNewNames() throws IOException {
        PeftModel saved = model();
        var trainable = saved.trainableParameters();
        String down = "lora_diffusion.early.0.lora_A.weight";
        String up = "lora_diffusion.early.0.lora_B.weight";
        int hidden = saved.base().config().hiddenSize();
        assertEquals(hidden, trainable.get(down).value().dim(1), "A: [r, D]");
        assertEquals(hidden, trainable.get(up).value().dim(0), "B: [D, r]");
        trainable.values().forEach(p -> p.value().copyFrom(Init.normal(7, p.value().size(), 1f, p.value().shape())));
        saved.saveTrainable(dir);

        // the same weights as an older file wrote them: the letters swapped, no lora_names entry
        Path weights = dir.resolve(AbstractPeftModel.WEIGHTS);
        Map<String, Tensor> old = new LinkedHashMap<>();
        Safetensors.read(weights).tensors().forEach((name, tensor) -> old.put(name.replace(".lora_A.", ".lora_X.")
                .replace(".lora_B.", ".lora_A.").replace(".lora_X.", ".lora_B."), tensor));
        Safetensors.write(weights, old, Map.of("method", "lora_diffusion"));

        PeftModel loaded = model();
        loaded.loadTrainable(dir);
        trainable.forEach((name, p) -> assertArrayEquals(p.value().toArray(),
                loaded.trainableParameters().get(name).value().toArray(), name));
    }
}
