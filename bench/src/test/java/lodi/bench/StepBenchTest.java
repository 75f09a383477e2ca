package lodi.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import lodi.glue.cli.Lodi;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

class StepBenchTest {
    private record Result(int code, String out, String err) {
    }

    private static Result bench(String... args) {
        var cli = Lodi.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        String[] all = new String[args.length + 2];
        all[0] = "bench";
        all[1] = "step";
        System.arraycopy(args, 0, all, 2, args.length);
        int code = cli.execute(all);
        return new Result(code, out.toString(), err.toString());
    }

    @Test
    void unknownMethodIsAUsageErrorNamingTheValidOnes() {
        Result result = bench("--method", "lora");
        assertEquals(Lodi.USAGE_ERROR, result.code());
        assertTrue(result.err().contains("full_ft, bitfit, adapters, weight_lora, lora_diffusion"), result.err());
    }

    @Test
    void explicitSizesReplaceTheShapesAndImpossibleOnesAreUsageErrors() {
        Result resized = bench("--method", "bitfit", "--hidden", "48", "--layers", "1", "--heads", "3", "--ffn", "96",
                "--batch", "2", "--seq", "8", "--steps", "1", "--warmup", "0");
        assertEquals(0, resized.code(), resized.err());
        assertTrue(resized.out().contains("(d=48, 1 layers, 3 heads, FFN 96, V=30522)"), resized.out());
        assertTrue(resized.out().contains("after 0 warm-up"), resized.out());
        assertFalse(resized.out().contains("lora_diffusion"), "a bitfit-only header names no lora_diffusion form");

        Result indivisible = bench("--hidden", "50", "--heads", "3");
        assertEquals(Lodi.USAGE_ERROR, indivisible.code());
        assertTrue(indivisible.err().contains("hidden_size 50 is not a multiple of num_attention_heads 3"), indivisible.err());
        assertEquals(Lodi.USAGE_ERROR, bench("--warmup", "-1").code());
    }

    @Test
    void jsonLineHasExactlyTheDocumentedKeys() {
        Result result = bench("--method", "lora_diffusion", "--batch", "2", "--seq", "8", "--steps", "1", "--json");
        assertEquals(0, result.code(), result.err());
        var json = JsonMapper.builder().build().readTree(result.out().strip());
        assertEquals(List.of("method", "shape", "batch", "seq", "hidden_states", "ms_per_step", "tokens_per_s"),
                List.copyOf(json.propertyNames()));
        assertEquals("lora_diffusion", json.get("method").asString());
        assertEquals("final", json.get("hidden_states").asString());
        assertTrue(json.get("tokens_per_s").asLong() > 0);
    }

    @Test
    void loraDiffusionAtEveryLayerIsBenchedAndABadPlaceIsAUsageError() {
        Result everyLayer = bench("--method", "lora_diffusion", "--hidden-states", "every_layer", "--batch", "2",
                "--seq", "8", "--steps", "1", "--warmup", "0", "--json");
        assertEquals(0, everyLayer.code(), everyLayer.err());
        assertTrue(everyLayer.out().contains("\"hidden_states\":\"every_layer\""), everyLayer.out());
        Result table = bench("--method", "lora_diffusion", "--hidden-states", "every_layer", "--batch", "2",
                "--seq", "8", "--steps", "1", "--warmup", "0");
        assertEquals(0, table.code(), table.err());
        assertTrue(table.out().contains(", lora_diffusion on the every_layer hidden states;"), table.out());

        Result bad = bench("--method", "lora_diffusion", "--hidden-states", "everywhere");
        assertEquals(Lodi.USAGE_ERROR, bad.code());
        assertTrue(bad.err().contains("hidden_states must be final, every_layer, got 'everywhere'"), bad.err());
        assertEquals("", bad.out());
    }
}
