package lodi.peft;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import lodi.autograd.Parameter;
import lodi.autograd.Variable;
import lodi.model.TokenBatch;
import lodi.model.bert.Denoiser;
import lodi.model.io.Safetensors;
import lodi.tensor.Tensor;

/** {@code full_ft}: every parameter of the denoiser trains. */
final class FullFineTuning implements PeftModel {
    private final Denoiser base;

    FullFineTuning(Denoiser base) {
        this.base = base;
        base.namedParameters().values().forEach(p -> p.setRequiresGrad(true));
    }

    @Override
    public PeftMethod method() {
        return PeftMethod.FULL_FT;
    }

    @Override
    public Denoiser base() {
        return base;
    }

    @Override
    public Variable trainingLogits(TokenBatch batch, float[] times, int[] positions) {
        return base.logits(base.hidden(batch, times), positions);
    }

    @Override
    public Variable regularization() {
        return null;
    }

    @Override
    public Map<String, Parameter> trainableParameters() {
        return base.namedParameters();
    }

    @Override
    public Map<String, Parameter> allParameters() {
        return base.namedParameters();
    }

    @Override
    public ParameterCount parameterCount() {
        return new ParameterCount(base.parameterCount(), base.parameterCount());
    }

    @Override
    public void train(boolean on) {
        base.train(on);
    }

    @Override
    public void saveTrainable(Path dir) throws IOException {
        Files.createDirectories(dir);
        Safetensors.write(dir.resolve("adapter_model.safetensors"), base.stateDict(), Map.of("method", method().id()));
    }

    @Override
    public void loadTrainable(Path dir) throws IOException {
        Map<String, Tensor> tensors = Safetensors.read(dir.resolve("adapter_model.safetensors")).tensors();
        base.loadStateDict(tensors, true);
    }

    @Override
    public Tensor logits(TokenBatch batch, float[] times, int[] positions) {
        return base.logits(batch, times, positions);
    }

    @Override
    public int vocabSize() {
        return base.vocabSize();
    }

    @Override
    public boolean timeConditioned() {
        return base.timeConditioned();
    }
}
