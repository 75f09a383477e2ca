package lodi.bench;

import lodi.tensor.Attention;
import lodi.tensor.AttentionReference;
import lodi.tensor.CounterRng;
import lodi.tensor.Sequences;

/**
 * One attention problem with every buffer allocated up front, run either fused ({@link Attention}) or as the
 * naive composition ({@link AttentionReference}), forward only or forward then backward. Shared by
 * {@code lodi bench attention} and the JMH benchmark so both time the same work: B full sequences of S rows.
 *
 * <p>FLOPs, FlashAttention-2's benchmark convention: forward 4·B·H·S²·Dh (Q·Kᵀ and P·V); backward 2.5× the
 * forward (its five S×S×Dh products, the recomputed Q·Kᵀ included); so forward+backward = 3.5× forward.
 * Both implementations are charged the same count, so the speedup is the time ratio.
 */
public final class AttentionWorkload {
    /** What one run covers. */
    public enum Pass {
        FWD, FWDBWD;

        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private final int batch;
    private final int heads;
    private final int seq;
    private final int headDim;
    private final Sequences sequences;
    private final float[] q;
    private final float[] k;
    private final float[] v;
    private final float[] dOut;
    private final float[] out;
    private final float[] lse;
    private final float[] dq;
    private final float[] dk;
    private final float[] dv;
    private float[] probs;
    private float[] dScores;

    public AttentionWorkload(int batch, int heads, int seq, int headDim) {
        this.batch = batch;
        this.heads = heads;
        this.seq = seq;
        this.headDim = headDim;
        this.sequences = Sequences.uniform(batch, seq);
        int n = batch * seq * heads * headDim;
        q = normal(1, n);
        k = normal(2, n);
        v = normal(3, n);
        dOut = normal(4, n);
        out = new float[n];
        lse = new float[batch * heads * seq];
        dq = new float[n];
        dk = new float[n];
        dv = new float[n];
    }

    /** Floating-point operations of one run of {@code pass}, by the convention above. */
    public double flops(Pass pass) {
        double forward = 4.0 * batch * heads * (double) seq * seq * headDim;
        return pass == Pass.FWD ? forward : 3.5 * forward;
    }

    /** One fused run; returns a value of the output so the work cannot be optimised away. */
    public float fused(Pass pass) {
        Attention.forward(sequences, heads, headDim, q, 0, k, 0, v, 0, out, 0, lse, 0);
        if (pass == Pass.FWDBWD) {
            Attention.backward(sequences, heads, headDim, q, 0, k, 0, v, 0, out, 0, lse, 0, dOut, 0,
                    dq, 0, dk, 0, dv, 0);
            return dq[0] + dk[0] + dv[0];
        }
        return out[0];
    }

    /** One naive run: materialised [B, H, S, S] probabilities, batched GEMMs, row softmax. */
    public float naive(Pass pass) {
        if (probs == null) {
            probs = new float[Math.toIntExact(AttentionReference.probsSize(sequences, heads))];
            dScores = new float[probs.length];
        }
        AttentionReference.forward(sequences, heads, headDim, q, 0, k, 0, v, 0, out, 0, probs);
        if (pass == Pass.FWDBWD) {
            AttentionReference.backward(sequences, heads, headDim, q, 0, k, 0, v, 0, probs, dOut, 0, dScores,
                    dq, 0, dk, 0, dv, 0);
            return dq[0] + dk[0] + dv[0];
        }
        return out[0];
    }

    private static float[] normal(long stream, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = CounterRng.normal(2026, stream, i);
        }
        return x;
    }
}
