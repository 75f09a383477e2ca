package lodi.bench;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.io.PrintWriter;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import lodi.tensor.Parallel;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code lodi bench gemm}: GFLOP/s of {@link lodi.tensor.Gemm#sgemm} on the default shapes or one given
 * size. Each shape is warmed up, then timed in {@value #REPETITIONS} repetitions of enough calls to last
 * about {@value #REPETITION_MS} ms; the median repetition is reported. JMH ({@code GemmBenchmark}) is the
 * careful measurement; this one is quick.
 */
@Command(name = "gemm", mixinStandardHelpOptions = true,
        description = "Measure SIMD GEMM GFLOP/s (median of " + GemmBench.REPETITIONS + " timed repetitions).")
public final class GemmBench implements Runnable {
    static final int REPETITIONS = 7;
    static final int REPETITION_MS = 60;
    private static final long WARMUP_ROUND_NANOS = 100_000_000L;
    private static final long MAX_WARMUP_NANOS = 4_000_000_000L;
    private static final long JIT_QUIET_NANOS = 1_000_000_000L;
    private static final long MAX_COMPILER_WARMUP_NANOS = 15_000_000_000L;

    @Option(names = "--m", paramLabel = "M", description = "Rows of C (with --n and --k: measure only this size).")
    private Integer m;

    @Option(names = "--n", paramLabel = "N", description = "Columns of C.")
    private Integer n;

    @Option(names = "--k", paramLabel = "K", description = "The summed dimension.")
    private Integer k;

    @Option(names = "--trans", paramLabel = "XY", defaultValue = "NN",
            description = "Transposes of A and B for --m/--n/--k: NN, NT, TN or TT (default: ${DEFAULT-VALUE}).")
    private String trans;

    @Option(names = "--threads", paramLabel = "T",
            description = "Worker threads (default: the shared pool's size, LODI_THREADS or all cores).")
    private Integer threads;

    @Option(names = "--json", description = "One JSON object per measurement per line instead of a table.")
    private boolean json;

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    /** One measured shape, as printed in the table and the JSON lines. */
    @JsonPropertyOrder({"kernel", "shape", "transA", "transB", "m", "n", "k", "threads", "ms", "gflops"})
    record Measurement(String kernel, String shape, boolean transA, boolean transB, int m, int n, int k,
                       int threads, double ms, double gflops) {
    }

    @Override
    public void run() {
        List<GemmShape> shapes = shapes();
        if (threads != null) {
            if (threads < 1) {
                throw new IllegalArgumentException("--threads must be at least 1, got " + threads);
            }
            Parallel.setThreads(threads);
        }
        PrintWriter out = spec.commandLine().getOut();
        ObjectMapper mapper = JsonMapper.builder().build();
        if (!json) {
            out.printf("%-22s %-5s %6s %6s %6s %7s %10s %9s%n", "shape", "trans", "M", "N", "K", "threads", "ms", "GFLOP/s");
        }
        warmUpCompiler();
        for (GemmShape shape : shapes) {
            Measurement result = measure(shape);
            if (json) {
                out.println(mapper.writeValueAsString(result));
            } else {
                out.printf("%-22s %-5s %6d %6d %6d %7d %10.3f %9.1f%n", result.shape(), shape.trans(), result.m(),
                        result.n(), result.k(), result.threads(), result.ms(), result.gflops());
            }
            out.flush();
        }
    }

    private List<GemmShape> shapes() {
        int given = (m != null ? 1 : 0) + (n != null ? 1 : 0) + (k != null ? 1 : 0);
        if (given == 0) {
            return GemmShape.defaults();
        }
        if (given != 3) {
            throw new IllegalArgumentException("give all three of --m, --n and --k, or none for the default shapes");
        }
        if (m < 1 || n < 1 || k < 1) {
            throw new IllegalArgumentException("--m, --n and --k must be positive, got " + m + ", " + n + ", " + k);
        }
        String t = trans.toUpperCase(Locale.ROOT);
        if (!t.matches("[NT]{2}")) {
            throw new IllegalArgumentException("--trans must be NN, NT, TN or TT, got '" + trans + "'");
        }
        return List.of(new GemmShape("custom", t.charAt(0) == 'T', t.charAt(1) == 'T', m, n, k));
    }

    /**
     * Runs a product in all four transposes until the JIT has been quiet for a second. Until C2 compiles the
     * micro-kernel, the Vector API runs interpreted, a hundred times slower; on a busy machine that takes
     * several seconds, and two slow interpreted rounds of a shape's own warm-up could look settled.
     */
    private static void warmUpCompiler() {
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        List<GemmShape.Operands> products = List.of(
                new GemmShape("warm-up", false, false, 160, 160, 160).operands(1),
                new GemmShape("warm-up", false, true, 160, 160, 160).operands(2),
                new GemmShape("warm-up", true, false, 160, 160, 160).operands(3),
                new GemmShape("warm-up", true, true, 160, 160, 160).operands(4));
        long start = System.nanoTime();
        long lastChange = start;
        long compiled = jit.getTotalCompilationTime();
        while (System.nanoTime() - start < MAX_COMPILER_WARMUP_NANOS) {
            for (GemmShape.Operands product : products) {
                product.run();
            }
            long now = System.nanoTime();
            if (jit.getTotalCompilationTime() != compiled) {
                compiled = jit.getTotalCompilationTime();
                lastChange = now;
            }
            if (now - lastChange > JIT_QUIET_NANOS && now - start > JIT_QUIET_NANOS) {
                return;
            }
        }
    }

    private static Measurement measure(GemmShape shape) {
        GemmShape.Operands operands = shape.operands(42);
        // Warm up in rounds until the time per call settles (the new shape's loop trip counts may recompile).
        long deadline = System.nanoTime() + MAX_WARMUP_NANOS;
        double previous = Double.MAX_VALUE;
        double secondsPerCall;
        int rounds = 0;
        while (true) {
            long t0 = System.nanoTime();
            int done = 0;
            do {
                operands.run();
                done++;
            } while (System.nanoTime() - t0 < WARMUP_ROUND_NANOS);
            secondsPerCall = (System.nanoTime() - t0) / 1e9 / done;
            rounds++;
            boolean settled = rounds >= 3 && Math.abs(secondsPerCall - previous) < 0.1 * previous;
            if (settled || System.nanoTime() > deadline) {
                break;
            }
            previous = secondsPerCall;
        }
        int calls = (int) Math.max(1, Math.ceil(REPETITION_MS / 1e3 / secondsPerCall));
        double[] perCall = new double[REPETITIONS];
        for (int r = 0; r < REPETITIONS; r++) {
            long t0 = System.nanoTime();
            for (int c = 0; c < calls; c++) {
                operands.run();
            }
            perCall[r] = (System.nanoTime() - t0) / 1e9 / calls;
        }
        Arrays.sort(perCall);
        double median = perCall[REPETITIONS / 2];
        return new Measurement("sgemm", shape.name(), shape.transA(), shape.transB(), shape.m(), shape.n(),
                shape.k(), Parallel.threads(), median * 1e3, shape.flops() / median / 1e9);
    }
}
