package lodi.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Every SIMD kernel computes the same bits whatever the JIT tier: {@link KernelFingerprint} in this JVM, from the
 * first (interpreted) run through C2-compiled ones, equals the same computation in a child JVM run with
 * {@code -Xint}, where the Vector API never leaves its Java fallback. Catches reductions whose lane order changes
 * when C2 intrinsifies them and transcendental ops whose intrinsic (SVML) rounds differently from the fallback.
 */
class JitTierDeterminismTest {
    private static final int WARM_UP_RUNS = 3000;

    @Test
    void everyKernelComputesTheSameBitsInterpretedAndCompiled() throws IOException, InterruptedException {
        Map<String, String> interpreted = runInterpretedChild();
        Map<String, Integer> firstDifferingRun = new TreeMap<>();
        for (int run = 0; run < WARM_UP_RUNS; run++) {
            Map<String, String> here = KernelFingerprint.compute();
            assertEquals(interpreted.keySet(), here.keySet());
            for (String kernel : here.keySet()) {
                if (!here.get(kernel).equals(interpreted.get(kernel))) {
                    firstDifferingRun.putIfAbsent(kernel, run);
                }
            }
        }
        assertEquals(Map.of(), firstDifferingRun, "kernels whose bits differ from the -Xint JVM's (first run)");
    }

    private static Map<String, String> runInterpretedChild() throws IOException, InterruptedException {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(List.of(java, "-Xint", "--add-modules", "jdk.incubator.vector",
                "-Dlodi.simd=" + (Simd.enabled() ? "on" : "off"), "-cp", System.getProperty("java.class.path"),
                KernelFingerprint.class.getName()));
        Process child = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(child.waitFor(60, TimeUnit.SECONDS), "the -Xint child JVM did not finish");
        assertEquals(0, child.exitValue(), "the -Xint child JVM failed: " + output);
        Map<String, String> hashes = new LinkedHashMap<>();
        output.lines().map(line -> line.split(" ")).forEach(parts -> hashes.put(parts[0], parts[1]));
        return hashes;
    }
}
