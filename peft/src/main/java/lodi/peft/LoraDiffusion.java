package lodi.peft;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import lodi.autograd.Autograd;
import lodi.autograd.ElementwiseOps;
import lodi.autograd.Init;
import lodi.autograd.Linear;
import lodi.autograd.MatrixOps;
import lodi.autograd.Module;
import lodi.autograd.ModuleList;
import lodi.autograd.Parameter;
import lodi.autograd.ReduceOps;
import lodi.autograd.ShapeOps;
import lodi.autograd.Variable;
import lodi.model.TokenBatch;
import lodi.model.bert.Denoiser;
import lodi.tensor.Tensor;

/**
 * {@code lora_diffusion}, trajectory-level LoRA: the frozen base runs without a tape, and its final hidden
 * states at the scored rows are perturbed by low-rank modules chosen by the noise step before the frozen
 * output head reads them:
 * <pre>
 *   h'_t = h_t + σ(t) · Σ_{i=1..k} B_i(c) · ReLU(A_i · h_t)
 * </pre>
 * with A_i the down-projection ({@code lora_A}) and B_i(c) the prompt-conditioned up-projection ({@code lora_B}),
 * HuggingFace PEFT's names (the published experiment writes the formula with the two letters the other way round).
 * The step t = round(time·T) picks the phase: early t &gt; 2T/3 (rank 64, σ 1.0), middle T/3 &lt; t ≤ 2T/3
 * (rank 32, σ 0.5), late t ≤ T/3 (rank 8, σ 0.25), k = 2 modules each (all configurable, ranks capped at d).
 * Rows of a batch in different phases are grouped by phase, so each row passes exactly its phase's modules.
 *
 * <p>Prompt conditioning c is FiLM: the rank features are scaled by (1 + W_s·e(c)) and W_h·e(c) is added after
 * the up-projection. e(c) is the mean of the base's final hidden states over the row's prompt positions
 * ([CLS], the prompt, its [SEP]; no gradient), projected to 256 dimensions by a trainable Linear
 * ({@code lora_diffusion.prompt_projection}, counted as trainable). The reference instead encoded the
 * instruction with a separate, frozen, randomly initialised encoder; reusing the denoiser's own hidden states
 * gives c a meaningful representation at no extra forward pass.
 *
 * <p>Initialisation: A and B ~ N(0, 0.01²), FiLM weights zero. {@link #regularization} returns
 * λ_rank·Σ(‖A‖²_F + ‖B‖²_F) + λ_orth·Σ_{phases} Σ_{i&lt;j} ‖B_iᵀB_j‖²_F (the up-projections' overlap).
 *
 * <p>Files saved before the names followed PEFT (no {@code lora_names} entry in their metadata) hold the
 * down-projection as {@code lora_B} and the up-projection as {@code lora_A}; they load under the current names.
 *
 * <p>Because the base never back-propagates (only the head passes the gradient to h'), a step costs the base's
 * forward plus the head's forward and input gradient.
 *
 * <p>With {@code hidden_states: every_layer} the same formula acts on every layer's output, at every position,
 * through a {@link lodi.model.bert.LayerOutputHook}: layer i has its own modules and prompt projection
 * ({@code lora_diffusion.layer.i.*}) and its e(c) is the mean of its own output over the prompt (with gradient).
 * The frozen base then back-propagates to the earlier layers' modules, an adapters-like cost, and what the
 * perturbations change flows through attention to the response's positions.
 *
 * <p>B = batch rows, S = sequence, D = hidden size, N = scored rows, Nₚ = scored rows in phase p, r = rank,
 * F = FiLM dimension.
 */
final class LoraDiffusion extends AbstractPeftModel {
    static final String[] PHASES = {"early", "middle", "late"};
    private static final float INIT_STD = 0.01f;
    private static final String LORA_NAMES = "lora_names";
    private static final String PREFIX = "lora_diffusion.";

    /** One perturbation: of the final hidden states, or of each layer's output in layer order. */
    private final List<Perturbation> perturbations = new ArrayList<>();
    private final LoraDiffusionConfig settings;
    /** The last evaluation-mode forward's rows before and after the perturbation, for traces; norms on demand. */
    private LastPerturbation last;
    private double[] lastNorms;

    private record LastPerturbation(Tensor before, Tensor after, int[] rowOfRows, int rows) {
    }

    LoraDiffusion(Denoiser base, LoraDiffusionConfig config, long seed) {
        super(base, config, name -> false);
        this.settings = config;
        int hidden = base.config().hiddenSize();
        if (config.hiddenStates() == LoraDiffusionConfig.HiddenStates.FINAL) {
            perturbations.add(new Perturbation(hidden, config, seed, PREFIX));
        } else {
            for (int i = 0; i < base.layers().size(); i++) {
                perturbations.add(new Perturbation(hidden, config, seed, layerPrefix(i)));
            }
            base.setLayerOutputHook(this::perturbLayerOutput);
        }
    }

