package lodi.autograd;

import java.util.Arrays;
import lodi.tensor.EmbeddingKernel;
import lodi.tensor.Tensor;
import lodi.tensor.TensorCopy;

/**
 * Ops that move values without arithmetic: views, head permutes, row selection and concatenation. Their
 * backward passes route the gradient back to where each value came from.
 *
 * <p>Shape legend: B = batch, S = sequence, H = heads, Dh = head dim, D = row width, R = rows.
 */
public final class ShapeOps {
    private ShapeOps() {
    }

    /** A view of x with a new shape of the same size (one dimension may be -1); shares x's storage. */
    public static Variable reshape(Variable x, int... shape) {
        Tensor y = x.value().reshape(shape);
        return Variable.op(y, dy -> {
            if (x.requiresGrad()) {
                // inverts y = x viewed as shape: dx += dy viewed as x's shape
                accumulate(dy, x.gradBuffer());
            }
        }, x);
    }

    /** [B, S, H·Dh] → [B, H, S, Dh]: each head's slice of the model dimension becomes its own sequence. */
    public static Variable splitHeads(Variable x, int heads) {
        Tensor xv = x.value();
        if (xv.rank() != 3 || heads < 1 || xv.dim(2) % heads != 0) {
            throw new IllegalArgumentException("splitHeads wants [batch, seq, heads·headDim] divisible into " + heads
                    + " heads, got " + Arrays.toString(xv.shape()));
        }
        int b = xv.dim(0);
        int s = xv.dim(1);
        int dh = xv.dim(2) / heads;
        Tensor y = Tensor.zeros(b, heads, s, dh);
        TensorCopy.swapMiddleAxes(b, s, heads, dh, xv.data(), xv.offset(), y.data(), y.offset(), false);
        return Variable.op(y, dy -> {
            if (x.requiresGrad()) {
                // inverts y[b,h,s,:] = x[b,s,h,:]: dx[b,s,h,:] += dy[b,h,s,:]
                Tensor dx = x.gradBuffer();
                TensorCopy.swapMiddleAxes(b, heads, s, dh, dy.data(), dy.offset(), dx.data(), dx.offset(), true);
            }
        }, x);
    }

    /** [B, H, S, Dh] → [B, S, H·Dh], the inverse of {@link #splitHeads}. */
    public static Variable mergeHeads(Variable x) {
        Tensor xv = x.value();
        if (xv.rank() != 4) {
            throw new IllegalArgumentException("mergeHeads wants [batch, heads, seq, headDim], got "
                    + Arrays.toString(xv.shape()));
        }
        int b = xv.dim(0);
        int h = xv.dim(1);
        int s = xv.dim(2);
        int dh = xv.dim(3);
        Tensor y = Tensor.zeros(b, s, h * dh);
        TensorCopy.swapMiddleAxes(b, h, s, dh, xv.data(), xv.offset(), y.data(), y.offset(), false);
        return Variable.op(y, dy -> {
            if (x.requiresGrad()) {
                // inverts y[b,s,h,:] = x[b,h,s,:]: dx[b,h,s,:] += dy[b,s,h,:]
                Tensor dx = x.gradBuffer();
                TensorCopy.swapMiddleAxes(b, s, h, dh, dy.data(), dy.offset(), dx.data(), dx.offset(), true);
            }
        }, x);
    }

    /**
     * x [R, D] (any leading dims flatten into R), rows → [n, D] with y[i] = x[rows[i]]; rows may repeat. Used to
     * keep only the masked positions before the output head; the backward scatter-adds deterministically.
     */
    public static Variable gatherRows(Variable x, int[] rows) {
        return gather(x, rows, new int[] {rows.length});
    }

    /** Rows [from, to) of x along its first dimension: a view sharing x's storage. */
    public static Variable sliceRows(Variable x, int from, int to) {
        Tensor y = x.value().rows(from, to);
        return Variable.op(y, dy -> {
            if (x.requiresGrad()) {
                // inverts y = x[from:to]: dx[from:to] += dy
                accumulate(dy, x.gradBuffer().rows(from, to));
            }
        }, x);
    }

    /** Concatenation along the last dimension: [..., D₀], [..., D₁], ... → [..., D₀ + D₁ + ...]. */
    public static Variable concatLastDim(Variable... xs) {
        requireSome(xs, "concatLastDim");
        int[] lead = xs[0].value().shape();
        int total = 0;
        int[] widths = new int[xs.length];
        for (int k = 0; k < xs.length; k++) {
            int[] shape = xs[k].value().shape();
            if (shape.length != lead.length || shape.length == 0
                    || !Arrays.equals(shape, 0, shape.length - 1, lead, 0, lead.length - 1)) {
                throw new IllegalArgumentException("concatLastDim: shapes " + Arrays.toString(lead) + " and "
                        + Arrays.toString(shape) + " differ before the last dimension");
            }
            widths[k] = shape[shape.length - 1];
            total += widths[k];
        }
        int[] outShape = lead.clone();
        outShape[outShape.length - 1] = total;
        return concatColumns(xs, xs[0].value().rows(), widths, outShape);
    }

