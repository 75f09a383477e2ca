package lodi.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import lodi.glue.cli.Lodi;
import org.junit.jupiter.api.Test;

class AttentionBenchTest {
    @Test
    void badThreadCountIsAUsageError() {
        var cli = Lodi.commandLine();
        StringWriter err = new StringWriter();
        cli.setErr(new PrintWriter(err));
        assertEquals(Lodi.USAGE_ERROR, cli.execute("bench", "attention", "--threads", "0"));
        assertTrue(err.toString().contains("--threads must be at least 1, got 0"), err.toString());
    }

    @Test
    void fusedAndNaiveWorkloadsComputeTheSameForward() {
        AttentionWorkload work = new AttentionWorkload(2, 2, 9, 8);
        float fused = work.fused(AttentionWorkload.Pass.FWD);
        float naive = work.naive(AttentionWorkload.Pass.FWD);
        assertEquals(naive, fused, 1e-5f);
        assertEquals(4.0 * 2 * 2 * 9 * 9 * 8, work.flops(AttentionWorkload.Pass.FWD));
        assertEquals(3.5 * 4.0 * 2 * 2 * 9 * 9 * 8, work.flops(AttentionWorkload.Pass.FWDBWD));
    }
}
