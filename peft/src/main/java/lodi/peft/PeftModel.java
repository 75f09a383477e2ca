package lodi.peft;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import lodi.model.io.AtomicFiles;
import lodi.autograd.LossOps;
import lodi.autograd.Parameter;
import lodi.autograd.Variable;
import lodi.model.TokenBatch;
import lodi.model.bert.Denoiser;
import lodi.model.diffusion.MaskPredictor;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * A base denoiser prepared for one fine-tuning method: the parameters it trains, the forward pass training
 * uses, and the predictor evaluation and sampling use. Its {@link MaskPredictor} view runs in evaluation mode
 * without gradients.
 */
public interface PeftModel extends MaskPredictor {
    PeftMethod method();

    /** The settings the model was built with (written to {@code adapter_config.json}). */
    PeftConfig config();

    Denoiser base();

    /** The training forward: logits [positions.length, V] with dropout on and the tape recording. */
    Variable trainingLogits(TokenBatch batch, float[] times, int[] positions);

    /**
     * The training loss on the scored positions, {@code LossOps.crossEntropy(trainingLogits(batch, times,
     * positions), targets, weights, divisor)} with the same bits; the methods run it through
     * {@link Denoiser#headLoss}, which never allocates the [positions.length, V] logits and their gradient.
     */
    default Variable trainingLoss(TokenBatch batch, float[] times, int[] positions, int[] targets, float[] weights,
                                  float divisor) {
        return LossOps.crossEntropy(trainingLogits(batch, times, positions), targets, weights, divisor);
    }

    /** Loss terms the method adds (lora_diffusion's rank and orthogonality penalties), or null for none. */
    Variable regularization();

    /**
     * Which of the method's time-dependent parts acts at diffusion time {@code time} (lora_diffusion's phase:
     * early, middle or late), or null for a method that does the same at every step.
     */
    default String phaseAt(float time) {
        return null;
    }

    /** Every parameter the optimizer updates, by name; all others are frozen. */
    Map<String, Parameter> trainableParameters();

    /** Every parameter of the model, base and added modules, by name. */
    Map<String, Parameter> allParameters();

    /** Trainable versus all parameters. */
    ParameterCount parameterCount();

    /** Sets training mode (dropout) on the base and the added modules. */
    void train(boolean on);

    /**
     * Writes only the trainable weights ({@code adapter_model.safetensors}) and a JSON naming the method and its
     * settings ({@code adapter_config.json}) into {@code dir}; the base checkpoint is stored apart.
     */
    void saveTrainable(Path dir) throws IOException;

    /** Loads weights saved by {@link #saveTrainable}, checking the method and every shape against this model. */
    void loadTrainable(Path dir) throws IOException;

    /**
     * Writes {@code params.json}-style accounting to {@code file}: {@code method}, {@code trainable_params},
     * {@code all_params}, {@code trainable_percent}.
     */
    default void writeParamsJson(Path file) throws IOException {
        ParameterCount count = parameterCount();
        var json = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();
        var node = json.createObjectNode();
        node.put("method", method().id());
        node.put("trainable_params", count.trainable());
        node.put("all_params", count.total());
        node.put("trainable_percent", count.trainablePercent());
        AtomicFiles.writeString(file, json.writeValueAsString(node));
    }
}
