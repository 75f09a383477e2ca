package lodi.glue.experiment;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;
import lodi.model.bert.DenoiserConfig;
import lodi.peft.PeftConfig;
import lodi.peft.PeftMethod;
import tools.jackson.databind.JsonNode;

/**
 * Everything an experiment is made of, as read from a preset ({@code presets/*.json}) with command-line
 * overrides applied (see {@link Presets}). JSON keys are the snake_case forms of the component names
 * ({@code training.eval_every}); {@code model} holds {@link DenoiserConfig}'s HuggingFace keys, its
 * {@code vocab_size} taken from the vocabulary.
 *
 * @param preset      the preset's name
 * @param description one line on what the preset is for and what it costs
 * @param peft        per method, settings over {@code PeftConfig}'s defaults: {@code learning_rate} and
 *                    {@code warmup_steps} (linear warm-up, then cosine decay to 0 at {@code training.steps}), rank, ...
 * @param base        the backbone: {@code pretrained} (pretrain once and cache), {@code minilm} (the pretrained
 *                    all-MiniLM-L6-v2 encoder, given its MLM head and timestep embedding by the pretraining stage
 *                    and cached), {@code random} (the reference's randomly initialised backbone) or a path (a lodi
 *                    checkpoint folder, or a HuggingFace BERT {@code .safetensors} file or {@code .onnx} export)
 */
