package lodi.bench.jmh;

import java.util.concurrent.TimeUnit;
import lodi.tensor.CounterRng;
import lodi.tensor.LayerNormKernel;
import lodi.tensor.Parallel;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;

/**
 * LayerNorm over the last dimension of [rows, cols]: forward, and backward producing dx, dgamma and dbeta.
 * Vector API path against the scalar reference (the {@code ...Scalar} methods fork with
 * {@code -Dlodi.simd=off}).
 */
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class LayerNormBenchmark extends LodiBenchmark {
    @Param({"4096"})
    int rows;

    @Param({"64", "128", "512"})
    int cols;

    /** Worker threads for the row- and column-parallel kernels. */
    @Param({"1"})
    int threads;

    float[] x;
    float[] gamma;
    float[] beta;
    float[] y;
    float[] mean;
    float[] rstd;
    float[] dy;
    float[] dx;
    float[] dgamma;
    float[] dbeta;

    @Setup
    public void setUp() {
        Parallel.setThreads(threads);
        int n = rows * cols;
        x = new float[n];
        dy = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = CounterRng.normal(2, 0, i);
            dy[i] = CounterRng.normal(2, 1, i);
        }
        gamma = new float[cols];
        beta = new float[cols];
        for (int c = 0; c < cols; c++) {
            gamma[c] = 1f + 0.1f * CounterRng.normal(2, 2, c);
            beta[c] = 0.1f * CounterRng.normal(2, 3, c);
        }
        y = new float[n];
        dx = new float[n];
        mean = new float[rows];
        rstd = new float[rows];
        dgamma = new float[cols];
        dbeta = new float[cols];
        forward();
    }

    private void forward() {
        LayerNormKernel.forward(rows, cols, x, 0, gamma, 0, beta, 0, LayerNormKernel.DEFAULT_EPS, y, 0, mean, 0,
                rstd, 0);
    }

    private void backward() {
        LayerNormKernel.backward(rows, cols, x, 0, gamma, 0, mean, 0, rstd, 0, dy, 0, dx, 0, dgamma, 0, dbeta, 0);
    }

    @Benchmark
    public float[] forwardSimd() {
        forward();
        return y;
    }

    @Benchmark
    @Fork(value = FORKS, jvmArgsAppend = {VECTOR_API, INCUBATOR, PARALLEL_GC, ALIGNED, SCALAR})
    public float[] forwardScalar() {
        forward();
        return y;
    }

    @Benchmark
    public float[] backwardSimd() {
        backward();
        return dx;
    }

    @Benchmark
    @Fork(value = FORKS, jvmArgsAppend = {VECTOR_API, INCUBATOR, PARALLEL_GC, ALIGNED, SCALAR})
    public float[] backwardScalar() {
        backward();
        return dx;
    }
}
