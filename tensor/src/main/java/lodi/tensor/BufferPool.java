package lodi.tensor;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Float arrays reused from one training step to the next. A step allocates its activations, their gradients
 * and the parameters' gradients afresh (gigabytes at MiniLM's shape), and all of them are dead when it ends;
 * left to the garbage collector, they survive its young collections half-way through a step and fill the old
 * generation, and full collections took a quarter to a half of the step. Inside {@link #open() a scope}
 * {@link Tensor#zeros} takes its array from the pool; closing the scope hands every array it took back, for
 * the next step to take again. A request takes the shortest free array at least as long and at most twice as
 * long, and the pool keeps at most twice what the largest of the last {@value #RECENT_SCOPES} steps took: packed
 * batches vary in total length, and arrays sized for a long batch serve the shorter ones.
 *
 * <p>Whatever outlives a step must not come from the pool: optimizer state and caches use
 * {@link Tensor#lastingZeros}. The scope is the calling thread's; arrays allocated on other threads, and small
 * ones, come from the heap as usual. A taken array is zeroed over the requested length, so results are bitwise
 * what fresh arrays give, unless taken {@link #uninitialized} for a kernel that writes it whole; it may be longer
 * (at most twice), which tensors allow (they carry their own size). {@code -Dlodi.buffers=off} or
 * {@code LODI_BUFFERS=off} turns reuse off; {@code =poison} fills returned arrays with NaN and pools small arrays
 * too, so that an array used after its step shows up as a NaN (the
 * tests run that way).
 */
public final class BufferPool {
    /** Arrays shorter than this come from the heap (young collections handle them well), except when poisoning. */
    private static final int MIN_POOLED = 4096;
    /** How many steps back the largest step is remembered when the pool trims what it keeps. */
    private static final int RECENT_SCOPES = 64;

    private static final Mode MODE = EngineSettings.buffers();
    private static final int MIN_LENGTH = MODE == Mode.POISON ? 1 : MIN_POOLED;
    private static final ThreadLocal<BufferPool> ACTIVE = new ThreadLocal<>();

    private final TreeMap<Integer, ArrayDeque<Free>> free = new TreeMap<>();
    private final List<float[]> taken = new ArrayList<>();
    /** Floats taken by each of the last {@link #RECENT_SCOPES} scopes, by scope number modulo its length. */
    private final long[] recentTaken = new long[RECENT_SCOPES];
    private long scopes;

    enum Mode { REUSE, OFF, POISON }

    private record Free(float[] array, long lastScope) {
    }

    /** Makes this pool the calling thread's until the returned scope closes; scopes do not nest. */
    public Scope open() {
        if (ACTIVE.get() != null) {
            throw new IllegalStateException("a buffer pool scope is already open on this thread");
        }
        if (MODE != Mode.OFF) {
            ACTIVE.set(this);
        }
        scopes++;
        return new Scope();
    }

    /** The scope of one step: closing it returns every array taken since {@link #open()}. */
    public final class Scope implements AutoCloseable {
        private Scope() {
        }

        @Override
        public void close() {
            ACTIVE.remove();
            long takenFloats = 0;
            for (float[] array : taken) {
                if (MODE == Mode.POISON) {
                    Arrays.fill(array, Float.NaN);
                }
                free.computeIfAbsent(array.length, length -> new ArrayDeque<>()).push(new Free(array, scopes));
                takenFloats += array.length;
            }
            taken.clear();
            recentTaken[(int) (scopes % RECENT_SCOPES)] = takenFloats;
            keepAtMost(2 * Arrays.stream(recentTaken).max().orElseThrow());
        }
    }

    /** Number of floats held for reuse (for tests and diagnostics). */
    public long pooledFloats() {
        long total = 0;
        for (Map.Entry<Integer, ArrayDeque<Free>> entry : free.entrySet()) {
            total += (long) entry.getKey() * entry.getValue().size();
        }
        return total;
    }

    /**
     * A zeroed array of at least {@code length} floats: from the calling thread's open pool when there is one
     * and the array is not small, else a new one of exactly that length.
     */
    public static float[] zeros(int length) {
        BufferPool pool = ACTIVE.get();
        return pool == null || length < MIN_LENGTH ? new float[length] : pool.take(length, true);
    }

    /**
     * An array of at least {@code length} floats whose contents are undefined when it comes from the pool (the
     * caller writes every element it reads); else a new one of exactly that length.
     */
    public static float[] uninitialized(int length) {
        BufferPool pool = ACTIVE.get();
        return pool == null || length < MIN_LENGTH ? new float[length] : pool.take(length, false);
    }

    private float[] take(int length, boolean zeroed) {
        Map.Entry<Integer, ArrayDeque<Free>> fit = free.ceilingEntry(length);
        float[] array;
        if (fit != null && fit.getKey() <= 2L * length) {
            array = fit.getValue().pop().array();
            if (fit.getValue().isEmpty()) {
                free.remove(fit.getKey());
            }
            if (zeroed) {
                Arrays.fill(array, 0, length, 0f);
            }
        } else {
            array = new float[newArrayLength(length)];
        }
        taken.add(array);
        return array;
    }

    /**
     * The length of a new array for a request of {@code length}: a quarter more, so that the somewhat longer
     * batches to come fit it too, rounded up to an eighth of its power of two.
     */
    static int newArrayLength(int length) {
        long wanted = length + (long) length / 4;
        long step = Math.max(1, Long.highestOneBit(wanted) >>> 3);
        long rounded = (wanted + step - 1) / step * step;
        return (int) Math.min(rounded, Integer.MAX_VALUE - 8);
    }

    /**
     * Drops the free arrays least recently returned until at most {@code budget} floats stay. A step longer than
     * any before misses arrays by size and allocates others; without a bound the arrays too short for the longest
     * batches would pile up until the heap is full. Bounding by the last step alone dropped the long arrays after
     * each short batch, so every long one allocated afresh and the collector copied gigabytes of live arrays.
     */
    private void keepAtMost(long budget) {
        long total = pooledFloats();
        if (total <= budget) {
            return;
        }
        List<Free> byAge = new ArrayList<>();
        free.values().forEach(byAge::addAll);
        byAge.sort(Comparator.comparingLong(Free::lastScope));
        for (Free entry : byAge) {
            if (total <= budget) {
                break;
            }
            ArrayDeque<Free> arrays = free.get(entry.array().length);
            arrays.remove(entry);
            if (arrays.isEmpty()) {
                free.remove(entry.array().length);
            }
            total -= entry.array().length;
        }
    }
}
