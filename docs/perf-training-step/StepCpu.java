import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import lodi.autograd.LossOps;
import lodi.autograd.Parameter;
import lodi.autograd.Variable;
import lodi.autograd.optim.AdamW;
import lodi.autograd.optim.GradClip;
import lodi.model.SpecialTokens;
import lodi.model.TokenBatch;
import lodi.model.bert.Denoiser;
import lodi.model.bert.DenoiserConfig;
import lodi.tensor.Parallel;

/**
 * The measurement behind docs/perf-training-step.md: full-parameter training steps of the cpu-small denoiser
 * (B = 64, S = 64, 15% scored rows, AdamW, clipping at 1), reporting per phase the calling thread's CPU time
 * and wall time, the process CPU time, the calling thread's allocation and the GC pauses. With LODI_THREADS=1
 * every kernel runs on the calling thread, so its CPU time is the step's work however loaded the machine is.
 *
 * <p>Arguments: warm-up steps (on a throwaway model, so that the JIT has compiled the kernels), measured steps
 * (on a fresh model with the same seed). -Dfused=false scores through logits + crossEntropy instead of
 * Denoiser.loss. The last line fingerprints every parameter's bits: equal fingerprints mean bitwise equal
 * training.
 */
public final class StepCpu {
    private static final ThreadMXBean MX = ManagementFactory.getThreadMXBean();

    public static void main(String[] args) {
        int warm = Integer.parseInt(args.length > 0 ? args[0] : "4");
        int steps = Integer.parseInt(args.length > 1 ? args[1] : "6");
        if (warm > 0) {
            System.out.println("== warm-up on a throwaway model");
            run(warm);
        }
        System.out.println("== measured run on a fresh model");
        run(steps);
    }

    private static void run(int steps) {
        DenoiserConfig config = DenoiserConfig.cpuSmall();
        Denoiser model = new Denoiser(config, 1);
        int batchSize = 64;
        int seqLen = 64;
        Random random = new Random(1);
        List<int[]> texts = new ArrayList<>();
        for (int b = 0; b < batchSize; b++) {
            int[] text = new int[seqLen - 2];
            for (int i = 0; i < text.length; i++) {
                text[i] = 1000 + random.nextInt(20000);
            }
            texts.add(text);
        }
        TokenBatch batch = TokenBatch.plain(texts, new SpecialTokens(0, 100, 101, 102, 103), seqLen);
        int n = (int) (batchSize * seqLen * 0.15);
        int[] positions = new int[n];
        int[] targets = new int[n];
        for (int i = 0; i < n; i++) {
            positions[i] = i * (batchSize * seqLen / n);
            targets[i] = batch.ids()[positions[i]];
        }
        int[] ids = batch.ids().clone();
        for (int p : positions) {
            ids[p] = 103;
        }
        TokenBatch masked = batch.withIds(ids);
        float[] times = new float[batchSize];
        Arrays.fill(times, 0.5f);
        float[] ones = new float[n];
        Arrays.fill(ones, 1f);
        boolean fused = Boolean.parseBoolean(System.getProperty("fused", "true"));
        AdamW optimizer = AdamW.builder(model.namedParameters(), 1e-4).build();
        List<Parameter> parameters = new ArrayList<>(model.namedParameters().values());
        String[] phases = {"encoder fwd", "head+loss fwd", "backward", "clip", "adamw", "zeroGrad"};
        long[] cpu = new long[phases.length];
        long[] wall = new long[phases.length];
        long totalProcess = 0;
        long totalWall = 0;
        long totalGc = 0;
        for (int step = 0; step < steps; step++) {
            long allocated = allocatedBytes();
            long process = processCpu();
            long gc = gcMillis();
            long[] c = new long[phases.length + 1];
            long[] w = new long[phases.length + 1];
            c[0] = MX.getCurrentThreadCpuTime();
            w[0] = System.nanoTime();
            model.setDropoutSeed(step);
            Variable hidden = model.hidden(masked, times);
            c[1] = MX.getCurrentThreadCpuTime();
            w[1] = System.nanoTime();
            Variable loss = fused ? model.loss(hidden, positions, targets, ones, n)
                    : LossOps.crossEntropy(model.logits(hidden, positions), targets);
            c[2] = MX.getCurrentThreadCpuTime();
            w[2] = System.nanoTime();
            loss.backward();
            c[3] = MX.getCurrentThreadCpuTime();
            w[3] = System.nanoTime();
            double norm = GradClip.clipGlobalNorm(parameters, 1.0);
            c[4] = MX.getCurrentThreadCpuTime();
            w[4] = System.nanoTime();
            optimizer.step();
            c[5] = MX.getCurrentThreadCpuTime();
            w[5] = System.nanoTime();
            optimizer.zeroGrad();
            c[6] = MX.getCurrentThreadCpuTime();
            w[6] = System.nanoTime();
            long stepProcess = processCpu() - process;
            long stepGc = gcMillis() - gc;
            System.out.printf("step %d: wall %.0f ms, process cpu %.0f ms, calling-thread cpu %.0f ms, gc %d ms, "
                            + "allocated %.1f MB, loss %.6f, norm %.6f%n", step, (w[6] - w[0]) / 1e6,
                    stepProcess / 1e6, (c[6] - c[0]) / 1e6, stepGc, (allocatedBytes() - allocated) / 1e6,
                    loss.value().get(0), norm);
            for (int k = 0; k < phases.length; k++) {
                cpu[k] += c[k + 1] - c[k];
                wall[k] += w[k + 1] - w[k];
            }
            totalProcess += stepProcess;
            totalWall += w[6] - w[0];
            totalGc += stepGc;
        }
        System.out.printf("threads=%d, mean of %d steps: wall %.1f ms (%.0f tokens/s), process cpu %.1f ms, "
                        + "gc %.1f ms%n", Parallel.threads(), steps, totalWall / 1e6 / steps,
                batchSize * seqLen / (totalWall / 1e9 / steps), totalProcess / 1e6 / steps, (double) totalGc / steps);
        for (int k = 0; k < phases.length; k++) {
            System.out.printf("  %-14s calling-thread cpu %7.1f ms, wall %7.1f ms%n", phases[k],
                    cpu[k] / 1e6 / steps, wall[k] / 1e6 / steps);
        }
        long fingerprint = 0;
        for (Parameter p : parameters) {
            for (float f : p.value().toArray()) {
                fingerprint = fingerprint * 31 + Float.floatToRawIntBits(f);
            }
        }
        System.out.printf("parameter fingerprint %016x%n", fingerprint);
    }

    private static long allocatedBytes() {
        return ((com.sun.management.ThreadMXBean) MX).getCurrentThreadAllocatedBytes();
    }

    private static long processCpu() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    private static long gcMillis() {
        long total = 0;
        for (var collector : ManagementFactory.getGarbageCollectorMXBeans()) {
            total += collector.getCollectionTime();
        }
        return total;
    }
}
