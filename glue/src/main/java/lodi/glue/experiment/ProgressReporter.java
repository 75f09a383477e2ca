package lodi.glue.experiment;

/**
 * Where long work (pretraining, a run, an evaluation) says how far it is. The command line draws a progress bar
 * with rate and ETA from it; {@link #NONE} shows nothing (tests, library use).
 */
@FunctionalInterface
public interface ProgressReporter {
    /** Shows nothing. */
    ProgressReporter NONE = (label, total) -> new Meter() {
        @Override
        public void step(long n) {
        }

        @Override
        public void step(long n, String status) {
        }

        @Override
        public void close() {
        }
    };

    /** The meter of one piece of work of {@code total} items. */
    Meter start(String label, long total);

    /** One piece of work's progress. */
    interface Meter extends AutoCloseable {
        /** {@code n} more items are done. */
        void step(long n);

        /** {@code n} more items are done; {@code status} says what the work shows now (a loss, an accuracy). */
        void step(long n, String status);

        @Override
        void close();
    }
}
