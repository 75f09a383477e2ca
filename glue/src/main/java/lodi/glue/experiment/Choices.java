package lodi.glue.experiment;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The experiment's settings that name one of a few choices, parsed once where the JSON is read: each is written
 * and read as its lower-case name ({@code "cosine"}, {@code "low_confidence"}), and an unknown name is an error
 * naming the setting and the valid names.
 */
public final class Choices {
    private Choices() {
    }

    /** {@code diffusion.schedule}. */
    public enum Schedule {
        COSINE, LINEAR;

        @JsonCreator
        static Schedule of(String name) {
            return parse(Schedule.class, "diffusion.schedule", name);
        }

        @JsonValue
        String id() {
            return idOf(this);
        }
    }

    /** {@code training.mixture}: every example once an epoch, or task shares ∝ size^(1/T). */
    public enum Mixture {
        PROPORTIONAL, TEMPERATURE;

        @JsonCreator
        static Mixture of(String name) {
            return parse(Mixture.class, "training.mixture", name);
        }

        @JsonValue
        String id() {
            return idOf(this);
        }
    }

    /** {@code sampler.kind}. */
    public enum SamplerKind {
        ANCESTRAL, LOW_CONFIDENCE;

        @JsonCreator
        static SamplerKind of(String name) {
            return parse(SamplerKind.class, "sampler.kind", name);
        }

        @JsonValue
        String id() {
            return idOf(this);
        }
    }

    /** {@code sampler.choice}. */
    public enum TokenChoiceKind {
        GREEDY, TEMPERATURE;

        @JsonCreator
        static TokenChoiceKind of(String name) {
            return parse(TokenChoiceKind.class, "sampler.choice", name);
        }

        @JsonValue
        String id() {
            return idOf(this);
        }
    }

    /** {@code vocabulary.source}. */
    public enum VocabularySource {
        LEARNT, FILE, MINILM;

        @JsonCreator
        static VocabularySource of(String name) {
            return parse(VocabularySource.class, "vocabulary.source", name);
        }

        @JsonValue
        String id() {
            return idOf(this);
        }
    }

    /** {@code pretraining.texts}. */
    public enum PretrainingTexts {
        PROMPTS, LABELLED, TASK;

        @JsonCreator
        static PretrainingTexts of(String name) {
            return parse(PretrainingTexts.class, "pretraining.texts", name);
        }

        @JsonValue
        String id() {
            return idOf(this);
        }
    }

    /** {@code pretraining.loss_weights}. */
    public enum LossWeights {
        ELBO, ROW;

        @JsonCreator
        static LossWeights of(String name) {
            return parse(LossWeights.class, "pretraining.loss_weights", name);
        }

        @JsonValue
        String id() {
            return idOf(this);
        }
    }

    private static String idOf(Enum<?> choice) {
        return choice.name().toLowerCase(Locale.ROOT);
    }

    private static <E extends Enum<E>> E parse(Class<E> type, String key, String name) {
        for (E choice : type.getEnumConstants()) {
            if (idOf(choice).equals(name)) {
                return choice;
            }
        }
        throw new IllegalArgumentException(key + " must be " + Arrays.stream(type.getEnumConstants())
                .map(Choices::idOf).collect(Collectors.joining(", ")) + ", got '" + name + "'");
    }
}
