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
