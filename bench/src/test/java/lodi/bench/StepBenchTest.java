package lodi.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import lodi.glue.cli.Lodi;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

class StepBenchTest {
    @Test
    void unknownMethodIsAUsageErrorNamingTheValidOnes() {
        var cli = Lodi.commandLine();
        StringWriter err = new StringWriter();
        cli.setErr(new PrintWriter(err));
        assertEquals(Lodi.USAGE_ERROR, cli.execute("bench", "step", "--method", "lora"));
        assertTrue(err.toString().contains("full_ft, bitfit, adapters, weight_lora, lora_diffusion"), err.toString());
    }

    @Test
    void explicitSizesReplaceTheShapesAndImpossibleOnesAreUsageErrors() {
        var cli = Lodi.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        assertEquals(0, cli.execute("bench", "step", "--method", "bitfit", "--hidden", "48", "--layers", "1", "--heads", "3",
                "--ffn", "96", "--batch", "2", "--seq", "8", "--steps", "1", "--warmup", "0"), err.toString());
        assertTrue(out.toString().contains("(d=48, 1 layers, 3 heads, FFN 96, V=30522)"), out.toString());
        assertTrue(out.toString().contains("after 0 warm-up"), out.toString());

        StringWriter bad = new StringWriter();
        var again = Lodi.commandLine();
        again.setErr(new PrintWriter(bad));
        assertEquals(Lodi.USAGE_ERROR, again.execute("bench", "step", "--hidden", "50", "--heads", "3"));
        assertTrue(bad.toString().contains("hidden_size 50 is not a multiple of num_attention_heads 3"), bad.toString());
        assertEquals(Lodi.USAGE_ERROR, Lodi.commandLine().execute("bench", "step", "--warmup", "-1"));
    }

    @Test
    void jsonLineHasExactlyTheDocumentedKeys() {
        var cli = Lodi.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        assertEquals(0, cli.execute("bench", "step", "--method", "lora_diffusion", "--batch", "2", "--seq", "8",
                "--steps", "1", "--json"), err.toString());
        var json = JsonMapper.builder().build().readTree(out.toString().strip());
        assertEquals(List.of("method", "shape", "batch", "seq", "ms_per_step", "tokens_per_s"), List.copyOf(json.propertyNames()));
        assertEquals("lora_diffusion", json.get("method").asString());
        assertTrue(json.get("tokens_per_s").asLong() > 0);
    }
}
