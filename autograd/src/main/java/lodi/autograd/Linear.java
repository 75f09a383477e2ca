package lodi.autograd;

import java.util.function.LongSupplier;
import lodi.tensor.Gemm;
import lodi.tensor.Tensor;

/**
 * A fully connected layer, y = x·Wᵀ + b, with weight [out, in] and bias [out] as in PyTorch.
 *
 * <p>A low-rank path can be attached ({@link #attachLora}, HuggingFace PEFT's LoRA layer): then
 * y = x·Wᵀ + b + (α/r)·dropout(x)·Aᵀ·Bᵀ with {@code lora_A.weight} A [r, in] and {@code lora_B.weight} B [out, r].
 * {@link #merge} folds (α/r)·B·A into W for inference; {@link #unmerge} takes it out again.
 *
 * <p>Shape legend: R = rows, I = in features, O = out features, r = LoRA rank.
 */
public final class Linear extends Module {
    private final Parameter weight;
    private final Parameter bias;
    private Lora lora;

    /** PyTorch's default initialisation (weight and bias U(±1/√in)) from the given seed and stream. */
    public Linear(int in, int out, boolean withBias, long seed, long stream) {
        weight = registerParameter("weight", Init.kaimingUniform(seed, 2 * stream, out, in));
        bias = withBias
                ? registerParameter("bias", Init.uniform(seed, 2 * stream + 1, (float) (1.0 / Math.sqrt(in)), out))
                : null;
    }

    public Variable forward(Variable x) {
        Variable y = MatrixOps.linear(x, weight, bias);
        if (lora == null || lora.merged) {
            return y;
        }
        Variable dropped = RandomOps.dropout(x, lora.dropout, lora.stepSeed.getAsLong(), lora.dropoutStream, isTraining());
        Variable low = MatrixOps.linear(MatrixOps.linear(dropped, lora.a.weight, null), lora.b.weight, null);
        return ElementwiseOps.add(y, ElementwiseOps.scale(low, lora.scaling));
    }

    /**
     * Adds a low-rank path of rank {@code rank} (lora_A Kaiming-uniform as PyTorch's Linear, lora_B zero, so the
     * layer's output is unchanged until B trains). {@code stepSeed} gives the current step's dropout seed.
     */
    public void attachLora(int rank, double alpha, double dropout, LongSupplier stepSeed, long seed, long stream) {
        if (lora != null) {
            throw new IllegalStateException("this Linear already has a LoRA path");
        }
        if (rank < 1 || !(dropout >= 0 && dropout < 1)) {
            throw new IllegalArgumentException("LoRA needs rank ≥ 1 and dropout in [0, 1), got " + rank + " and " + dropout);
        }
        Linear a = registerModule("lora_A", new Linear(inFeatures(), rank, false, seed, stream));
        Linear b = registerModule("lora_B", new Linear(rank, outFeatures(), false, seed, stream + 1));
        b.weight.value().copyFrom(Tensor.zeros(outFeatures(), rank));
        lora = new Lora(a, b, (float) (alpha / rank), (float) dropout, stepSeed, stream);
    }

    /** Whether a LoRA path is attached. */
    public boolean hasLora() {
        return lora != null;
    }

    /** W += (α/r)·B·A; the forward then skips the low-rank path (for inference: the update trains no more). */
    public void merge() {
        requireLora(false);
        foldLora(1f);
        lora.merged = true;
    }

    /** W −= (α/r)·B·A, undoing {@link #merge}. */
    public void unmerge() {
        requireLora(true);
        foldLora(-1f);
        lora.merged = false;
    }

    public boolean merged() {
        return lora != null && lora.merged;
    }

    public Parameter weight() {
        return weight;
    }

    /** The bias, or null for a layer without one. */
    public Parameter bias() {
        return bias;
    }

    public int inFeatures() {
        return weight.value().dim(1);
    }

    public int outFeatures() {
        return weight.value().dim(0);
    }

    /** W[O,I] += sign·(α/r)·B[O,r]·A[r,I]. */
    private void foldLora(float sign) {
        Tensor w = weight.value();
        Tensor a = lora.a.weight.value();
        Tensor b = lora.b.weight.value();
        int rank = a.dim(0);
        Gemm.sgemm(false, false, outFeatures(), inFeatures(), rank, sign * lora.scaling, b.data(), b.offset(), rank,
                a.data(), a.offset(), inFeatures(), 1f, w.data(), w.offset(), inFeatures());
    }

    private void requireLora(boolean merged) {
        if (lora == null) {
            throw new IllegalStateException("no LoRA path attached");
        }
        if (lora.merged != merged) {
            throw new IllegalStateException(merged ? "the LoRA update is not merged" : "the LoRA update is already merged");
        }
    }

    private static final class Lora {
        final Linear a;
        final Linear b;
        final float scaling;
        final float dropout;
        final LongSupplier stepSeed;
        final long dropoutStream;
        boolean merged;

        Lora(Linear a, Linear b, float scaling, float dropout, LongSupplier stepSeed, long dropoutStream) {
            this.a = a;
            this.b = b;
            this.scaling = scaling;
            this.dropout = dropout;
            this.stepSeed = stepSeed;
            this.dropoutStream = dropoutStream;
        }
    }
}
