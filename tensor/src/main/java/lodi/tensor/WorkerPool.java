package lodi.tensor;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.LockSupport;

/**
 * The worker threads behind {@link Parallel}: a fixed set of daemon threads taking posted tasks from one queue.
 *
 * <p>Why not a {@code ForkJoinPool}: on this kind of VM waking a parked thread takes 60–300 µs (measured: a
 * helper joined a 2-thread GEMM 60–200 µs after it was posted, and the caller woke 100–300 µs after the last
 * helper finished), which is the whole running time of many kernels in a training step. So an idle worker keeps
 * polling the queue for {@link #SPIN_NANOS} before it parks: kernels that follow each other closely, as in a
 * training step, find it awake. A parked worker costs nothing.
 */
final class WorkerPool {
    /** How long an idle worker, or a caller waiting for its helpers, polls before parking. */
    static final long SPIN_NANOS = 200_000;

    private final ConcurrentLinkedQueue<Runnable> queue = new ConcurrentLinkedQueue<>();
    private final Worker[] workers;
    private volatile boolean shutdown;

    WorkerPool(int count) {
        workers = new Worker[count];
        for (int i = 0; i < count; i++) {
            workers[i] = new Worker(this, i);
            workers[i].start();
        }
    }

    /** Queues {@code task} for whichever worker polls first, and wakes the parked ones. */
    void post(Runnable task) {
        queue.add(task);
        for (Worker worker : workers) {
            if (worker.parked) {
                LockSupport.unpark(worker);
            }
        }
    }

    /** Lets the workers finish what they run and stop; tasks still queued are dropped. */
    void shutdown() {
        shutdown = true;
        for (Worker worker : workers) {
            LockSupport.unpark(worker);
        }
    }

    /** True on this pool's (or any lodi pool's) worker threads, where nested parallel work runs inline. */
    static boolean onWorker() {
        return Thread.currentThread() instanceof Worker;
    }

    private static final class Worker extends Thread {
        private final WorkerPool pool;
        private volatile boolean parked;

        Worker(WorkerPool pool, int index) {
            super("lodi-worker-" + index);
            this.pool = pool;
            setDaemon(true);
        }

        @Override
        public void run() {
            long idleSince = System.nanoTime();
            while (!pool.shutdown) {
                Runnable task = pool.queue.poll();
                if (task != null) {
                    task.run();
                    idleSince = System.nanoTime();
                } else if (System.nanoTime() - idleSince < SPIN_NANOS) {
                    Thread.onSpinWait();
                } else {
                    // Announce the park before the last look at the queue: a post either sees the flag and
                    // unparks, or happened before the look and is found.
                    parked = true;
                    if (pool.queue.isEmpty() && !pool.shutdown) {
                        LockSupport.park(this);
                    }
                    parked = false;
                    idleSince = System.nanoTime();
                }
            }
        }
    }
}
