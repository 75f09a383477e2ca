package lodi.bench.jmh;

import java.util.concurrent.TimeUnit;
import lodi.bench.GemmShape;
import lodi.tensor.Parallel;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * JMH timing of {@link lodi.tensor.Gemm#sgemm} (beta = 0) on the square sizes and the model products in the
 * transposes a {@code Linear} uses: forward NT (y = x·Wᵀ), input gradient NN (dX = dY·W), weight gradient
 * TN (dW = dYᵀ·X). Shapes are "XY M×N×K"; GFLOP/s = 2·M·N·K / (ms·10⁶). See docs/PERFORMANCE.md.
 */
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class GemmBenchmark extends LodiBenchmark {
    @Param({
            "NN 256x256x256", "NN 512x512x512", "NN 1024x1024x1024", "NN 2048x2048x2048",
            "NT 4096x384x128", "NN 4096x128x384", "TN 384x128x4096",
            "NT 4096x512x128", "NN 4096x128x512", "TN 512x128x4096",
            "NT 4096x128x512", "NN 4096x512x128", "TN 128x512x4096",
            "NT 640x30522x128", "NN 640x128x30522", "TN 30522x128x640",
    })
    public String shape;

    @Param({"2"})
    public int threads;

    private GemmShape.Operands operands;

    @Setup(Level.Trial)
    public void setUp() {
        Parallel.setThreads(threads);
        operands = GemmShape.parse(shape).operands(42);
    }

    @Benchmark
    public void sgemm(Blackhole sink) {
        operands.run();
        sink.consume(operands.c());
    }
}
