package lodi.tensor;

/**
 * Row gather and its scatter-add: the embedding lookup, and the selection of rows (the masked positions
 * before the output head).
 *
 * <p>Shape legend: N = looked-up rows (ids), T = table rows (vocabulary or source rows), D = row width.
 *
 * <p>The scatter-add is deterministic for any thread count: tasks own column blocks of the table and each
 * walks the ids in increasing position order, so every table element receives its additions in the same
 * order as the sequential loop {@code for i: dTable[ids[i]] += dOut[i]} — bitwise equal to it.
 */
public final class EmbeddingKernel {
    /** Columns one scatter task owns: a multiple of the vector length, so only the row's last block has a tail. */
    static final int COLUMN_BLOCK = 128;
    /** Below this many floats per task, copying is cheaper than scheduling. */
    private static final int GATHER_GRAIN_FLOATS = 16_384;

    private EmbeddingKernel() {
    }

    /**
     * out[N,D] = table[T,D] rows at ids: out[i] = table[ids[i]]. A plain copy per row (System.arraycopy is
     * already a vectorised memcpy, so there is no separate SIMD path).
     */
    public static void gather(float[] table, int tableOff, int tableRows, int[] ids, float[] out, int outOff, int d) {
        checkIds(ids, tableRows);
        int grain = Math.max(1, GATHER_GRAIN_FLOATS / Math.max(1, d));
        Parallel.forEach(ids.length, grain,
                i -> System.arraycopy(table, tableOff + ids[i] * d, out, outOff + i * d, d));
    }

    /** Inverts out[i] = table[ids[i]]: dTable[ids[i]] += dOut[i], for i in increasing order. */
    public static void scatterAdd(float[] dOut, int dOutOff, int[] ids, float[] dTable, int dTableOff, int tableRows,
                                  int d) {
        checkIds(ids, tableRows);
        int blocks = (d + COLUMN_BLOCK - 1) / COLUMN_BLOCK;
        boolean simd = Simd.enabled();
        Parallel.forEach(blocks, block -> {
            int from = block * COLUMN_BLOCK;
            int to = Math.min(d, from + COLUMN_BLOCK);
            if (simd) {
                scatterAddVector(dOut, dOutOff, ids, dTable, dTableOff, d, from, to);
            } else {
                scatterAddScalar(dOut, dOutOff, ids, dTable, dTableOff, d, from, to);
            }
        });
    }

    /** Scatter-add restricted to columns [from, to). */
    static void scatterAddScalar(float[] dOut, int dOutOff, int[] ids, float[] dTable, int dTableOff, int d,
                                 int from, int to) {
        for (int i = 0; i < ids.length; i++) {
            TensorCopy.addScalar(dOut, dOutOff + i * d + from, dTable, dTableOff + ids[i] * d + from, to - from);
        }
    }

    static void scatterAddVector(float[] dOut, int dOutOff, int[] ids, float[] dTable, int dTableOff, int d,
                                 int from, int to) {
        for (int i = 0; i < ids.length; i++) {
            TensorCopy.addVector(dOut, dOutOff + i * d + from, dTable, dTableOff + ids[i] * d + from, to - from);
        }
    }

    private static void checkIds(int[] ids, int tableRows) {
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] < 0 || ids[i] >= tableRows) {
                throw new IllegalArgumentException("id " + ids[i] + " at position " + i + " is outside the table's "
                        + tableRows + " rows");
            }
        }
    }
}
