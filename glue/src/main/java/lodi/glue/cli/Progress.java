package lodi.glue.cli;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.function.LongSupplier;
import lodi.glue.experiment.ProgressReporter;

/**
 * A terminal progress bar with rate and ETA, written to stderr:
 * <pre>train [#########...........] 45% 450/1000 12.3 it/s ETA 00:45 loss 1.23</pre>
 * On a terminal it is redrawn in place (carriage return) at most every 200 ms; otherwise (CI logs,
 * redirected stderr) it prints a plain line at each further tenth of the work (but not within 2 s of the
 * previous line, so quick jobs print just their final line) and at least every 30 s.
 * {@link #close()} draws the final state and ends the line.
 * <pre>{@code
 * try (Progress progress = Progress.start("train", steps)) {
 *     for (...) { ...; progress.step(1, "loss " + loss); }
 * }
 * }</pre>
 * A total of 0 or less means unknown: no bar, percentage or ETA. Safe to call from several threads.
 */
public final class Progress implements ProgressReporter.Meter {
    /** How counts and rates are printed. */
    public enum Unit { ITEMS, BYTES }

    static final long REDRAW_NANOS = 200_000_000L;
    static final long PLAIN_LINE_NANOS = 30_000_000_000L;
    static final long PLAIN_GAP_NANOS = 2_000_000_000L;
    private static final int BAR_WIDTH = 20;

    private final String label;
    private final long total;
    private final Unit unit;
    private final PrintWriter out;
    private final boolean tty;
    private final LongSupplier nanoClock;
    private final long startNanos;
    private long done;
    private String status = "";
    private long lastDrawNanos;
    private long lastPlainTenth;
    private int lastWidth;
    private boolean closed;

    Progress(String label, long total, Unit unit, PrintWriter out, boolean tty, LongSupplier nanoClock) {
        this.label = label;
        this.total = total;
        this.unit = unit;
        this.out = out;
        this.tty = tty;
        this.nanoClock = nanoClock;
        this.startNanos = nanoClock.getAsLong();
        this.lastDrawNanos = startNanos;
        if (tty) {
            draw();
        }
    }

    /** A progress bar over {@code total} items on stderr; in place when stderr is a terminal. */
    public static Progress start(String label, long total) {
        return start(label, total, Unit.ITEMS);
    }

    /** A progress bar counting in the given unit (bytes print as kB/MB with a byte rate). */
    public static Progress start(String label, long total, Unit unit) {
        return on(new PrintWriter(System.err, true), System.console() != null, label, total, unit);
    }

    /** A progress bar on a given writer, drawn in place when {@code tty}. */
    public static Progress on(PrintWriter out, boolean tty, String label, long total, Unit unit) {
        return new Progress(label, total, unit, out, tty, System::nanoTime);
    }

    /** Advances by {@code n}. */
    public void step(long n) {
        step(n, null);
    }

    /** Advances by {@code n} and replaces the status text shown after the ETA (null keeps the old one). */
    public synchronized void step(long n, String newStatus) {
        done += n;
        if (newStatus != null) {
            status = newStatus;
        }
        long now = nanoClock.getAsLong();
        if (tty) {
            if (now - lastDrawNanos >= REDRAW_NANOS) {
                lastDrawNanos = now;
                draw();
            }
        } else {
            long tenth = total > 0 ? Math.min(10, done * 10 / total) : 0;
            long sinceLine = now - lastDrawNanos;
            boolean newTenth = tenth > lastPlainTenth && tenth < 10 && sinceLine >= PLAIN_GAP_NANOS;
            if (newTenth || sinceLine >= PLAIN_LINE_NANOS) {
                lastPlainTenth = tenth;
                lastDrawNanos = now;
                out.println(line());
                out.flush();
            }
        }
    }

    /** Draws the final state and ends the line. Calling it again does nothing. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (tty) {
            draw();
            out.println();
        } else {
            out.println(line());
        }
        out.flush();
    }

    /** The current line, as it would be drawn now. */
    synchronized String line() {
        return format(label, done, total, unit, (nanoClock.getAsLong() - startNanos) / 1e9, status);
    }

    private void draw() {
        String line = line();
        int pad = Math.max(0, lastWidth - line.length());
        lastWidth = line.length();
        out.print("\r" + line + " ".repeat(pad));
        out.flush();
    }

    /** The progress line for {@code done} of {@code total} after {@code elapsedSeconds}. */
    static String format(String label, long done, long total, Unit unit, double elapsedSeconds, String status) {
        StringBuilder line = new StringBuilder(label);
        double rate = elapsedSeconds > 0 ? done / elapsedSeconds : 0;
        if (total > 0) {
            int filled = (int) Math.min(BAR_WIDTH, done * BAR_WIDTH / total);
            line.append(" [").append("#".repeat(filled)).append(".".repeat(BAR_WIDTH - filled)).append("] ")
                    .append(Math.min(100, done * 100 / total)).append("% ")
                    .append(count(done, total, unit));
        } else {
            line.append(' ').append(count(done, 0, unit));
        }
        line.append(' ').append(rate(rate, unit));
        if (total > 0 && done < total) {
            line.append(" ETA ").append(rate > 0 ? duration((total - done) / rate) : "--:--");
        } else {
            line.append(" in ").append(duration(elapsedSeconds));
        }
        if (status != null && !status.isEmpty()) {
            line.append(' ').append(status);
        }
        return line.toString();
    }

    private static String count(long done, long total, Unit unit) {
        if (unit == Unit.ITEMS) {
            return total > 0 ? done + "/" + total : Long.toString(done);
        }
        return total > 0 ? megabytes(done) + "/" + megabytes(total) + " MB" : megabytes(done) + " MB";
    }

    private static String rate(double perSecond, Unit unit) {
        if (perSecond <= 0) {
            return unit == Unit.ITEMS ? "-- it/s" : "-- MB/s";
        }
        if (unit == Unit.BYTES) {
            return megabytes(perSecond) + " MB/s";
        }
        return perSecond >= 1 ? String.format(Locale.ROOT, "%.1f it/s", perSecond)
                : String.format(Locale.ROOT, "%.2f s/it", 1 / perSecond);
    }

    private static String megabytes(double bytes) {
        return String.format(Locale.ROOT, "%.1f", bytes / 1e6);
    }

    /** mm:ss, or h:mm:ss from an hour on. */
    static String duration(double seconds) {
        long s = Math.round(seconds);
        long h = s / 3600;
        long m = s % 3600 / 60;
        return h > 0 ? String.format(Locale.ROOT, "%d:%02d:%02d", h, m, s % 60)
                : String.format(Locale.ROOT, "%02d:%02d", m, s % 60);
    }
}
