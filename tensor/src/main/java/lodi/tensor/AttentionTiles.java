package lodi.tensor;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The register-tiled product of {@link AttentionVector}'s score and gradient tiles, and the tile sizes the
 * attention kernels share. It differs from {@link PackedGemm}'s micro-kernel in what it is given: operands
 * already packed per head into zero-padded scratch, A readable transposed through its strides, tiles of at most
 * {@code ROW_BLOCK × COL_BLOCK}, so no packing and no tails happen here.
 */
final class AttentionTiles {
    static final VectorSpecies<Float> F = Simd.F;
    static final int LANES = F.length();
    /** Micro-kernel tiles: 6 or MR rows by NR = two vectors of columns; row counts are multiples of MR. */
    static final int MR = 4;
    static final int NR = 2 * LANES;
    /**
     * Score tiles are ROW_BLOCK × COL_BLOCK: queries × keys in the forward, keys × queries in the backward.
     * Both are multiples of NR, so every tile splits into whole micro-kernel tiles; the wide column block
     * covers S = 128 in one tile, so the per-row softmax bookkeeping runs once per row.
     */
    static final int ROW_BLOCK = Math.max(64, NR);
    static final int COL_BLOCK = 2 * ROW_BLOCK;

    private AttentionTiles() {
    }

    /**
     * C[m×n] (+)= A[m×k] · B[k×n], m a multiple of MR and n of NR, as 6×NR and MR×NR register tiles. A's
     * element (r, p) is a[aOff + r·aRowStride + p·aKStride], so A may be read transposed; B and C are row-major
     * with leading dimensions ldb and ldc. Each tile's accumulators (12 or 8) are named locals in straight-line
     * code so that C2 keeps them in registers, which is why the two tile bodies are written out rather than
     * shared through a helper; the tile loops live here too, so one call covers a whole product.
     */
    static void product(int m, int n, int k, float[] a, int aOff, int aRowStride, int aKStride,
                        float[] b, int bOff, int ldb, float[] c, int cOff, int ldc, boolean accumulate) {
        // m = 6·sixes + 4·fours: six-row tiles where they fit (more FMAs per B load), four-row tiles for the rest
        int fours = m % 6 == 0 ? 0 : m % 6 == 4 ? 1 : 2;
        int sixRows = m - 4 * fours;
        for (int j = 0; j < n; j += NR) {
            for (int i = 0; i < sixRows; i += 6) {
                int c0 = cOff + i * ldc + j;
                int c1 = c0 + ldc;
                int c2 = c0 + 2 * ldc;
                int c3 = c0 + 3 * ldc;
                int c4 = c0 + 4 * ldc;
                int c5 = c0 + 5 * ldc;
                FloatVector c00;
                FloatVector c01;
                FloatVector c10;
                FloatVector c11;
                FloatVector c20;
                FloatVector c21;
                FloatVector c30;
                FloatVector c31;
                FloatVector c40;
                FloatVector c41;
                FloatVector c50;
                FloatVector c51;
                if (accumulate) {
                    c00 = FloatVector.fromArray(F, c, c0);
                    c01 = FloatVector.fromArray(F, c, c0 + LANES);
                    c10 = FloatVector.fromArray(F, c, c1);
                    c11 = FloatVector.fromArray(F, c, c1 + LANES);
                    c20 = FloatVector.fromArray(F, c, c2);
                    c21 = FloatVector.fromArray(F, c, c2 + LANES);
                    c30 = FloatVector.fromArray(F, c, c3);
                    c31 = FloatVector.fromArray(F, c, c3 + LANES);
                    c40 = FloatVector.fromArray(F, c, c4);
                    c41 = FloatVector.fromArray(F, c, c4 + LANES);
                    c50 = FloatVector.fromArray(F, c, c5);
                    c51 = FloatVector.fromArray(F, c, c5 + LANES);
                } else {
                    c00 = FloatVector.zero(F);
                    c01 = c00;
                    c10 = c00;
                    c11 = c00;
                    c20 = c00;
                    c21 = c00;
                    c30 = c00;
                    c31 = c00;
                    c40 = c00;
                    c41 = c00;
                    c50 = c00;
                    c51 = c00;
                }
                int a0 = aOff + i * aRowStride;
                int a1 = a0 + aRowStride;
                int a2 = a0 + 2 * aRowStride;
                int a3 = a0 + 3 * aRowStride;
                int a4 = a0 + 4 * aRowStride;
                int a5 = a0 + 5 * aRowStride;
                for (int p = 0; p < k; p++) {
                    int bp = bOff + j + p * ldb;
                    int ap = p * aKStride;
                    FloatVector b0 = FloatVector.fromArray(F, b, bp);
                    FloatVector b1 = FloatVector.fromArray(F, b, bp + LANES);
                    FloatVector x = FloatVector.broadcast(F, a[a0 + ap]);
                    c00 = x.fma(b0, c00);
                    c01 = x.fma(b1, c01);
                    x = FloatVector.broadcast(F, a[a1 + ap]);
                    c10 = x.fma(b0, c10);
                    c11 = x.fma(b1, c11);
                    x = FloatVector.broadcast(F, a[a2 + ap]);
                    c20 = x.fma(b0, c20);
                    c21 = x.fma(b1, c21);
                    x = FloatVector.broadcast(F, a[a3 + ap]);
                    c30 = x.fma(b0, c30);
                    c31 = x.fma(b1, c31);
                    x = FloatVector.broadcast(F, a[a4 + ap]);
                    c40 = x.fma(b0, c40);
                    c41 = x.fma(b1, c41);
                    x = FloatVector.broadcast(F, a[a5 + ap]);
                    c50 = x.fma(b0, c50);
                    c51 = x.fma(b1, c51);
                }
                c00.intoArray(c, c0);
                c01.intoArray(c, c0 + LANES);
                c10.intoArray(c, c1);
                c11.intoArray(c, c1 + LANES);
                c20.intoArray(c, c2);
                c21.intoArray(c, c2 + LANES);
                c30.intoArray(c, c3);
                c31.intoArray(c, c3 + LANES);
                c40.intoArray(c, c4);
                c41.intoArray(c, c4 + LANES);
                c50.intoArray(c, c5);
                c51.intoArray(c, c5 + LANES);
            }
            for (int i = sixRows; i < m; i += MR) {
                int c0 = cOff + i * ldc + j;
                int c1 = c0 + ldc;
                int c2 = c0 + 2 * ldc;
                int c3 = c0 + 3 * ldc;
                FloatVector c00;
                FloatVector c01;
                FloatVector c10;
                FloatVector c11;
                FloatVector c20;
                FloatVector c21;
                FloatVector c30;
                FloatVector c31;
                if (accumulate) {
                    c00 = FloatVector.fromArray(F, c, c0);
                    c01 = FloatVector.fromArray(F, c, c0 + LANES);
                    c10 = FloatVector.fromArray(F, c, c1);
                    c11 = FloatVector.fromArray(F, c, c1 + LANES);
                    c20 = FloatVector.fromArray(F, c, c2);
                    c21 = FloatVector.fromArray(F, c, c2 + LANES);
                    c30 = FloatVector.fromArray(F, c, c3);
                    c31 = FloatVector.fromArray(F, c, c3 + LANES);
                } else {
                    c00 = FloatVector.zero(F);
                    c01 = c00;
                    c10 = c00;
                    c11 = c00;
                    c20 = c00;
                    c21 = c00;
                    c30 = c00;
                    c31 = c00;
                }
                int a0 = aOff + i * aRowStride;
                int a1 = a0 + aRowStride;
                int a2 = a0 + 2 * aRowStride;
                int a3 = a0 + 3 * aRowStride;
                for (int p = 0; p < k; p++) {
                    int bp = bOff + j + p * ldb;
                    int ap = p * aKStride;
                    FloatVector b0 = FloatVector.fromArray(F, b, bp);
                    FloatVector b1 = FloatVector.fromArray(F, b, bp + LANES);
                    FloatVector x = FloatVector.broadcast(F, a[a0 + ap]);
                    c00 = x.fma(b0, c00);
                    c01 = x.fma(b1, c01);
                    x = FloatVector.broadcast(F, a[a1 + ap]);
                    c10 = x.fma(b0, c10);
                    c11 = x.fma(b1, c11);
                    x = FloatVector.broadcast(F, a[a2 + ap]);
                    c20 = x.fma(b0, c20);
                    c21 = x.fma(b1, c21);
                    x = FloatVector.broadcast(F, a[a3 + ap]);
                    c30 = x.fma(b0, c30);
                    c31 = x.fma(b1, c31);
                }
                c00.intoArray(c, c0);
                c01.intoArray(c, c0 + LANES);
                c10.intoArray(c, c1);
                c11.intoArray(c, c1 + LANES);
                c20.intoArray(c, c2);
                c21.intoArray(c, c2 + LANES);
                c30.intoArray(c, c3);
                c31.intoArray(c, c3 + LANES);
            }
        }
    }
}
