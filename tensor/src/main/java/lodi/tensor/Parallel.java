package lodi.tensor;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;

/**
 * The one set of threads every kernel shares, sized by {@code LODI_THREADS} (or {@code -Dlodi.threads}),
 * default: the available processors. The calling thread is one of them: a pool of threads − 1 workers
 * ({@link WorkerPool}) helps it.
 *
 * <p>Determinism contract: {@link #forEach} hands each index to exactly one chunk and a kernel computes an
 * index's result from that index alone, in a fixed order. So results are bitwise identical whatever the
 * thread count; the count only changes which thread computes which index.
 */
public final class Parallel {
    private static final int CHUNKS_PER_THREAD = 4;
    private static volatile int threads = EngineSettings.threads();
    private static volatile WorkerPool pool = new WorkerPool(threads - 1);

    private Parallel() {
    }

    /** The number of threads kernels use, the calling thread included. */
    public static int threads() {
        return threads;
    }

    /** Resizes the shared pool; used by benchmarks and by the thread-count determinism tests. */
    public static synchronized void setThreads(int count) {
        if (count < 1) {
            throw new IllegalArgumentException("thread count must be at least 1, got " + count);
        }
        if (count != threads) {
            WorkerPool old = pool;
            pool = new WorkerPool(count - 1);
            threads = count;
            old.shutdown();
        }
    }

    /**
     * Runs {@code body} for every index in [0, n), split into contiguous chunks that the calling thread and the
     * pool's workers take in turn. Runs inline when there is one thread or one index. {@code body} must only
     * write state owned by its index.
     */
    public static void forEach(int n, IntConsumer body) {
        forEach(n, 1, body);
    }

    /**
     * As {@link #forEach(int, IntConsumer)}, but never splits below {@code grain} indices per chunk, so that
     * cheap per-index work is not drowned by scheduling.
     */
    public static void forEach(int n, int grain, IntConsumer body) {
        int t = threads;
        if (n <= 0) {
            return;
        }
        // A few chunks per thread, so that a descheduled or slower thread's share is taken by the others;
        // ownership of each index stays with one chunk, so results do not depend on who runs it.
        int chunks = Math.min(t == 1 ? 1 : t * CHUNKS_PER_THREAD, Math.max(1, n / Math.max(1, grain)));
        if (chunks <= 1 || WorkerPool.onWorker()) {
            for (int i = 0; i < n; i++) {
                body.accept(i);
            }
            return;
        }
        AtomicInteger next = new AtomicInteger();
        runShared(Math.min(t, chunks), () -> {
            for (int chunk = next.getAndIncrement(); chunk < chunks; chunk = next.getAndIncrement()) {
                int to = (int) ((long) n * (chunk + 1) / chunks);
                for (int i = (int) ((long) n * chunk / chunks); i < to; i++) {
                    body.accept(i);
                }
            }
        });
    }

    /**
     * Runs {@code work} on the calling thread and on up to {@code copies − 1} pool workers at once, and returns
     * when every copy that started has returned. {@code work} must share out its items itself (a counter they
     * all take from) and return when none is left, so that any number of copies does all of it: a worker that
     * is busy or slow to wake simply joins late or not at all, and the caller never waits for a copy that has
     * not started. Runs inline on one thread, or inside a pool worker (nested parallelism runs serially).
     */
    public static void runShared(int copies, Runnable work) {
        if (copies <= 1 || threads == 1 || WorkerPool.onWorker()) {
            work.run();
            return;
        }
        SharedRun run = new SharedRun(work, Thread.currentThread());
        WorkerPool p = pool;
        for (int i = 1; i < Math.min(copies, threads); i++) {
            p.post(run::helper);
        }
        run.inCaller();
    }

    /** Bookkeeping of {@link #runShared}: how many copies run, and whether latecomers may still join. */
    private static final class SharedRun {
        /** Copies running, the caller's included; the sign bit closes the run to copies that start later. */
        private final AtomicInteger running = new AtomicInteger(1);
        private final Runnable work;
        private final Thread caller;
        private volatile Throwable failure;

        SharedRun(Runnable work, Thread caller) {
            this.work = work;
            this.caller = caller;
        }

        void helper() {
            int state;
            do {
                state = running.get();
                if (state < 0) {
                    return;
                }
            } while (!running.compareAndSet(state, state + 1));
            try {
                work.run();
            } catch (Throwable t) {
                failure = t;
            } finally {
                if (running.decrementAndGet() == Integer.MIN_VALUE) {
                    LockSupport.unpark(caller);
                }
            }
        }

        void inCaller() {
            try {
                work.run();
            } catch (Throwable t) {
                failure = t;
            }
            int state;
            do {
                state = running.get();
            } while (!running.compareAndSet(state, (state - 1) | Integer.MIN_VALUE));
            // The helpers usually finish within microseconds of the caller: poll before paying for a park.
            long spinUntil = System.nanoTime() + WorkerPool.SPIN_NANOS;
            while (running.get() != Integer.MIN_VALUE) {
                if (System.nanoTime() < spinUntil) {
                    Thread.onSpinWait();
                } else {
                    LockSupport.park(this);
                }
            }
            Throwable t = failure;
            if (t instanceof RuntimeException e) {
                throw e;
            }
            if (t instanceof Error e) {
                throw e;
            }
            if (t != null) {
                throw new IllegalStateException(t);
            }
        }
    }
}
