package lodi.bench.jmh;

import java.util.concurrent.TimeUnit;
import lodi.tensor.CounterRng;
import lodi.tensor.Parallel;
import lodi.tensor.Softmax;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;

/**
 * Row softmax on [rows, cols], forward and backward, Vector API path against the scalar reference (the
 * {@code ...Scalar} methods fork a JVM with {@code -Dlodi.simd=off}).
 */
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class SoftmaxBenchmark extends LodiBenchmark {
    @Param({"4096"})
    int rows;

    @Param({"64", "128", "512"})
    int cols;

    /** Worker threads for the row-parallel kernels. */
    @Param({"1"})
    int threads;

    float[] x;
    float[] y;
    float[] dy;
    float[] dx;

    @Setup
    public void setUp() {
        Parallel.setThreads(threads);
        int n = rows * cols;
        x = new float[n];
        dy = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = 3f * CounterRng.normal(1, 0, i);
            dy[i] = CounterRng.normal(1, 1, i);
        }
        y = new float[n];
        dx = new float[n];
        Softmax.forward(rows, cols, x, 0, y, 0);
    }

    @Benchmark
    public float[] forwardSimd() {
        Softmax.forward(rows, cols, x, 0, y, 0);
        return y;
    }

    @Benchmark
    @Fork(value = FORKS, jvmArgsAppend = {VECTOR_API, INCUBATOR, PARALLEL_GC, ALIGNED, SCALAR})
    public float[] forwardScalar() {
        Softmax.forward(rows, cols, x, 0, y, 0);
        return y;
    }

    @Benchmark
    public float[] backwardSimd() {
        Softmax.backward(rows, cols, y, 0, dy, 0, dx, 0);
        return dx;
    }

    @Benchmark
    @Fork(value = FORKS, jvmArgsAppend = {VECTOR_API, INCUBATOR, PARALLEL_GC, ALIGNED, SCALAR})
    public float[] backwardScalar() {
        Softmax.backward(rows, cols, y, 0, dy, 0, dx, 0);
        return dx;
    }
}
