package lodi.bench.jmh;

import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The settings every lodi JMH benchmark shares, inherited as JMH inherits class annotations: average time,
 * 3 warm-up and 5 measured iterations of 1 s, and 3 forks, because on these VMs one fork's JIT and placement can
 * differ from the next by more than the effect measured; each fork gets lodi's own JVM flags ({@link #FLAGS}).
 * A benchmark's scalar reference runs in its own forks with {@link #SCALAR} added. Run them with
 * {@code ./lodi jmh NAME [JMH options]}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = LodiBenchmark.FORKS, jvmArgsAppend = {LodiBenchmark.VECTOR_API, LodiBenchmark.INCUBATOR,
        LodiBenchmark.PARALLEL_GC, LodiBenchmark.ALIGNED})
public abstract class LodiBenchmark {
    static final int FORKS = 3;
    static final String VECTOR_API = "--add-modules";
    static final String INCUBATOR = "jdk.incubator.vector";
    static final String PARALLEL_GC = "-XX:+UseParallelGC";
    /** Arrays start on a 64-byte line, as with the launcher: GEMM's packed panels depend on it. */
    static final String ALIGNED = "-XX:ObjectAlignmentInBytes=64";
    /** The scalar reference kernels instead of the Vector API ones. */
    static final String SCALAR = "-Dlodi.simd=off";
}
