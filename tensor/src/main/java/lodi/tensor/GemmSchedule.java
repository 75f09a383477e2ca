package lodi.tensor;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.locks.LockSupport;

/**
 * Who does which part of one {@link PackedGemm} product, and when, on any number of threads.
 *
 * <pre>
 * block    one column block (NC columns of C') × one K block (KC steps), in (column, K) order
 * pack job packs some of a block's B' micro-panels into the block's buffer, which every thread then reads
 * tile job one row block (MC rows of A') × one group of the block's micro-panels (a group only when there
 *          are fewer row blocks than threads): packs its A' rows and runs the micro-kernel over them
 * </pre>
 *
 * <p>The jobs are numbered block by block, pack jobs first, and threads take them in that order from one
 * counter, so a thread that runs faster (on this VM the two vCPUs often differ 2:1 for tens of seconds) or
 * starts earlier simply takes more of them; B' is packed once for all threads.
 *
 * <p>A job waits only for jobs numbered before it: a tile job for its block's packing and for the same tile's
 * previous K block (its fma chains continue in k order, which keeps C bitwise the same for any thread count);
 * a pack job for the tile jobs that last read its buffer (the buffers are a ring of threads + 1). Every job a
 * thread waits for was taken earlier by a thread that runs jobs to completion, so the wait always ends, also when
 * one thread runs every job in order (a single thread, or a GEMM called from inside the pool).
 */
final class GemmSchedule {
    /** Jobs that pack one block's B' panels (some pack nothing when the block has fewer panels). */
    private static final int PACK_JOBS = 4;
    /** How long a waiting job polls; after that it naps, freeing the core for the job it waits for. */
    private static final long SPIN_NANOS = 50_000;
    private static final long NAP_NANOS = 50_000;

    private final PackedGemm.Problem pr;
    private final boolean zeroInit;
    private final int panels;
    private final int blockPanels;
    private final int kBlocks;
    private final int rowJobs;
    private final int columnGroups;
    private final int jobsPerBlock;
    private final int jobs;
    /** The packed-B' ring: the first {@code ring} entries of {@code buffers}, used in turn by the blocks. */
    private final float[][] buffers;
    private final int ring;
    private final AtomicInteger next = new AtomicInteger();
    /** Per block: pack jobs finished. */
    private final AtomicIntegerArray packed;
    /** Per block: tile jobs finished. */
    private final AtomicIntegerArray computed;
    /** Per (column block, row job, column group): K blocks finished. */
    private final AtomicIntegerArray tileProgress;
    private volatile Throwable failure;

    private GemmSchedule(PackedGemm.Problem pr, boolean zeroInit, int threads, PackedGemm.Workspace caller) {
        this.pr = pr;
        this.zeroInit = zeroInit;
        this.panels = Math.ceilDiv(pr.n(), PackedGemm.NR);
        this.blockPanels = Math.min(panels, PackedGemm.NC / PackedGemm.NR);
        this.kBlocks = Math.ceilDiv(pr.k(), PackedGemm.KC);
        this.rowJobs = Math.ceilDiv(pr.m(), PackedGemm.MC);
        // Split a block's columns only as far as every thread needs a tile job: each group packs the same A rows
        // again, which cost the long-K products 20–30% at four jobs per thread. Uneven threads even out across
        // blocks instead, as the next block's jobs start while the last ones of this block run.
        this.columnGroups = Math.clamp(Math.ceilDiv(threads, rowJobs), 1, blockPanels);
        this.jobsPerBlock = PACK_JOBS + rowJobs * columnGroups;
        int columnBlocks = Math.ceilDiv(panels, blockPanels);
        int blocks = columnBlocks * kBlocks;
        this.jobs = blocks * jobsPerBlock;
        this.ring = threads == 1 ? 1 : Math.min(blocks, threads + 1);
        this.buffers = caller.panelBuffers(ring, blockPanels * Math.min(pr.k(), PackedGemm.KC) * PackedGemm.NR);
        this.packed = new AtomicIntegerArray(blocks);
        this.computed = new AtomicIntegerArray(blocks);
        this.tileProgress = new AtomicIntegerArray(columnBlocks * rowJobs * columnGroups);
    }

    /**
     * Runs the whole product on {@code threads} threads (1: on this thread), the packed B' blocks in the
     * calling thread's workspace.
     */
    static void run(PackedGemm.Problem pr, boolean zeroInit, int threads, PackedGemm.Workspace caller) {
        Parallel.runShared(threads, new GemmSchedule(pr, zeroInit, threads, caller)::work);
    }

    /** Takes jobs in order until none is left. */
    private void work() {
        for (int job = next.getAndIncrement(); job < jobs; job = next.getAndIncrement()) {
            try {
                runJob(job);
            } catch (Throwable t) {
                failure = t;
                throw t;
            }
        }
    }

    private void runJob(int job) {
        int block = job / jobsPerBlock;
        int index = job % jobsPerBlock;
        int columnBlock = block / kBlocks;
        int kBlock = block % kBlocks;
        int pc = kBlock * PackedGemm.KC;
        int kc = Math.min(PackedGemm.KC, pr.k() - pc);
        int panel0 = columnBlock * blockPanels;
        int panelCount = Math.min(blockPanels, panels - panel0);
        float[] buffer = buffers[block % ring];
        if (index < PACK_JOBS) {
            if (block >= ring) {
                awaitAtLeast(computed, block - ring, rowJobs * columnGroups);
            }
            PackedGemm.packPanels(pr, pc, kc, panel0, panel0 + panelCount * index / PACK_JOBS,
                    panel0 + panelCount * (index + 1) / PACK_JOBS, buffer);
            packed.incrementAndGet(block);
            return;
        }
        int tileJob = index - PACK_JOBS;
        int rowJob = tileJob / columnGroups;
        int group = tileJob % columnGroups;
        int tile = (columnBlock * rowJobs + rowJob) * columnGroups + group;
        awaitAtLeast(packed, block, PACK_JOBS);
        awaitAtLeast(tileProgress, tile, kBlock);
        int row0 = rowJob * PackedGemm.MC;
        PackedGemm.computeBlock(pr, pc, kc, buffer, zeroInit && kBlock == 0, row0,
                Math.min(PackedGemm.MC, pr.m() - row0), panel0,
                panel0 + panelCount * group / columnGroups, panel0 + panelCount * (group + 1) / columnGroups);
        tileProgress.set(tile, kBlock + 1);
        computed.incrementAndGet(block);
    }

    /**
     * Waits until {@code counts[index] >= target}: polling at first (the job waited for is usually about to
     * finish), then in naps, so that a thread whose job holder was descheduled (a busy machine, the JIT) does
     * not keep the core the holder needs.
     */
    private void awaitAtLeast(AtomicIntegerArray counts, int index, int target) {
        long spinUntil = 0;
        while (counts.get(index) < target) {
            if (failure != null) {
                throw new IllegalStateException("another part of this GEMM failed", failure);
            }
            long now = System.nanoTime();
            if (spinUntil == 0) {
                spinUntil = now + SPIN_NANOS;
            }
            if (now < spinUntil) {
                Thread.onSpinWait();
            } else {
                LockSupport.parkNanos(NAP_NANOS);
            }
        }
    }
}
