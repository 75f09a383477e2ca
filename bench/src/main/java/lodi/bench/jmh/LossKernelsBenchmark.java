package lodi.bench.jmh;

import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import lodi.tensor.CounterRng;
import lodi.tensor.CrossEntropy;
import lodi.tensor.DropoutKernel;
import lodi.tensor.EmbeddingKernel;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Setup;

/**
 * The embedding, loss and dropout kernels at BERT-base sizes: a batch of 32 × 128 tokens, D = 768, the output
 * head scoring 15% of them (N = 614) over V = 30522. Run once as is and once with
 * {@code -jvmArgsAppend -Dlodi.simd=off} to compare with the scalar references.
 */
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class LossKernelsBenchmark extends LodiBenchmark {
    private static final int TOKENS = 32 * 128;
    private static final int DIM = 768;
    private static final int VOCAB = 30522;
    private static final int SCORED = 614;

    private float[] logits;
    private int[] targets;
    private float[] loss;
    private float[] logSumExp;
    private float[] rowScale;
    private float[] dLogits;
    private int[] argmax;
    private float[] maxProb;
    private float[] activations;
    private float[] dropped;
    private int[] ids;
    private float[] table;
    private float[] gathered;

    @Setup
    public void setUp() {
        logits = random(1, SCORED * VOCAB, 8f);
        targets = new int[SCORED];
        for (int i = 0; i < SCORED; i++) {
            targets[i] = (int) ((CounterRng.bits(2, 0, i) >>> 33) % VOCAB);
        }
        loss = new float[SCORED];
        logSumExp = new float[SCORED];
        rowScale = new float[SCORED];
        Arrays.fill(rowScale, 1f / SCORED);
        dLogits = new float[SCORED * VOCAB];
        argmax = new int[SCORED];
        maxProb = new float[SCORED];
        activations = random(3, TOKENS * DIM, 1f);
        dropped = new float[TOKENS * DIM];
        ids = new int[TOKENS];
        for (int i = 0; i < TOKENS; i++) {
            ids[i] = (int) ((CounterRng.bits(4, 0, i) >>> 33) % VOCAB);
        }
        table = new float[VOCAB * DIM];
        gathered = new float[TOKENS * DIM];
        CrossEntropy.forward(logits, 0, VOCAB, SCORED, VOCAB, targets, CrossEntropy.IGNORE_INDEX, loss, logSumExp);
    }

    private static float[] random(long stream, int n, float spread) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = spread * (2f * CounterRng.uniform(7, stream, i) - 1f);
        }
        return x;
    }

    @Benchmark
    public float[] crossEntropyForward() {
        CrossEntropy.forward(logits, 0, VOCAB, SCORED, VOCAB, targets, CrossEntropy.IGNORE_INDEX, loss, logSumExp);
        return loss;
    }

    @Benchmark
    public float[] crossEntropyBackward() {
        CrossEntropy.backward(logits, 0, VOCAB, SCORED, VOCAB, targets, CrossEntropy.IGNORE_INDEX, logSumExp, rowScale,
                dLogits, 0, VOCAB, false);
        return dLogits;
    }

    @Benchmark
    public int[] argmaxWithConfidence() {
        CrossEntropy.argmax(logits, 0, VOCAB, SCORED, VOCAB, argmax, maxProb);
        return argmax;
    }

    @Benchmark
    public float[] dropoutForward() {
        DropoutKernel.forward(activations, 0, dropped, 0, TOKENS * DIM, 0.1f, 42, 1);
        return dropped;
    }

    @Benchmark
    public float[] embeddingGather() {
        EmbeddingKernel.gather(table, 0, VOCAB, ids, gathered, 0, DIM);
        return gathered;
    }

    @Benchmark
    public float[] embeddingScatterAdd() {
        EmbeddingKernel.scatterAdd(activations, 0, ids, table, 0, VOCAB, DIM);
        return table;
    }
}
