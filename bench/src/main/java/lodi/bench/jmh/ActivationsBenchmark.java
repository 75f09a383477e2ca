package lodi.bench.jmh;

import java.util.concurrent.TimeUnit;
import lodi.tensor.Activations;
import lodi.tensor.CounterRng;
import lodi.tensor.Parallel;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;

/**
 * The exp/tanh-bound pointwise activations (GELU both kinds, SiLU, tanh) on n elements, forward and GELU's
 * backward, Vector API path, one worker thread: the cost of {@code lodi.tensor.VectorMath}'s exp and tanh.
 */
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class ActivationsBenchmark extends LodiBenchmark {
    /** 128 tokens × 3072 (BERT-base FFN width). */
    @Param({"393216"})
    int n;

    float[] x;
    float[] y;
    float[] dy;
    float[] dx;
    private float[] cdf;

    @Setup
    public void setUp() {
        Parallel.setThreads(1);
        x = new float[n];
        dy = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = 2f * CounterRng.normal(1, 0, i);
            dy[i] = CounterRng.normal(1, 1, i);
        }
        y = new float[n];
        dx = new float[n];
    }

    @Benchmark
    public float[] geluTanh() {
        Activations.geluTanh(n, x, 0, y, 0);
        return y;
    }

    @Benchmark
    public float[] geluTanhBackward() {
        Activations.geluTanhBackward(n, x, 0, dy, 0, dx, 0);
        return dx;
    }

    @Benchmark
    public float[] geluErf() {
        Activations.geluErf(n, x, 0, y, 0, null, 0);
        return y;
    }

    /** The backward from the Φ(x) the forward saved (set up once, as training's forward does). */
    @Benchmark
    public float[] geluErfBackward() {
        if (cdf == null) {
            cdf = new float[n];
            Activations.geluErf(n, x, 0, y, 0, cdf, 0);
        }
        Activations.geluErfBackward(n, x, 0, cdf, 0, dy, 0, dx, 0);
        return dx;
    }

    @Benchmark
    public float[] silu() {
        Activations.silu(n, x, 0, y, 0);
        return y;
    }

    @Benchmark
    public float[] tanh() {
        Activations.tanh(n, x, 0, y, 0);
        return y;
    }
}