public record ExperimentConfig(String preset, String description, String base, Data data, VocabularySettings vocabulary,
                               DenoiserConfig model, Diffusion diffusion, Pretraining pretraining, Training training,
                               Map<String, JsonNode> peft, SamplerSettings sampler) {

    /**
     * The method's settings: {@link PeftConfig#defaults} with this experiment's {@code peft.<method>} object on
     * top (learning rate, warm-up, rank, ...; unknown keys fail, named).
     */
    public PeftConfig peftConfig(PeftMethod method) {
        return PeftConfig.fromJson(method, peft.get(method.id()));
    }

    /**
     * Where the examples come from.
     *
     * @param synthetic       true: {@code SyntheticGlue} data of the sizes below; false: GLUE files from {@code glueDir}
     * @param glueDir         a GLUE directory (SST-2/, QNLI/, MRPC/), for real data
     * @param syntheticTrain  synthetic training examples per task
     * @param syntheticDev    synthetic dev examples per task
     * @param labelNoise      probability of flipping a synthetic training label
     * @param seed            the synthetic generator's seed
     * @param trainCaps       at most this many training examples per task (the first ones of the file; 0 = all)
     * @param skipBadRows     skip malformed rows of GLUE files (reported) instead of stopping at the first; absent
     *                        means false. Recorded in each run, so that {@code eval} reads the data as training did
     */
    public record Data(boolean synthetic, String glueDir, Map<String, Integer> syntheticTrain,
                       Map<String, Integer> syntheticDev, double labelNoise, long seed, Map<String, Integer> trainCaps,
                       @JsonInclude(JsonInclude.Include.NON_NULL) Boolean skipBadRows) {
        public boolean skipsBadRows() {
            return skipBadRows != null && skipBadRows;
        }
    }

    /**
     * The WordPiece vocabulary.
     *
     * @param source {@code learnt} (built from the training texts with {@code size} tokens), {@code file}, or
     *               {@code minilm} (the MiniLM encoder's own, bert-base-uncased's 30,522 tokens)
     * @param size   the learnt vocabulary's size
     * @param file   a {@code vocab.txt} (e.g. bert-base-uncased's) when {@code source} is {@code file}
     */
    public record VocabularySettings(Choices.VocabularySource source, int size, String file) {
        public boolean learnt() {
            return source == Choices.VocabularySource.LEARNT;
        }
    }

    /** The noise schedule ({@code cosine} or {@code linear}) over T {@code steps}. */
    public record Diffusion(Choices.Schedule schedule, int steps) {
    }

    /**
     * Unconditional pretraining of the base denoiser on the training texts (never the dev texts).
     *
     * @param texts {@code prompts} (the training prompts alone) or {@code labelled} (each training prompt followed
     *              by its label word in running text, "sst2 sentence: the plot is dull negative": the base learns
     *              which words decide a label, as a real pretrained model knows sentiment words, but never sees the
     *              conditional format of fine-tuning: [SEP], the response segment, the padding) or {@code task}
     *              (each training example in the fine-tuning format, {@code [CLS] prompt [SEP] response [SEP]}, prompt
     *              and response corrupted together: the base learns the task jointly, and its frozen output head
     *              can write the label words and the response's [PAD]s, which frozen-base methods cannot teach it)
     * @param conditionalShare with {@code task} texts, the share of rows whose prompt stays whole and only the
     *              response is corrupted, as in fine-tuning (so the base also learns to answer; see
     *              docs/EXPERIMENT.md); 0 otherwise
     * @param lossWeights {@code elbo} (each masked token weighted by the schedule's ELBO weight, up to T at the first
     *              step) or {@code row} (every row weighs the same, its masked tokens sharing the weight: less gradient
     *              noise, and an answer token is not drowned by a long prompt's masked tokens)
     * @param trainEncoder whether the encoder ({@code bert.*}) trains too, or only the parts a pretrained encoder
     *              lacks (the MLM head and the timestep embedding); absent means true
     */
    public record Pretraining(Choices.PretrainingTexts texts, int steps, int batchSize, int maxLength,
                              double learningRate, int warmupSteps, double weightDecay, double clipNorm, long seed,
                              double conditionalShare, Choices.LossWeights lossWeights,
                              @JsonInclude(JsonInclude.Include.NON_NULL) Boolean trainEncoder) {
        public boolean encoderTrains() {
            return trainEncoder == null || trainEncoder;
        }

        public Pretraining {
            if (!(conditionalShare >= 0 && conditionalShare <= 1)
                    || (conditionalShare > 0 && texts != Choices.PretrainingTexts.TASK)) {
                throw new IllegalArgumentException("pretraining.conditional_share must lie in [0, 1] and be 0 unless "
                        + "pretraining.texts is 'task', got " + conditionalShare + " with '" + texts + "'");
            }
        }
    }

    /**
     * Conditional fine-tuning, one run per (method, seed).
     *
     * @param evalEvery          evaluate (and checkpoint) every this many steps, and at the end
     * @param evalCaps           dev examples per task in the combined validation set (the first ones; 0 = all)
     * @param mixture            {@code proportional} (each epoch visits every training example once) or
     *                           {@code temperature} (task shares ∝ size^(1/mixtureTemperature))
     * @param bucketWindow       batches per length-sorted window (1 = no bucketing)
     * @param wholeResponseShare the share of training rows given time 1 and their whole response masked, the state
     *                           candidate scoring and generation start from (see docs/EXPERIMENT.md); absent means 0
     * @param lossWeights        {@code token} (the mean over the batch's masked tokens, so a row weighs as many
     *                           tokens as it has masked: a five-token QNLI response five times SST-2's one), {@code
     *                           row} (every row the same) or {@code elbo}; absent means {@code token}
     */
    public record Training(int steps, int batchSize, int maxLength, int evalEvery, Map<String, Integer> evalCaps,
                           int evalBatchSize, double weightDecay, double clipNorm, List<String> methods,
                           List<Integer> seeds, Choices.Mixture mixture, double mixtureTemperature, int bucketWindow,
                           @JsonInclude(JsonInclude.Include.NON_NULL) Double wholeResponseShare,
                           @JsonInclude(JsonInclude.Include.NON_NULL) Choices.LossWeights lossWeights) {

        /** {@link #lossWeights}, {@code token} where absent. */
        public Choices.LossWeights lossWeightsOrToken() {
            return lossWeights == null ? Choices.LossWeights.TOKEN : lossWeights;
        }

        /** {@link #wholeResponseShare}, 0 where absent. */
        public double wholeResponseShareOrZero() {
            return wholeResponseShare == null ? 0 : wholeResponseShare;
        }

        public List<PeftMethod> parsedMethods() {
            return methods.stream().map(PeftMethod::parse).toList();
        }

    }

    /**
     * How generation fills the masked response.
     *
     * @param kind             {@code ancestral} (reverse diffusion, K steps) or {@code low_confidence} (LLaDA-style)
     * @param steps            K, the number of reverse steps
     * @param choice           {@code greedy} or {@code temperature}
     * @param restrictToLabels choose only among the tokens of the task's label words
     */
    public record SamplerSettings(Choices.SamplerKind kind, int steps, Choices.TokenChoiceKind choice, double temperature,
                                  boolean restrictToLabels) {
    }
}
