package lodi.glue.experiment;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import lodi.glue.data.Task;
import lodi.tensor.CounterRng;

/**
 * The training batches of the three tasks mixed: the batch of step s is a pure function of (seed, s), so a
 * resumed run sees exactly the batches an uninterrupted one would.
 *
 * <p>An epoch is a pool of examples: {@code quota(task)} consecutive examples of each task's endless stream
 * (the task's examples in a fresh random order each cycle). Proportional mixing (the reference's) takes
 * every example once per epoch; temperature mixing sets the quotas ∝ size^(1/T), so T > 1 visits small tasks
 * (MRPC) more often. The pool is shuffled, cut into windows of {@code bucketWindow} batches, each window
 * sorted by length and cut into batches (a batch's rows of similar length; with rows packed back to back this
 * saves no work), and the batches of the epoch are shuffled. The last {@code pool mod batchSize} examples of an
 * epoch are left out of it (different ones each epoch).
 */
public final class Mixture {
    private static final long POOL_STREAM = -1;
    private static final long BATCH_STREAM = -2;

    private final Map<Task, List<Encoder.Encoded>> train;
    private final Map<Task, Integer> quotas = new EnumMap<>(Task.class);
    private final int batchSize;
    private final int bucketWindow;
    private final long seed;
    private final int batchesPerEpoch;
    private final Map<Long, int[]> cycleOrders = new HashMap<>();
    private long plannedEpoch = -1;
    private List<List<Encoder.Encoded>> plan;

    /** {@code temperature} 1 is proportional mixing. */
    public Mixture(Map<Task, List<Encoder.Encoded>> train, int batchSize, int bucketWindow, double temperature, long seed) {
        this.train = new EnumMap<>(train);
        this.batchSize = batchSize;
        this.bucketWindow = bucketWindow;
        this.seed = seed;
        long total = train.values().stream().mapToLong(List::size).sum();
        double weights = train.values().stream().mapToDouble(e -> Math.pow(e.size(), 1 / temperature)).sum();
        int pool = 0;
        for (var entry : this.train.entrySet()) {
            int size = entry.getValue().size();
            int quota = size == 0 ? 0 : temperature == 1 ? size
                    : (int) Math.max(1, Math.round(total * Math.pow(size, 1 / temperature) / weights));
            quotas.put(entry.getKey(), quota);
            pool += quota;
        }
        if (pool < batchSize) {
            throw new IllegalArgumentException("only " + pool + " training examples for a batch of " + batchSize);
        }
        this.batchesPerEpoch = pool / batchSize;
    }

    public int batchesPerEpoch() {
        return batchesPerEpoch;
    }

    /** The examples of step {@code step}'s batch. */
    public synchronized List<Encoder.Encoded> batch(long step) {
        long epoch = step / batchesPerEpoch;
        if (epoch != plannedEpoch) {
            plan = planEpoch(epoch);
            plannedEpoch = epoch;
        }
        return plan.get((int) (step % batchesPerEpoch));
    }

    private List<List<Encoder.Encoded>> planEpoch(long epoch) {
        List<Encoder.Encoded> pool = new ArrayList<>();
        for (var entry : train.entrySet()) {
            int size = entry.getValue().size();
            long quota = quotas.get(entry.getKey());
            for (long p = epoch * quota; p < (epoch + 1) * quota; p++) {
                int[] order = cycleOrder(entry.getKey(), p / size, size);
                pool.add(entry.getValue().get(order[(int) (p % size)]));
            }
        }
        int[] shuffled = permutation(pool.size(), POOL_STREAM, epoch);
        List<Encoder.Encoded> mixed = new ArrayList<>(pool.size());
        for (int i : shuffled) {
            mixed.add(pool.get(i));
        }
        List<List<Encoder.Encoded>> batches = new ArrayList<>(batchesPerEpoch);
        int window = bucketWindow * batchSize;
        for (int from = 0; batches.size() < batchesPerEpoch; from += window) {
            List<Encoder.Encoded> sorted = new ArrayList<>(mixed.subList(from, Math.min(from + window, mixed.size())));
            sorted.sort(Comparator.comparingInt(Encoder.Encoded::length));
            for (int b = 0; b + batchSize <= sorted.size() && batches.size() < batchesPerEpoch; b += batchSize) {
                batches.add(List.copyOf(sorted.subList(b, b + batchSize)));
            }
        }
        int[] order = permutation(batches.size(), BATCH_STREAM, epoch);
        List<List<Encoder.Encoded>> shuffledBatches = new ArrayList<>(batches.size());
        for (int i : order) {
            shuffledBatches.add(batches.get(i));
        }
        return shuffledBatches;
    }

    private int[] cycleOrder(Task task, long cycle, int size) {
        long key = ((long) task.ordinal() << 40) + cycle;
        if (cycleOrders.size() > 64) {
            cycleOrders.clear();
        }
        return cycleOrders.computeIfAbsent(key, k -> permutation(size, task.ordinal(), cycle));
    }

    /** A uniformly random permutation of 0..n-1 keyed by (seed, stream, draw): Fisher–Yates on counter draws. */
    private int[] permutation(int n, long stream, long draw) {
        int[] order = new int[n];
        Arrays.setAll(order, i -> i);
        long key = CounterRng.bits(seed, stream, draw);
        for (int i = n - 1; i > 0; i--) {
            int j = (int) Long.remainderUnsigned(CounterRng.bits(key, i, 0), i + 1);
            int tmp = order[i];
            order[i] = order[j];
            order[j] = tmp;
        }
        return order;
    }
}
