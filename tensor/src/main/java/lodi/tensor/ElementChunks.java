package lodi.tensor;

/**
 * Splits an elementwise kernel over [0, n) into fixed chunks run on {@link Parallel}. Each element belongs to
 * exactly one chunk and its result depends on that element alone, so any thread count gives the same bits.
 */
final class ElementChunks {
    /** Big enough that scheduling is noise next to the work, small enough to split a [512, 768] tensor. */
    static final int CHUNK = 1 << 14;

    @FunctionalInterface
    interface Range {
        void run(int from, int to);
    }

    private ElementChunks() {
    }

    static void forEach(int n, Range body) {
        if (n <= CHUNK) {
            body.run(0, n);
            return;
        }
        int chunks = (n + CHUNK - 1) / CHUNK;
        Parallel.forEach(chunks, c -> body.run(c * CHUNK, Math.min(n, (c + 1) * CHUNK)));
    }
}
