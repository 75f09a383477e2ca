package lodi.glue.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ProgressTest {
    private static final long SECOND = 1_000_000_000L;

    private final AtomicLong clock = new AtomicLong(5 * SECOND);
    private final StringWriter text = new StringWriter();

    private Progress progress(String label, long total, boolean tty) {
        return new Progress(label, total, Progress.Unit.ITEMS, new PrintWriter(text), tty, clock::get);
    }

    @Test
    void formatsBarPercentRateAndEta() {
        assertEquals("train [#########...........] 45% 450/1000 12.5 it/s ETA 00:44 loss 1.23",
                Progress.format("train", 450, 1000, Progress.Unit.ITEMS, 36, "loss 1.23"));
        assertEquals("eval [....................] 0% 0/10 -- it/s ETA --:--",
                Progress.format("eval", 0, 10, Progress.Unit.ITEMS, 0, ""));
        assertEquals("eval [####################] 100% 10/10 2.0 it/s in 00:05",
                Progress.format("eval", 10, 10, Progress.Unit.ITEMS, 5, null));
    }

    @Test
    void slowStepsShowSecondsPerItemAndLongEtasShowHours() {
        assertEquals("train [....................] 0% 1/5000 4.00 s/it ETA 5:33:16",
                Progress.format("train", 1, 5000, Progress.Unit.ITEMS, 4, ""));
    }

    @Test
    void unknownTotalAndBytes() {
        assertEquals("read 42 10.5 it/s in 00:04", Progress.format("read", 42, 0, Progress.Unit.ITEMS, 4, ""));
        assertEquals("download x.zip [##########..........] 50% 1.5/3.0 MB 0.5 MB/s ETA 00:03",
                Progress.format("download x.zip", 1_500_000, 3_000_000, Progress.Unit.BYTES, 3, ""));
    }

    @Test
    void durations() {
        assertEquals("00:00", Progress.duration(0.4));
        assertEquals("01:05", Progress.duration(65));
        assertEquals("1:00:00", Progress.duration(3600));
    }

    @Test
    void terminalRedrawsInPlaceAtMostEvery200Milliseconds() {
        try (Progress p = progress("train", 100, true)) {
            clock.addAndGet(SECOND / 10);
            p.step(10, "loss 2.00");
            assertEquals(1, text.toString().split("\r", -1).length - 1, "only the initial draw so far");
            clock.addAndGet(SECOND / 10);
            p.step(10, "loss 1.50");
            String expected = "\rtrain [####................] 20% 20/100 100.0 it/s ETA 00:01 loss 1.50";
            assertTrue(text.toString().endsWith(expected), text.toString());
        }
        assertTrue(text.toString().endsWith("100.0 it/s ETA 00:01 loss 1.50" + System.lineSeparator()));
        assertFalse(text.toString().contains("\n\r"));
    }

    @Test
    void shorterRedrawIsPaddedToCoverTheOldLine() {
        Progress p = progress("t", 10, true);
        clock.addAndGet(SECOND);
        p.step(1, "a long status text");
        clock.addAndGet(SECOND);
        p.step(1, "short");
        String last = text.toString().substring(text.toString().lastIndexOf('\r') + 1);
        assertTrue(last.endsWith("short" + " ".repeat("a long status text".length() - "short".length())), last);
    }

    @Test
    void plainOutputPrintsAtEachTenthAndAtClose() {
        try (Progress p = progress("eval", 100, false)) {
            for (int i = 0; i < 100; i++) {
                clock.addAndGet(SECOND / 2);
                p.step(1);
            }
        }
        String[] lines = text.toString().split(System.lineSeparator());
        assertEquals(10, lines.length, text.toString());
        assertTrue(lines[0].startsWith("eval [##..................] 10% 10/100 2.0 it/s ETA 00:45"), lines[0]);
        assertEquals("eval [####################] 100% 100/100 2.0 it/s in 00:50", lines[9]);
        assertFalse(text.toString().contains("\r"));
    }

    @Test
    void quickPlainJobsPrintOnlyTheirFinalLine() {
        try (Progress p = progress("eval", 100, false)) {
            for (int i = 0; i < 100; i++) {
                clock.addAndGet(SECOND / 100);
                p.step(1);
            }
        }
        assertEquals("eval [####################] 100% 100/100 100.0 it/s in 00:01" + System.lineSeparator(),
                text.toString());
    }

    @Test
    void plainOutputPrintsAtLeastEvery30Seconds() {
        Progress p = progress("pretrain", 1000, false);
        clock.addAndGet(31 * SECOND);
        p.step(1);
        assertTrue(text.toString().startsWith("pretrain [....................] 0% 1/1000"), text.toString());
    }
}
