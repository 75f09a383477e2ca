package lodi.bench.jmh;

import java.util.concurrent.TimeUnit;
import lodi.bench.AttentionWorkload;
import lodi.bench.AttentionWorkload.Pass;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;

/**
 * Fused attention vs the naive composition, B=64, H=4, Dh=32, no padding (see {@link AttentionWorkload} for
 * the FLOP convention). Threads follow LODI_THREADS in the forked JVM.
 */
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class AttentionBenchmark extends LodiBenchmark {
    @Param({"64", "128"})
    public int seq;

    private AttentionWorkload work;

    @Setup
    public void setUp() {
        work = new AttentionWorkload(64, 4, seq, 32);
    }

    @Benchmark
    public float fusedForward() {
        return work.fused(Pass.FWD);
    }

    @Benchmark
    public float fusedForwardBackward() {
        return work.fused(Pass.FWDBWD);
    }

    @Benchmark
    public float naiveForward() {
        return work.naive(Pass.FWD);
    }

    @Benchmark
    public float naiveForwardBackward() {
        return work.naive(Pass.FWDBWD);
    }
}