    private static String layerPrefix(int layer) {
        return PREFIX + "layer." + layer + ".";
    }

    @Override
    Map<String, Parameter> addedParameters() {
        Map<String, Parameter> named = new LinkedHashMap<>();
        for (Perturbation perturbation : perturbations) {
            perturbation.namedParameters().forEach((name, p) -> named.put(perturbation.prefix + name, p));
        }
        return named;
    }

    @Override
    public void train(boolean on) {
        base.train(on);
        perturbations.forEach(p -> p.train(on));
    }

    @Override
    public boolean timeConditioned() {
        return true;
    }

    @Override
    public Variable trainingLogits(TokenBatch batch, float[] times, int[] positions) {
        if (everyLayer()) {
            return super.trainingLogits(batch, times, positions);
        }
        return base.head(perturbedRows(batch, times, positions));
    }

    @Override
    public Variable trainingLoss(TokenBatch batch, float[] times, int[] positions, int[] targets, float[] weights,
                                 float divisor) {
        if (everyLayer()) {
            return super.trainingLoss(batch, times, positions, targets, weights, divisor);
        }
        return base.headLoss(perturbedRows(batch, times, positions), targets, weights, divisor);
    }

    private boolean everyLayer() {
        return settings.hiddenStates() == LoraDiffusionConfig.HiddenStates.EVERY_LAYER;
    }

    /** The frozen base's final hidden states at the scored positions [N, D], perturbed by the low-rank update. */
    private Variable perturbedRows(TokenBatch batch, float[] times, int[] positions) {
        Tensor selected;
        Tensor prompts;
        try (var scope = Autograd.noGrad()) {
            Variable hidden = base.hidden(batch, times);
            selected = ShapeOps.gatherRows(hidden, positions).value();
            prompts = promptMeans(hidden, batch).value();
        }
        int[] rowOf = batch.rowOfPositions();
        int[] rowOfScored = new int[positions.length];
        for (int n = 0; n < positions.length; n++) {
            rowOfScored[n] = rowOf[positions[n]];
        }
        Variable perturbed = perturbations.getFirst().forward(Variable.constant(selected), Variable.constant(prompts),
                rowOfScored, phases(batch, times));
        keepForTraces(selected, perturbed, rowOfScored, batch);
        return perturbed;
    }

    /**
     * The hook on layer {@code layer}'s output [T, D]: every position perturbed by that layer's modules, chosen by
     * its row's phase; the FiLM prompt vector is the mean of this layer's output over the prompt.
     */
    private Variable perturbLayerOutput(int layer, Variable hidden, TokenBatch batch, float[] times) {
        Variable prompts = promptMeans(hidden, batch);
        int[] rowOf = batch.rowOfPositions();
        for (int i = 0; i < rowOf.length; i++) {
            rowOf[i] = Math.max(rowOf[i], 0); // positions in no row (padding) are never read: any module will do
        }
        Variable perturbed = perturbations.get(layer).forward(hidden, prompts, rowOf, phases(batch, times));
        if (layer == perturbations.size() - 1) {
            keepForTraces(hidden.value(), perturbed, rowOf, batch);
        }
        return perturbed;
    }

    /** Each batch row's phase [B] from its diffusion time. */
    private int[] phases(TokenBatch batch, float[] times) {
        int numTimesteps = base.config().numTimesteps();
        int[] phaseOfRow = new int[batch.batch()];
        for (int b = 0; b < batch.batch(); b++) {
            phaseOfRow[b] = phase(Math.round(times[b] * numTimesteps), numTimesteps);
        }
        return phaseOfRow;
    }

    /** In evaluation mode, the rows before and after the (last) perturbation, for {@link #lastPerturbationNorm}. */
    private void keepForTraces(Tensor before, Variable after, int[] rowOfRows, TokenBatch batch) {
        if (!base.isTraining()) {
            last = new LastPerturbation(before, after.value(), rowOfRows, batch.batch());
            lastNorms = null;
        }
    }

    @Override
    public double lastPerturbationNorm(int row) {
        if (last == null || row >= last.rows()) {
            return Double.NaN;
        }
        if (lastNorms == null) {
            lastNorms = perturbationNorms(last);
        }
        return lastNorms[row];
    }

