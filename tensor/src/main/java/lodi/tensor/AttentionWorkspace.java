package lodi.tensor;

/** {@link AttentionVector}'s per-thread packed operands and tiles, grown on demand and reused across calls. */
final class AttentionWorkspace {
    static final ThreadLocal<AttentionWorkspace> PER_THREAD = ThreadLocal.withInitial(AttentionWorkspace::new);

    float[] qRows = new float[0];
    float[] qCols = new float[0];
    float[] kRows = new float[0];
    float[] kCols = new float[0];
    float[] vRows = new float[0];
    float[] dOutRows = new float[0];
    float[] dOutCols = new float[0];
    float[] acc1 = new float[0];
    float[] acc2 = new float[0];
    float[] acc3 = new float[0];
    float[] bias = new float[0];
    float[] rowMax = new float[0];
    float[] rowSum = new float[0];
    float[] lse = new float[0];
    float[] delta = new float[0];
    final float[] tileA = new float[AttentionTiles.ROW_BLOCK * AttentionTiles.COL_BLOCK];
    final float[] tileB = new float[AttentionTiles.ROW_BLOCK * AttentionTiles.COL_BLOCK];
    private int rowsCapacity;
    private int dimCapacity;

    AttentionWorkspace ensure(int paddedSeq, int paddedDim) {
        if (paddedSeq > rowsCapacity || paddedDim > dimCapacity) {
            rowsCapacity = Math.max(rowsCapacity, paddedSeq);
            dimCapacity = Math.max(dimCapacity, paddedDim);
            int matrix = rowsCapacity * dimCapacity;
            qRows = new float[matrix];
            qCols = new float[matrix];
            kRows = new float[matrix];
            kCols = new float[matrix];
            vRows = new float[matrix];
            dOutRows = new float[matrix];
            dOutCols = new float[matrix];
            acc1 = new float[matrix];
            acc2 = new float[matrix];
            acc3 = new float[matrix];
            bias = new float[rowsCapacity];
            rowMax = new float[rowsCapacity];
            rowSum = new float[rowsCapacity];
            lse = new float[rowsCapacity];
            delta = new float[rowsCapacity];
        }
        return this;
    }
}
