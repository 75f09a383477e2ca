package lodi.model.training;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import lodi.autograd.Variable;
import lodi.autograd.optim.AdamW;
import lodi.autograd.optim.LrSchedule;
import lodi.model.SpecialTokens;
import lodi.model.TokenBatch;
import lodi.model.bert.Checkpoints;
import lodi.model.bert.Denoiser;
import lodi.model.diffusion.Corruption;
import lodi.model.diffusion.LossWeighting;
import lodi.model.diffusion.NoiseSchedule;
import lodi.tensor.CounterRng;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Unconditional masked-diffusion pretraining on plain text: every step draws a batch of texts, corrupts
 * their tokens by the noise schedule and trains the denoiser to recover them. With responses, each row is a
 * task-formatted {@code [CLS] prompt [SEP] response [SEP]} and prompt and response are corrupted together
 * ({@link Corruption#joint}), so the model also learns to write responses, their [PAD]s included. Batches
 * are a pure function of (seed, step), so a run resumed from its last checkpoint ends bit-identical to an
 * uninterrupted one.
 */
public final class Pretrainer {
    /** How long and how fast to train. {@code checkpointEvery} ≤ 0 saves only at the end. */
    public record Settings(int steps, int batchSize, int maxLength, double learningRate, int warmupSteps,
                           double weightDecay, double clipNorm, int checkpointEvery, long seed) {
        public Settings {
            if (steps < 0 || batchSize < 1 || maxLength < 3) {
                throw new IllegalArgumentException("pretraining needs steps ≥ 0, batch ≥ 1 and max length ≥ 3, got "
                        + steps + ", " + batchSize + ", " + maxLength);
            }
        }
    }

    /** Called after every step. */
    public interface Listener {
        void afterStep(long step, long totalSteps, double loss);
    }

    /** The losses of the steps this call ran (a resumed run reports only its own). */
    public record Result(long firstStep, List<Double> losses) {
    }

    private Pretrainer() {
    }

    /**
     * Trains {@code model}'s parameters that require a gradient (all of a fresh model; a caller may freeze some) on
     * {@code texts} (token ids without specials). With a {@code runDir}, resumes from
     * {@code runDir/checkpoint} when present, checkpoints there every {@code checkpointEvery} steps, and
     * writes the final model to {@code runDir/model}, then removes the checkpoint.
     */
    public static Result run(Denoiser model, List<int[]> texts, SpecialTokens special, NoiseSchedule schedule,
                             Settings settings, Path runDir, Listener listener) throws IOException {
        return run(model, texts, Objective.PLAIN_TEXT, special, schedule, settings, runDir, listener);
    }

    /**
     * What the rows are and how their loss is weighed.
     *
     * @param responses        null for plain text; else {@code responses.get(i)} is the response of text i, each
     *                         row is task-formatted and corrupted by
     *                         {@link Corruption#joint(NoiseSchedule, SpecialTokens, double)} with
     *                         {@code conditionalShare}
     * @param conditionalShare the share of task rows whose prompt stays whole (0 for plain text)
     * @param weighting        {@link LossWeighting#ELBO} (each masked token by its ELBO weight, up to T for the first
     *                         step of the cosine schedule) or {@link LossWeighting#ROW} (every row the same, shared by
     *                         its masked tokens: a row with one masked answer token counts as much as one with fifty
     *                         masked prompt tokens; a biased objective with far less gradient noise)
     */
    public record Objective(List<int[]> responses, double conditionalShare, LossWeighting weighting) {
        /** Plain text, ELBO weights. */
        public static final Objective PLAIN_TEXT = new Objective(null, 0, LossWeighting.ELBO);
    }

    /** {@link #run} with an {@link Objective}. */
    public static Result run(Denoiser model, List<int[]> texts, Objective objective, SpecialTokens special,
                             NoiseSchedule schedule, Settings settings, Path runDir, Listener listener) throws IOException {
        List<int[]> responses = objective.responses();
        if (texts.isEmpty()) {
            throw new IllegalArgumentException("pretraining needs at least one text");
        }
        if (responses != null && responses.size() != texts.size()) {
            throw new IllegalArgumentException(texts.size() + " texts but " + responses.size() + " responses");
        }
        model.train(true);
        AdamW optimizer = AdamW.builder(model.namedParameters(), settings.learningRate())
                .weightDecay(settings.weightDecay()).build();
        LrSchedule lr = LrSchedule.linear(settings.learningRate(), settings.warmupSteps(), settings.steps());
        TrainingStep trainingStep = new TrainingStep(model, optimizer, lr, settings.clipNorm());
        Corruption corruption = responses == null ? Corruption.unconditional(schedule, special)
                : Corruption.joint(schedule, special, objective.conditionalShare());

        long start = 0;
        Path checkpoint = runDir == null ? null : runDir.resolve("checkpoint");
        if (checkpoint != null) {
            TrainingState saved = TrainingState.load(checkpoint);
            if (saved != null) {
                model.loadStateDict(saved.weights(), true);
                optimizer.loadState(saved.optimizer());
                start = saved.step();
            }
        }
        List<Double> losses = new ArrayList<>();
        TrainingLoop.Batches batches = step -> {
            List<int[]> chosen = new ArrayList<>(settings.batchSize());
            List<int[]> chosenResponses = new ArrayList<>(settings.batchSize());
            long[] ids = new long[settings.batchSize()];
            for (int i = 0; i < settings.batchSize(); i++) {
                ids[i] = Long.remainderUnsigned(CounterRng.bits(settings.seed(), step, i), texts.size());
                chosen.add(texts.get((int) ids[i]));
                if (responses != null) {
                    chosenResponses.add(responses.get((int) ids[i]));
                }
            }
            TokenBatch clean = responses == null ? TokenBatch.plain(chosen, special, settings.maxLength())
                    : TokenBatch.of(chosen, chosenResponses, special, settings.maxLength());
            Corruption.Corrupted corrupted = corruption.training(clean, ids, settings.seed(), step);
            Supplier<Variable> loss = () -> {
                model.setDropoutSeed(CounterRng.bits(settings.seed(), step, -1));
                Variable hidden = model.hidden(corrupted.batch(), corrupted.times());
                return model.loss(hidden, corrupted.positions(), corrupted.targets(),
                        objective.weighting().weights(corrupted), objective.weighting().divisor(corrupted));
            };
            return new TrainingLoop.Work(loss, clean.sequences().tokens(), clean.ids().length, clean.batch());
        };
        new TrainingLoop(trainingStep).run(start, settings.steps(), batches, (step, work, result) -> {
            losses.add(result.loss());
            if (listener != null) {
                listener.afterStep(step, settings.steps(), result.loss());
            }
            boolean last = step + 1 == settings.steps();
            if (checkpoint != null && (last || (settings.checkpointEvery() > 0 && (step + 1) % settings.checkpointEvery() == 0))) {
                ObjectNode extra = JsonMapper.builder().build().createObjectNode();
                new TrainingState(step + 1, model.stateDict(), optimizer.state(), extra).save(checkpoint);
            }
            return true;
        });
        if (runDir != null) {
            Checkpoints.save(model, runDir.resolve("model"));
            TrainingState.delete(checkpoint); // the model is all that is needed from here on
        }
        model.eval();
        return new Result(start, losses);
    }
}
