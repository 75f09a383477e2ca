package lodi.glue.experiment;

import com.fasterxml.jackson.annotation.JsonProperty;
import lodi.model.diffusion.LossWeighting;

/**
 * The experiment's settings that name one of a few choices, parsed once where the JSON is read: each constant is
 * written and read as the name its {@link JsonProperty} gives ({@code "cosine"}, {@code "low_confidence"}); an
 * unknown name is an error naming the setting and the valid names ({@link Presets#convert}).
 */
public final class Choices {
    private Choices() {
    }

    /** {@code diffusion.schedule}. */
    public enum Schedule {
        @JsonProperty("cosine") COSINE,
        @JsonProperty("linear") LINEAR
    }

    /** {@code training.mixture}: every example once an epoch, or task shares ∝ size^(1/T). */
    public enum Mixture {
        @JsonProperty("proportional") PROPORTIONAL,
        @JsonProperty("temperature") TEMPERATURE
    }

    /** {@code sampler.kind}. */
    public enum SamplerKind {
        @JsonProperty("ancestral") ANCESTRAL,
        @JsonProperty("low_confidence") LOW_CONFIDENCE
    }

    /** {@code sampler.choice}. */
    public enum TokenChoiceKind {
        @JsonProperty("greedy") GREEDY,
        @JsonProperty("temperature") TEMPERATURE
    }

    /** {@code vocabulary.source}. */
    public enum VocabularySource {
        @JsonProperty("learnt") LEARNT,
        @JsonProperty("file") FILE,
        @JsonProperty("minilm") MINILM
    }

    /** {@code pretraining.texts}. */
    public enum PretrainingTexts {
        @JsonProperty("prompts") PROMPTS,
        @JsonProperty("labelled") LABELLED,
        @JsonProperty("task") TASK
    }

    /**
     * {@code pretraining.loss_weights} ({@code elbo} or {@code row}) and {@code training.loss_weights} (any): how the
     * masked tokens' cross-entropies are weighed into the step's loss.
     */
    public enum LossWeights {
        @JsonProperty("elbo") ELBO(LossWeighting.ELBO),
        @JsonProperty("row") ROW(LossWeighting.ROW),
        @JsonProperty("token") TOKEN(LossWeighting.TOKEN);

        private final LossWeighting weighting;

        LossWeights(LossWeighting weighting) {
            this.weighting = weighting;
        }

        /** The weighting it names ({@link LossWeighting} says what each does). */
        public LossWeighting weighting() {
            return weighting;
        }
    }
}