    /** Per batch row, the mean over its perturbed rows (scored positions, or every position) of ‖h' − h‖₂. */
    private static double[] perturbationNorms(LastPerturbation last) {
        double[] sums = new double[last.rows()];
        int[] counts = new int[last.rows()];
        int d = last.before().cols();
        for (int n = 0; n < last.rowOfRows().length; n++) {
            double squares = 0;
            for (int x = 0; x < d; x++) {
                double delta = last.after().get(n * d + x) - last.before().get(n * d + x);
                squares += delta * delta;
            }
            int row = last.rowOfRows()[n];
            sums[row] += Math.sqrt(squares);
            counts[row]++;
        }
        for (int b = 0; b < sums.length; b++) {
            sums[b] = counts[b] == 0 ? Double.NaN : sums[b] / counts[b];
        }
        return sums;
    }

    /** {@code lora_names: peft}: lora_A is the down-projection, as in HuggingFace PEFT. */
    @Override
    Map<String, String> savedMetadata() {
        return Map.of(LORA_NAMES, "peft");
    }

    /** An older file (no {@code lora_names}) held the down-projection as lora_B: its two names are swapped back. */
    @Override
    Map<String, Tensor> currentNames(Map<String, Tensor> saved, Map<String, String> metadata) {
        if (metadata.containsKey(LORA_NAMES)) {
            return saved;
        }
        Map<String, Tensor> renamed = new LinkedHashMap<>();
        saved.forEach((name, tensor) -> renamed.put(name.replace(".lora_A.", ".lora_X.").replace(".lora_B.", ".lora_A.")
                .replace(".lora_X.", ".lora_B."), tensor));
        return renamed;
    }

    @Override
    public Variable regularization() {
        Variable total = null;
        for (Perturbation perturbation : perturbations) {
            Variable terms = perturbation.regularization(settings.lambdaRank(), settings.lambdaOrth());
            total = total == null ? terms : ElementwiseOps.add(total, terms);
        }
        return total;
    }

    @Override
    public String phaseAt(float time) {
        int numTimesteps = base.config().numTimesteps();
        return PHASES[phase(Math.round(time * numTimesteps), numTimesteps)];
    }

    /** 0 early (t &gt; 2T/3), 1 middle (T/3 &lt; t ≤ 2T/3), 2 late (t ≤ T/3). */
    static int phase(long step, int numTimesteps) {
        if (3 * step > 2L * numTimesteps) {
            return 0;
        }
        return 3 * step > numTimesteps ? 1 : 2;
    }

    /**
     * The mean hidden state [B, D] over each row's prompt positions (real positions in segment 0; zeros for a row
     * without any), differentiable in hidden.
     */
    static Variable promptMeans(Variable hidden, TokenBatch batch) {
        int d = hidden.value().cols();
        Variable[] means = new Variable[batch.batch()];
        for (int b = 0; b < batch.batch(); b++) {
            List<Integer> prompt = new ArrayList<>();
            for (int s = 0; s < batch.lengths()[b]; s++) {
                if (batch.segments()[batch.start(b) + s] == 0) {
                    prompt.add(batch.start(b) + s);
                }
            }
            int[] rows = prompt.stream().mapToInt(Integer::intValue).toArray();
            means[b] = rows.length == 0 ? Variable.constant(Tensor.zeros(1, d))
                    : ShapeOps.reshape(ReduceOps.meanRows(hidden, rows), 1, d);
        }
        return ShapeOps.concatFirstDim(means);
    }

    /** The trainable part: the prompt projection and, per phase, k low-rank modules with their FiLM weights. */
    static final class Perturbation extends Module {
        /** The parameter names' prefix: {@code lora_diffusion.} or {@code lora_diffusion.layer.i.}. */
        final String prefix;
        private final Linear promptProjection;
        private final List<ModuleList<PhaseModule>> phases = new ArrayList<>();
        private final float[] sigmas;

        Perturbation(int hidden, LoraDiffusionConfig config, long seed, String prefix) {
            this.prefix = prefix;
            promptProjection = registerModule("prompt_projection",
                    new Linear(hidden, config.filmDim(), false, seed, stream(prefix + "prompt_projection")));
            sigmas = new float[PHASES.length];
            for (int p = 0; p < PHASES.length; p++) {
                ModuleList<PhaseModule> modules = registerModule(PHASES[p], new ModuleList<>());
                int rank = Math.min(config.phaseRanks().get(p), hidden);
                for (int i = 0; i < config.modulesPerPhase(); i++) {
                    modules.add(new PhaseModule(hidden, rank, config.filmDim(), seed, prefix + PHASES[p] + "." + i));
                }
                phases.add(modules);
                sigmas[p] = config.phaseSigmas().get(p).floatValue();
            }
        }

