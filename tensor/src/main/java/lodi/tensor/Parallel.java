package lodi.tensor;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.function.IntConsumer;

/**
 * The one thread pool every kernel shares, sized by {@code LODI_THREADS} (or {@code -Dlodi.threads}),
 * default: the available processors.
 *
 * <p>Determinism contract: {@link #forEach} hands each index to exactly one task and a kernel computes an
 * index's result from that index alone, in a fixed order. So results are bitwise identical whatever the
 * thread count; the count only changes which thread computes which index.
 */
public final class Parallel {
    private static final int CHUNKS_PER_THREAD = 4;
    private static volatile int threads = configuredThreads();
    private static volatile ForkJoinPool pool = newPool(threads);

    private Parallel() {
    }

    /** The number of worker threads kernels use. */
    public static int threads() {
        return threads;
    }

    /** Resizes the shared pool; used by benchmarks and by the thread-count determinism tests. */
    public static synchronized void setThreads(int count) {
        if (count < 1) {
            throw new IllegalArgumentException("thread count must be at least 1, got " + count);
        }
        if (count != threads) {
            ForkJoinPool old = pool;
            pool = newPool(count);
            threads = count;
            old.shutdown();
        }
    }

    /**
     * Runs {@code body} for every index in [0, n), split into contiguous chunks over the pool. Runs inline
     * when there is one thread or one index. {@code body} must only write state owned by its index.
     */
    public static void forEach(int n, IntConsumer body) {
        forEach(n, 1, body);
    }

    /**
     * As {@link #forEach(int, IntConsumer)}, but never splits below {@code grain} indices per task, so that
     * cheap per-index work is not drowned by scheduling.
     */
    public static void forEach(int n, int grain, IntConsumer body) {
        int t = threads;
        if (n <= 0) {
            return;
        }
        // A few chunks per thread, so that a descheduled or slower worker's share is stolen by the others;
        // ownership of each index stays with one task, so results do not depend on the split.
        int tasks = Math.min(t == 1 ? 1 : t * CHUNKS_PER_THREAD, Math.max(1, n / Math.max(1, grain)));
        if (tasks <= 1 || ForkJoinTask.inForkJoinPool()) {
            for (int i = 0; i < n; i++) {
                body.accept(i);
            }
            return;
        }
        ForkJoinPool p = pool;
        ForkJoinTask<?>[] running = new ForkJoinTask<?>[tasks];
        for (int task = 0; task < tasks; task++) {
            int from = (int) ((long) n * task / tasks);
            int to = (int) ((long) n * (task + 1) / tasks);
            running[task] = p.submit(() -> {
                for (int i = from; i < to; i++) {
                    body.accept(i);
                }
            });
        }
        for (ForkJoinTask<?> task : running) {
            task.join();
        }
    }

    private static int configuredThreads() {
        String value = System.getProperty("lodi.threads");
        if (value == null) {
            value = System.getenv("LODI_THREADS");
        }
        if (value == null || value.isBlank()) {
            return Runtime.getRuntime().availableProcessors();
        }
        try {
            int parsed = Integer.parseInt(value.trim());
            if (parsed >= 1) {
                return parsed;
            }
        } catch (NumberFormatException ignored) {
            // fall through to the error below
        }
        throw new IllegalArgumentException("LODI_THREADS must be a positive whole number, got '" + value + "'");
    }

    private static ForkJoinPool newPool(int count) {
        return new ForkJoinPool(count, p -> {
            var worker = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(p);
            worker.setDaemon(true);
            worker.setName("lodi-worker-" + worker.getPoolIndex());
            return worker;
        }, null, false);
    }
}
