package lodi.glue.experiment;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import lodi.glue.data.Example;
import lodi.glue.data.Task;
import lodi.model.TokenBatch;
import lodi.model.sampling.SampleResult;
import lodi.model.tokenizer.Vocabulary;
import lodi.peft.PeftModel;

/**
 * How one input's response was written: the response starts as [MASK]s and the sampler reveals it step by step,
 * from diffusion time 1 down to 0. Each reveal keeps the step, its time, the phase of the method that acted (for
 * lora_diffusion: early, middle or late), the position in the response, the token, its probability and the
 * tokens the model ranked next.
 *
 * @param prompt   the prompt as the model saw it (cut to {@code training.max_length} with the response)
 * @param seenTokens   how many of the prompt's tokens the model saw
 * @param promptTokens how many tokens the whole prompt has
 * @param reveals  every reveal, in the order they happened
 * @param response the final response's tokens
 * @param label    the label it names, or -1 when it names none (invalid)
 */
public record Trajectory(Task task, String prompt, int seenTokens, int promptTokens, List<Reveal> reveals,
                         List<String> response, int label) {

    /**
     * One position revealed at one step; {@code perturbationNorm} is lora_diffusion's mean ‖Δh‖ over the response
     * at that step, null for other methods.
     */
    public record Reveal(int step, float time, String phase, Double perturbationNorm, int position, String token,
                         float probability, List<Alternative> alternatives) {
    }

    /** A token the model ranked next, with its probability. */
    public record Alternative(String token, float probability) {
    }

    private static List<Alternative> alternatives(SampleResult.TraceStep step, int i, Vocabulary vocabulary) {
        List<Alternative> alternatives = new ArrayList<>();
        for (int k = 0; k < step.alternatives()[i].length; k++) {
            alternatives.add(new Alternative(vocabulary.token(step.alternatives()[i][k]),
                    step.alternativeProbabilities()[i][k]));
        }
        return alternatives;
    }

    /** The trajectory of {@code example} under {@code model} with the run's own sampler and lengths. */
    public static Trajectory of(TrainedRun run, PeftModel model, Example example) {
        Encoder encoder = run.encoder();
        Task task = example.task();
        int[] prompt = encoder.prompt(example);
        TokenBatch masked = TokenBatch.maskedResponses(List.of(prompt), new int[] {encoder.responseLength(task)},
                encoder.special(), run.config().training().maxLength());
        SampleResult result = run.sampler(encoder, true).sample(model, masked);
        Vocabulary vocabulary = run.vocabulary();
        int responseStart = masked.responsePositions(0)[0];
        int[] seen = Arrays.copyOfRange(masked.ids(), 1, responseStart - 1);
        List<Reveal> reveals = new ArrayList<>();
        for (SampleResult.TraceStep step : result.trace()) {
            for (int i = 0; i < step.positions().length; i++) {
                reveals.add(new Reveal(step.step(), step.time(), model.phaseAt(step.time()),
                        Double.isNaN(step.perturbationNorm()) ? null : step.perturbationNorm(),
                        step.positions()[i] - responseStart, vocabulary.token(step.tokens()[i]), step.probabilities()[i],
                        alternatives(step, i, vocabulary)));
            }
        }
        int[] response = result.responses()[0];
        return new Trajectory(task, encoder.tokenizer().decode(seen), seen.length, prompt.length, reveals,
                Arrays.stream(response).mapToObj(vocabulary::token).toList(), encoder.labelOf(task, response));
    }
}
