package lodi.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ParallelTest {
    private int before;

    @BeforeEach
    void remember() {
        before = Parallel.threads();
    }

    @AfterEach
    void restore() {
        Parallel.setThreads(before);
    }

    @Test
    void forEachVisitsEveryIndexExactlyOnce() {
        for (int threads : new int[] {1, 2, 3, 4}) {
            Parallel.setThreads(threads);
            for (int n : new int[] {1, 2, 7, 64, 1001}) {
                for (int grain : new int[] {1, 3, 100}) {
                    AtomicIntegerArray visits = new AtomicIntegerArray(n);
                    Parallel.forEach(n, grain, i -> visits.incrementAndGet(i));
                    for (int i = 0; i < n; i++) {
                        assertEquals(1, visits.get(i),
                                threads + " threads, n " + n + ", grain " + grain + ", index " + i);
                    }
                }
            }
        }
    }

    @Test
    void theCallingThreadTakesPartAndNestedCallsRunInline() {
        Parallel.setThreads(2);
        ConcurrentHashMap<Thread, Boolean> seen = new ConcurrentHashMap<>();
        AtomicInteger inner = new AtomicInteger();
        // Each index waits a little, so that the caller is still taking chunks when a worker wakes up.
        Parallel.forEach(64, i -> {
            seen.put(Thread.currentThread(), true);
            Parallel.forEach(10, j -> inner.incrementAndGet());
            sleepMillis(1);
        });
        assertEquals(640, inner.get());
        assertEquals(true, seen.containsKey(Thread.currentThread()), "the caller ran none of the chunks");
    }

    @Test
    void runSharedReturnsOnlyWhenEveryStartedCopyHasFinished() throws InterruptedException {
        Parallel.setThreads(2);
        CountDownLatch helperStarted = new CountDownLatch(1);
        AtomicInteger finished = new AtomicInteger();
        AtomicInteger items = new AtomicInteger(2);
        Parallel.runShared(2, () -> {
            if (Thread.currentThread().getName().startsWith("lodi-worker")) {
                helperStarted.countDown();
            } else {
                await(helperStarted);
            }
            // Two items: the worker and the caller take one each; the worker's is slow.
            if (items.getAndDecrement() > 0) {
                if (Thread.currentThread().getName().startsWith("lodi-worker")) {
                    sleepMillis(50);
                }
                finished.incrementAndGet();
            }
        });
        assertEquals(2, finished.get(), "runShared returned while a worker was still running");
    }

    @Test
    void aFailureInAnyCopyReachesTheCaller() {
        Parallel.setThreads(2);
        IllegalStateException boom = new IllegalStateException("boom");
        IllegalStateException thrown = assertThrows(IllegalStateException.class,
                () -> Parallel.forEach(100, i -> {
                    if (i == 77) {
                        throw boom;
                    }
                }));
        assertSame(boom, thrown);
    }

    private static void sleepMillis(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(10, TimeUnit.SECONDS)) {
                throw new AssertionError("no pool worker joined within 10 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
