package lodi.bench;

import com.sun.management.OperatingSystemMXBean;
import java.io.PrintWriter;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.DoubleSupplier;
import lodi.bench.AttentionWorkload.Pass;
import lodi.tensor.Parallel;
import lodi.tensor.Simd;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code lodi bench attention}: fused attention against the naive composition, B=64, H=4, Dh=32, S=64 and
 * 128, forward and forward+backward, median wall time of repeated runs. FLOPs as in {@link AttentionWorkload}.
 */
@Command(name = "attention", mixinStandardHelpOptions = true,
        description = "Fused multi-head attention vs the naive composition (B=64, H=4, Dh=32, S=64 and 128).")
public final class AttentionBench implements Runnable {
    private static final int BATCH = 64;
    private static final int HEADS = 4;
    private static final int HEAD_DIM = 32;
    private static final int[] SEQS = {64, 128};
    /**
     * First every code path runs on a small batch until the JIT has finished compiling it: until the JIT's
     * compile time stops growing for QUIET_ROUNDS rounds, at least MIN_COMPILE_NANOS and at most
     * MAX_COMPILE_NANOS (compiles take seconds on a busy machine). Then per implementation and configuration:
     * warm up WARMUP_NANOS, time runs until MEASURE_NANOS has passed.
     */
    private static final long MIN_COMPILE_NANOS = 1_500_000_000L;
    private static final long MAX_COMPILE_NANOS = 10_000_000_000L;
    private static final int QUIET_ROUNDS = 3;
    private static final long WARMUP_NANOS = 500_000_000L;
    private static final long MEASURE_NANOS = 1_000_000_000L;
    /** A slow naive run may take longer than the whole budget; then the median of these few runs is reported. */
    private static final int MIN_RUNS = 2;
    private static final ObjectMapper JSON = JsonMapper.builder().build();
    private static final OperatingSystemMXBean PROCESS =
            (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    @Option(names = "--json", description = "Print one JSON object per line instead of a table.")
    private boolean json;

    @Option(names = "--threads", paramLabel = "T", description = "Kernel threads (default: LODI_THREADS or all cores).")
    private Integer threads;

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        if (threads != null) {
            if (threads < 1) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        "--threads must be at least 1, got " + threads);
            }
            Parallel.setThreads(threads);
        }
        PrintWriter out = spec.commandLine().getOut();
        warmUpCompiler();
        List<Map<String, Object>> rows = new ArrayList<>();
        for (int seq : SEQS) {
            AttentionWorkload work = new AttentionWorkload(BATCH, HEADS, seq, HEAD_DIM);
            for (Pass pass : Pass.values()) {
                Timing fused = measure(() -> work.fused(pass));
                Timing naive = measure(() -> work.naive(pass));
                double fusedMs = fused.wallMs();
                double naiveMs = naive.wallMs();
                double flops = work.flops(pass);
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("kernel", "attention");
                row.put("batch", BATCH);
                row.put("heads", HEADS);
                row.put("seq", seq);
                row.put("head_dim", HEAD_DIM);
                row.put("pass", pass.label());
                row.put("threads", Parallel.threads());
                row.put("simd", Simd.enabled());
                row.put("ms", round(fusedMs));
                row.put("gflops", round(flops / fusedMs / 1e6));
                row.put("naive_ms", round(naiveMs));
                row.put("naive_gflops", round(flops / naiveMs / 1e6));
                row.put("speedup_vs_naive", round(naiveMs / fusedMs));
                row.put("cpu_ms", round(fused.cpuMs()));
                row.put("naive_cpu_ms", round(naive.cpuMs()));
                row.put("cpu_speedup_vs_naive", round(naive.cpuMs() / fused.cpuMs()));
                rows.add(row);
                if (json) {
                    out.println(JSON.writeValueAsString(row));
                    out.flush();
                }
            }
        }
        if (!json) {
            printTable(out, rows);
        }
    }

    private static void printTable(PrintWriter out, List<Map<String, Object>> rows) {
        out.printf("attention B=%d H=%d Dh=%d, threads=%d, simd=%s, no padding; "
                + "median wall ms, mean process CPU ms per run%n",
                BATCH, HEADS, HEAD_DIM, Parallel.threads(), Simd.enabled() ? "on" : "off");
        out.printf("%5s %-7s %9s %8s %9s %8s %8s %9s %9s %8s%n", "seq", "pass", "fused ms", "GFLOP/s", "naive ms",
                "GFLOP/s", "speedup", "fused CPU", "naive CPU", "speedup");
        for (Map<String, Object> row : rows) {
            out.printf("%5d %-7s %9.2f %8.1f %9.2f %8.1f %7.2fx %9.2f %9.2f %7.2fx%n", row.get("seq"), row.get("pass"),
                    row.get("ms"), row.get("gflops"), row.get("naive_ms"), row.get("naive_gflops"),
                    row.get("speedup_vs_naive"), row.get("cpu_ms"), row.get("naive_cpu_ms"),
                    row.get("cpu_speedup_vs_naive"));
        }
        out.println("FLOPs: fwd 4·B·H·S²·Dh; fwdbwd 3.5× fwd (backward 2.5× forward, FlashAttention-2 convention).");
        out.flush();
    }

    private static void warmUpCompiler() {
        List<AttentionWorkload> small = new ArrayList<>();
        for (int seq : SEQS) {
            small.add(new AttentionWorkload(4, HEADS, seq, HEAD_DIM));
        }
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        double sink = 0;
        long start = System.nanoTime();
        long lastCompileMs = -1;
        int quiet = 0;
        while (System.nanoTime() - start < MAX_COMPILE_NANOS
                && (quiet < QUIET_ROUNDS || System.nanoTime() - start < MIN_COMPILE_NANOS)) {
            for (AttentionWorkload work : small) {
                for (Pass pass : Pass.values()) {
                    sink += work.fused(pass) + work.naive(pass);
                }
            }
            long compileMs = jit.getTotalCompilationTime();
            quiet = compileMs == lastCompileMs ? quiet + 1 : 0;
            lastCompileMs = compileMs;
        }
        if (Double.isNaN(sink)) {
            throw new IllegalStateException("attention benchmark produced NaN");
        }
    }

    /**
     * Median wall time of one run, and mean CPU time the whole process (all threads) spent per run over the
     * measured runs (the OS counts process CPU in coarse ticks, so per-run medians would be quantised): on a
     * machine shared with other jobs the CPU time is the steadier measure of work, the wall time what a user
     * waits.
     */
    private record Timing(double wallMs, double cpuMs) {
    }

    /** Warms up, then times single runs until both MIN_RUNS and MEASURE_NANOS are reached. */
    private static Timing measure(DoubleSupplier run) {
        double sink = 0;
        long start = System.nanoTime();
        while (System.nanoTime() - start < WARMUP_NANOS) {
            sink += run.getAsDouble();
        }
        // the naive side allocates (GEMM packing buffers); collect its garbage here so that its collections are
        // not charged to whichever measurement happens to run next
        System.gc();
        List<Long> wall = new ArrayList<>();
        long cpuStart = PROCESS.getProcessCpuTime();
        start = System.nanoTime();
        while (wall.size() < MIN_RUNS || System.nanoTime() - start < MEASURE_NANOS) {
            long t0 = System.nanoTime();
            sink += run.getAsDouble();
            wall.add(System.nanoTime() - t0);
        }
        double cpuMs = (PROCESS.getProcessCpuTime() - cpuStart) / 1e6 / wall.size();
        if (Double.isNaN(sink)) {
            throw new IllegalStateException("attention benchmark produced NaN");
        }
        return new Timing(medianMillis(wall), cpuMs);
    }

    private static double medianMillis(List<Long> nanos) {
        long[] sorted = nanos.stream().mapToLong(Long::longValue).toArray();
        Arrays.sort(sorted);
        int n = sorted.length;
        double median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0;
        return median / 1e6;
    }

    private static double round(double x) {
        return Math.round(x * 100) / 100.0;
    }
}
