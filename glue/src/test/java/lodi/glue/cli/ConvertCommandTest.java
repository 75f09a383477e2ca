package lodi.glue.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import lodi.model.bert.Checkpoints;
import lodi.model.bert.Denoiser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code lodi convert}: MiniLM's ONNX file into a lodi checkpoint; a damaged file is one line and exit code 2. */
class ConvertCommandTest {
    @TempDir
    Path dir;

    private Path miniLm() throws IOException {
        Path file = dir.resolve("all-minilm-l6-v2.onnx");
        try (InputStream in = ConvertCommandTest.class.getClassLoader().getResourceAsStream("all-minilm-l6-v2.onnx")) {
            Files.copy(in, file);
        }
        return file;
    }

    @Test
    void convertsMiniLmIntoACheckpointThatLoads() throws IOException {
        Path out = dir.resolve("minilm");
        LodiRun run = LodiRun.of("convert", miniLm().toString(), out.toString());
        assertEquals(0, run.code(), run.err());
        assertTrue(run.out().contains("6 layers, hidden 384, 12 heads, FFN 1536, 512 positions, vocabulary 30522"), run.out());
        Denoiser model = Checkpoints.load(out);
        assertEquals(12, model.config().numHeads());
        assertEquals("none", model.config().timeConditioning());
        assertEquals(Arrays.toString(new int[] {1536, 384}),
                Arrays.toString(model.namedParameters().get("bert.encoder.layer.3.intermediate.dense.weight").value().shape()));
    }

    @Test
    void aTruncatedFileIsOneLineAndExitCodeTwo() throws IOException {
        byte[] bytes = Files.readAllBytes(miniLm());
        Path truncated = Files.write(dir.resolve("truncated.onnx"), Arrays.copyOf(bytes, bytes.length / 2));
        LodiRun run = LodiRun.of("convert", truncated.toString(), dir.resolve("out").toString());
        assertEquals(Lodi.USAGE_ERROR, run.code());
        assertEquals(1, run.err().strip().lines().count(), run.err());
        assertTrue(run.err().startsWith("lodi: " + truncated + ": not a readable ONNX model"), run.err());
        assertFalse(Files.exists(dir.resolve("out")), "nothing written");

        LodiRun missing = LodiRun.of("convert", dir.resolve("absent.onnx").toString(), dir.resolve("out").toString());
        assertEquals(Lodi.USAGE_ERROR, missing.code());
        assertTrue(missing.err().contains("no such file"), missing.err());
    }
}
