package lodi.autograd;

import java.util.Arrays;
import lodi.tensor.Tensor;

/**
 * Embedding lookup, PyTorch's {@code F.embedding}.
 *
 * <p>Shape legend: T = table rows (vocabulary), D = embedding dim, N = ids.
 */
public final class EmbeddingOps {
    private EmbeddingOps() {
    }

    /**
     * table [T, D], ids [N] → [outShapePrefix..., D] (default [N, D]); the prefix's product must be N. The gradient
     * flows only into the table, and only if it requires one: a frozen table records nothing.
     */
    public static Variable embedding(Variable table, int[] ids, int... outShapePrefix) {
        Tensor t = table.value();
        if (t.rank() != 2) {
            throw new IllegalArgumentException("embedding table must be [rows, dim], got "
                    + Arrays.toString(t.shape()));
        }
        return ShapeOps.gather(table, ids, outShapePrefix.length == 0 ? new int[] {ids.length} : outShapePrefix);
    }
}
