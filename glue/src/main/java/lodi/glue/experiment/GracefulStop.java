package lodi.glue.experiment;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A stop asked of the process (SIGTERM: Slurm before a time limit or on requeue, {@code kill}, Ctrl-C): the run
 * in progress finishes its current step, saves a checkpoint there and lets the process exit; the same command run
 * again resumes from that step, bit-identical to an uninterrupted run. Without a run in progress the process
 * exits at once.
 */
final class GracefulStop {
    /** How long the exit waits for the checkpoint: a step and a save, well inside Slurm's default KillWait. */
    private static final long WAIT_SECONDS = 25;
    private static final AtomicReference<CountDownLatch> running = new AtomicReference<>();
    private static volatile boolean requested;

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(GracefulStop::awaitCheckpoint, "lodi-graceful-stop"));
    }

    private GracefulStop() {
    }

    private static void awaitCheckpoint() {
        requested = true;
        CountDownLatch saved = running.get();
        if (saved == null) {
            return;
        }
        try {
            saved.await(WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A run's training loop begins: a stop from now on waits for its checkpoint. */
    static CountDownLatch begin() {
        CountDownLatch saved = new CountDownLatch(1);
        running.set(saved);
        return saved;
    }

    /** The loop is over (finished, or checkpointed on request): a stop no longer waits. */
    static void end(CountDownLatch saved) {
        running.compareAndSet(saved, null);
        saved.countDown();
    }

    static boolean requested() {
        return requested;
    }
}
