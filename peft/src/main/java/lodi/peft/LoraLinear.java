package lodi.peft;

import java.util.function.LongSupplier;
import lodi.autograd.ElementwiseOps;
import lodi.autograd.Linear;
import lodi.autograd.MatrixOps;
import lodi.autograd.Module;
import lodi.autograd.RandomOps;
import lodi.autograd.UnaryModule;
import lodi.autograd.Variable;
import lodi.tensor.Gemm;
import lodi.tensor.Tensor;

/**
 * HuggingFace PEFT's LoRA layer: it wraps a frozen {@link Linear} ({@code base_layer}) and adds a low-rank path,
 * y = base_layer(x) + (α/r)·dropout(x)·Aᵀ·Bᵀ, with {@code lora_A.weight} A [r, in] (the down-projection,
 * Kaiming-uniform as PyTorch's Linear) and {@code lora_B.weight} B [out, r] (the up-projection, zero, so the
 * layer starts as its base). {@link #merge} folds (α/r)·B·A into the base weight for inference; {@link #unmerge}
 * takes it out again.
 *
 * <p>Shape legend: R = rows, I = in features, O = out features, r = rank.
 */
final class LoraLinear extends Module implements UnaryModule {
    private final Linear base;
    private final Linear a;
    private final Linear b;
    private final float scaling;
    private final float dropout;
    private final LongSupplier stepSeed;
    private final long dropoutStream;
    private boolean merged;

    /**
     * A rank-{@code rank} path beside {@code base}; {@code stepSeed} gives the current step's dropout seed, and
     * {@code stream} (with {@code seed}) A's initial values and the dropout masks.
     */
    LoraLinear(Linear base, int rank, double alpha, double dropout, LongSupplier stepSeed, long seed, long stream) {
        if (rank < 1 || !(dropout >= 0 && dropout < 1)) {
            throw new IllegalArgumentException("LoRA needs rank ≥ 1 and dropout in [0, 1), got " + rank + " and " + dropout);
        }
        this.base = registerModule("base_layer", base);
        a = registerModule("lora_A", new Linear(base.inFeatures(), rank, false, seed, stream));
        b = registerModule("lora_B", new Linear(rank, base.outFeatures(), false, seed, stream + 1));
        b.weight().value().copyFrom(Tensor.zeros(base.outFeatures(), rank));
        this.scaling = (float) (alpha / rank);
        this.dropout = (float) dropout;
        this.stepSeed = stepSeed;
        this.dropoutStream = stream;
    }

    /** x [R, I] → base_layer(x) + (α/r)·B·A·dropout(x) [R, O]; the base alone once merged. */
    @Override
    public Variable forward(Variable x) {
        Variable y = base.forward(x);
        if (merged) {
            return y;
        }
        Variable dropped = RandomOps.dropout(x, dropout, stepSeed.getAsLong(), dropoutStream, isTraining());
        Variable low = MatrixOps.linear(MatrixOps.linear(dropped, a.weight(), null), b.weight(), null);
        return ElementwiseOps.add(y, ElementwiseOps.scale(low, scaling));
    }

    /** W += (α/r)·B·A; the forward then skips the low-rank path (for inference: the update trains no more). */
    void merge() {
        requireMerged(false);
        fold(1f);
        merged = true;
    }

    /** W −= (α/r)·B·A, undoing {@link #merge}. */
    void unmerge() {
        requireMerged(true);
        fold(-1f);
        merged = false;
    }

    boolean merged() {
        return merged;
    }

    /** The wrapped layer. */
    Linear baseLayer() {
        return base;
    }

    /** W[O,I] += sign·(α/r)·B[O,r]·A[r,I]. */
    private void fold(float sign) {
        Tensor w = base.weight().value();
        Tensor down = a.weight().value();
        Tensor up = b.weight().value();
        int rank = down.dim(0);
        int in = base.inFeatures();
        Gemm.sgemm(false, false, base.outFeatures(), in, rank, sign * scaling, up.data(), up.offset(), rank,
                down.data(), down.offset(), in, 1f, w.data(), w.offset(), in);
    }

    private void requireMerged(boolean expected) {
        if (merged != expected) {
            throw new IllegalStateException(expected ? "the LoRA update is not merged" : "the LoRA update is already merged");
        }
    }
}