    /** Concatenation along the first dimension: [N₀, ...], [N₁, ...], ... → [N₀ + N₁ + ..., ...]. */
    public static Variable concatFirstDim(Variable... xs) {
        requireSome(xs, "concatFirstDim");
        int[] first = xs[0].value().shape();
        int rows = 0;
        int[] sizes = new int[xs.length];
        for (int k = 0; k < xs.length; k++) {
            int[] shape = xs[k].value().shape();
            if (shape.length != first.length || shape.length == 0
                    || !Arrays.equals(shape, 1, shape.length, first, 1, first.length)) {
                throw new IllegalArgumentException("concatFirstDim: shapes " + Arrays.toString(first) + " and "
                        + Arrays.toString(shape) + " differ after the first dimension");
            }
            rows += shape[0];
            sizes[k] = xs[k].value().size();
        }
        int[] outShape = first.clone();
        outShape[0] = rows;
        // contiguous tensors stacked along the first dimension are their flat arrays laid end to end: one row
        return concatColumns(xs, 1, sizes, outShape);
    }

    /** y[R, ΣC] = [x₀ | x₁ | ...] for inputs viewed as [R, Cₖ]. */
    private static Variable concatColumns(Variable[] xs, int rows, int[] widths, int[] outShape) {
        Tensor y = Tensor.zeros(outShape);
        int total = Arrays.stream(widths).sum();
        int column = 0;
        int[] starts = new int[xs.length];
        for (int k = 0; k < xs.length; k++) {
            Tensor xv = xs[k].value();
            starts[k] = column;
            TensorCopy.copy(rows, widths[k], xv.data(), xv.offset(), widths[k], y.data(), y.offset() + column, total);
            column += widths[k];
        }
        return Variable.op(y, dy -> {
            for (int k = 0; k < xs.length; k++) {
                if (xs[k].requiresGrad()) {
                    // inverts y[:, start:start+Cₖ] = xₖ: dxₖ += dy[:, start:start+Cₖ]
                    Tensor dx = xs[k].gradBuffer();
                    TensorCopy.add(rows, widths[k], dy.data(), dy.offset() + starts[k], total, dx.data(), dx.offset(),
                            widths[k]);
                }
            }
        }, xs);
    }

    /**
     * y[outShape..., D] with y[i] = source[ids[i]] for source viewed as [T, D]: shared by {@link #gatherRows}
     * and {@link EmbeddingOps#embedding}. A source that needs no gradient records nothing.
     */
    static Variable gather(Variable source, int[] ids, int[] outPrefix) {
        Tensor table = source.value();
        int tableRows = table.rows();
        int d = table.cols();
        long count = 1;
        for (int dim : outPrefix) {
            count *= dim;
        }
        if (count != ids.length) {
            throw new IllegalArgumentException(ids.length + " ids do not fill the output shape "
                    + Arrays.toString(outPrefix));
        }
        int[] outShape = Arrays.copyOf(outPrefix, outPrefix.length + 1);
        outShape[outPrefix.length] = d;
        Tensor y = Tensor.zeros(outShape);
        EmbeddingKernel.gather(table.data(), table.offset(), tableRows, ids, y.data(), y.offset(), d);
        int[] saved = ids.clone();
        return Variable.op(y, dy -> {
            if (source.requiresGrad()) {
                // inverts y[i] = source[ids[i]]: dSource[ids[i]] += dy[i], in increasing i
                Tensor grad = source.gradBuffer();
                EmbeddingKernel.scatterAdd(dy.data(), dy.offset(), saved, grad.data(), grad.offset(), tableRows, d);
            }
        }, source);
    }

    /** into += grad for two tensors of equal size (the backward of every view). */
    static void accumulate(Tensor grad, Tensor into) {
        if (grad.size() != into.size()) {
            throw new IllegalArgumentException("gradient " + grad + " does not match " + into);
        }
        int cols = Math.max(1, into.cols());
        TensorCopy.add(into.size() / cols, cols, grad.data(), grad.offset(), cols, into.data(), into.offset(), cols);
    }

    private static void requireSome(Variable[] xs, String op) {
        if (xs.length == 0) {
            throw new IllegalArgumentException(op + " needs at least one tensor");
        }
    }
}
