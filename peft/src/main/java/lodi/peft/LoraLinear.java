package lodi.peft;

import java.util.function.LongSupplier;
import lodi.autograd.Linear;
import lodi.autograd.MatrixOps;
import lodi.autograd.Module;
import lodi.autograd.UnaryModule;
import lodi.autograd.Variable;
import lodi.tensor.BufferPool;
import lodi.tensor.DropoutKernel;
import lodi.tensor.Gemm;
import lodi.tensor.Tensor;
import lodi.tensor.VectorOps;

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
        return merged ? base.forward(x) : withLowRank(x);
    }

    /**
     * y = x·Wᵀ + b + (α/r)·(dropout(x)·Aᵀ)·Bᵀ as one op. Its intermediates ([R, O] and smaller) are scratch, not
     * variables, so a step keeps fewer [R, O] arrays. The backward takes the unfused composition's steps
     * (add, scale, the two products, dropout, then the base) in its order, so every gradient accumulates in
     * the same sequence and the results are bitwise those of
     * {@code add(base_layer(x), scale(linear(linear(dropout(x), A), B), α/r))}.
     */
    private Variable withLowRank(Variable x) {
        Tensor xv = x.value();
        Tensor down = a.weight().value();
        Tensor up = b.weight().value();
        int rows = xv.rows();
        int in = base.inFeatures();
        int out = base.outFeatures();
        int rank = down.dim(0);
        MatrixOps.checkLinear("LoRA linear", x, base.weight(), base.bias());
        boolean drop = isTraining() && dropout > 0f;
        long seed = drop ? stepSeed.getAsLong() : 0L;
        float[] dropped = drop ? BufferPool.zeros(rows * in) : xv.data();
        int droppedOff = drop ? 0 : xv.offset();
        if (drop) {
            DropoutKernel.forward(xv.data(), xv.offset(), dropped, 0, rows * in, dropout, seed, dropoutStream);
        }
        // h[R,r] = dropout(x)[R,I] · A[r,I]ᵀ
        float[] h = BufferPool.zeros(rows * rank);
        Gemm.sgemm(false, true, rows, rank, in, 1f, dropped, droppedOff, in, down.data(), down.offset(), in, 0f, h, 0, rank);
        // low[R,O] = (α/r)·h[R,r]·B[O,r]ᵀ (the product rounded, then the scaling, as two ops would)
        float[] low = BufferPool.zeros(rows * out);
        Gemm.sgemm(false, true, rows, out, rank, 1f, h, 0, rank, up.data(), up.offset(), rank, 0f, low, 0, out);
        VectorOps.scale(rows * out, scaling, low, 0, low, 0);
        int[] shape = xv.shape();
        shape[shape.length - 1] = out;
        Tensor y = Tensor.zeros(shape);
        // y[R,O] = x·Wᵀ + b, then y += low
        MatrixOps.affine(x, base.weight(), base.bias(), y.data(), y.offset());
        VectorOps.addInPlace(rows * out, low, 0, y.data(), y.offset());
        Variable[] inputs = base.bias() == null
                ? new Variable[] {x, base.weight(), a.weight(), b.weight()}
                : new Variable[] {x, base.weight(), base.bias(), a.weight(), b.weight()};
        return Variable.op(y, dy -> {
            // inverts y = base + low and low = (α/r)·lowRank: dLowRank[R,O] = (α/r)·dy
            float[] dLow = BufferPool.zeros(rows * out);
            VectorOps.axpy(rows * out, scaling, dy.data(), dy.offset(), dLow, 0);
            boolean hNeedsGrad = x.requiresGrad() || a.weight().requiresGrad();
            float[] dh = hNeedsGrad ? BufferPool.zeros(rows * rank) : null;
            if (hNeedsGrad) {
                // inverts lowRank = h·Bᵀ: dh[R,r] += dLowRank[R,O] · B[O,r]
                Gemm.sgemm(false, false, rows, rank, out, 1f, dLow, 0, out, up.data(), up.offset(), rank, 1f, dh, 0, rank);
            }
            if (b.weight().requiresGrad()) {
                // inverts lowRank = h·Bᵀ: dB[O,r] += dLowRank[R,O]ᵀ · h[R,r]
                Tensor dB = b.weight().gradBuffer();
                Gemm.sgemm(true, false, out, rank, rows, 1f, dLow, 0, out, h, 0, rank, 1f, dB.data(), dB.offset(), rank);
            }
            if (x.requiresGrad()) {
                // inverts h = dropout(x)·Aᵀ: d dropout(x)[R,I] += dh · A[r,I], then through the dropout's mask
                Tensor dx = x.gradBuffer();
                float[] dDropped = drop ? BufferPool.zeros(rows * in) : dx.data();
                int dDroppedOff = drop ? 0 : dx.offset();
                Gemm.sgemm(false, false, rows, in, rank, 1f, dh, 0, rank, down.data(), down.offset(), in, 1f,
                        dDropped, dDroppedOff, in);
                if (drop) {
                    DropoutKernel.backward(dDropped, 0, dx.data(), dx.offset(), rows * in, dropout, seed, dropoutStream, true);
                }
            }
            if (a.weight().requiresGrad()) {
                // inverts h = dropout(x)·Aᵀ: dA[r,I] += dhᵀ · dropout(x)[R,I]
                Tensor dA = a.weight().gradBuffer();
                Gemm.sgemm(true, false, rank, in, rows, 1f, dh, 0, rank, dropped, droppedOff, in, 1f,
                        dA.data(), dA.offset(), in);
            }
            // inverts y = x·Wᵀ + b (a frozen W and b cost nothing here)
            MatrixOps.affineBackward(x, base.weight(), base.bias(), dy.data(), dy.offset());
        }, inputs);
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