        /**
         * Hidden states h [N, D], promptMeans [B, D], the batch row of each of the N rows, each batch row's phase
         * [B] → h' [N, D], in the order of {@code selected}.
         */
        Variable forward(Variable selected, Variable promptMeans, int[] rowOfRows, int[] phaseOfRow) {
            Variable prompt = promptProjection.forward(promptMeans);
            List<Variable> deltas = new ArrayList<>();
            int[] order = new int[rowOfRows.length];
            int filled = 0;
            for (int p = 0; p < PHASES.length; p++) {
                List<Integer> members = new ArrayList<>();
                for (int n = 0; n < rowOfRows.length; n++) {
                    if (phaseOfRow[rowOfRows[n]] == p) {
                        members.add(n);
                    }
                }
                if (members.isEmpty()) {
                    continue;
                }
                int[] rows = new int[members.size()];
                int[] batchRows = new int[members.size()];
                for (int j = 0; j < rows.length; j++) {
                    rows[j] = members.get(j);
                    batchRows[j] = rowOfRows[rows[j]];
                    order[rows[j]] = filled + j;
                }
                filled += rows.length;
                Variable h = ShapeOps.gatherRows(selected, rows);
                Variable film = ShapeOps.gatherRows(prompt, batchRows);
                Variable sum = null;
                for (PhaseModule module : phases.get(p).items()) {
                    Variable delta = module.forward(h, film);
                    sum = sum == null ? delta : ElementwiseOps.add(sum, delta);
                }
                deltas.add(ElementwiseOps.scale(sum, sigmas[p]));
            }
            if (deltas.isEmpty()) {
                return selected;
            }
            Variable grouped = ShapeOps.concatFirstDim(deltas.toArray(Variable[]::new));
            // grouped row order[n] belongs to row n of selected: gather puts them back in its order
            return ElementwiseOps.add(selected, ShapeOps.gatherRows(grouped, order));
        }

        Variable regularization(double lambdaRank, double lambdaOrth) {
            Variable norms = null;
            Variable overlaps = null;
            for (ModuleList<PhaseModule> modules : phases) {
                List<PhaseModule> list = modules.items();
                for (int i = 0; i < list.size(); i++) {
                    Variable squares = ElementwiseOps.add(ReduceOps.sumOfSquares(list.get(i).up.weight()),
                            ReduceOps.sumOfSquares(list.get(i).down.weight()));
                    norms = norms == null ? squares : ElementwiseOps.add(norms, squares);
                    for (int j = i + 1; j < list.size(); j++) {
                        // A_iᵀA_j [r, r] for A [D, r]
                        Variable overlap = ReduceOps.sumOfSquares(
                                MatrixOps.matmul(list.get(i).up.weight(), true, list.get(j).up.weight(), false));
                        overlaps = overlaps == null ? overlap : ElementwiseOps.add(overlaps, overlap);
                    }
                }
            }
            Variable total = ElementwiseOps.scale(norms, (float) lambdaRank);
            return overlaps == null ? total : ElementwiseOps.add(total, ElementwiseOps.scale(overlaps, (float) lambdaOrth));
        }
    }

    /**
     * One low-rank module with FiLM: B(c)·ReLU(A·h) = B·((1 + W_s·e)⊙ReLU(A·h)) + W_h·e. Names: {@code lora_A}
     * (the down-projection A [r, D]), {@code lora_B} (the up-projection B [D, r]), {@code film_scale} (W_s [r, F]),
     * {@code film_shift} (W_h [D, F]). The random streams keep the published experiment's letters (its B is the
     * down-projection), so the initial values are those of its layout.
     */
    static final class PhaseModule extends Module {
        final Linear down;
        final Linear up;
        final Linear filmScale;
        final Linear filmShift;

        PhaseModule(int hidden, int rank, int filmDim, long seed, String name) {
            down = registerModule("lora_A", new Linear(hidden, rank, false, seed, stream(name + ".lora_B")));
            up = registerModule("lora_B", new Linear(rank, hidden, false, seed, stream(name + ".lora_A")));
            filmScale = registerModule("film_scale", new Linear(filmDim, rank, false, seed, stream(name + ".film_scale")));
            filmShift = registerModule("film_shift", new Linear(filmDim, hidden, false, seed, stream(name + ".film_shift")));
            down.weight().value().copyFrom(Init.normal(seed, stream(name + ".lora_B.init"), INIT_STD, rank, hidden));
            up.weight().value().copyFrom(Init.normal(seed, stream(name + ".lora_A.init"), INIT_STD, hidden, rank));
            filmScale.weight().value().zero();
            filmShift.weight().value().zero();
        }

        /** h [Nₚ, D], e [Nₚ, F] → A·((1 + W_s·e) ⊙ ReLU(B·h)) + W_h·e [Nₚ, D]. */
        Variable forward(Variable h, Variable e) {
            Variable features = ElementwiseOps.relu(down.forward(h));
            Variable gain = filmScale.forward(e);
            Variable modulated = ElementwiseOps.add(features, ElementwiseOps.mul(features, gain));
            return ElementwiseOps.add(up.forward(modulated), filmShift.forward(e));
        }
    }
}
