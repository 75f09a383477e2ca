package lodi.peft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import lodi.autograd.Parameter;
import lodi.model.bert.Denoiser;
import lodi.model.bert.DenoiserConfig;
import lodi.tensor.Simd;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.json.JsonMapper;

/**
 * The bits of a short fine-tuning run, pinned: a few AdamW steps of each method on the toy task, through the
 * training step and its buffer pool, must leave trainable parameters whose SHA-256 is the recorded one. Speed
 * work (buffer reuse, fused or unzeroed kernels, blocking) must not move a bit; a change that does must say so
 * and record the new fingerprints here. The recorded values are for the Vector API kernels at 16 float lanes
 * (AVX-512); other widths sum lanes in another tree, so the test skips there. They are the same with reuse off
 * ({@code LODI_BUFFERS=off}), with poisoned reuse and on one thread.
 */
class TrainingFingerprintTest {
    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({
        "full_ft, final, 65d7b1daf1bedfeb",
        "bitfit, final, e758aca68c5f53e6",
        "adapters, final, 0a10cfa5515ebb89",
        "weight_lora, final, 177a68d37046ebd0",
        "lora_diffusion, final, 0ad05e18fbf780a1",
        "lora_diffusion, every_layer, 19c59c68632487ee",
    })
    void aShortRunEndsWithTheRecordedBits(String method, String hiddenStates, String expected) {
        assumeTrue(Simd.enabled() && Simd.F.length() == 16,
                "fingerprints are recorded for the SIMD kernels at 16 float lanes; here SIMD is "
                        + (Simd.enabled() ? Simd.F.length() + " lanes" : "off"));
        PeftMethod parsed = PeftMethod.parse(method);
        PeftConfig config = parsed == PeftMethod.LORA_DIFFUSION
                ? PeftConfig.fromJson(parsed, JsonMapper.builder().build().createObjectNode().put("hidden_states", hiddenStates))
                : PeftConfig.defaults(parsed);
        PeftModel model = Peft.apply(new Denoiser(base(), 5), config, 7);
        ToyTraining.train(model, 4, 24, 1e-3, 11);
        assertEquals(expected, fingerprint(model.trainableParameters()), method + " " + hiddenStates);
    }

    /** d = 64, 2 layers, 4 heads, FFN 128: activations large enough to come from the step's buffer pool. */
    private static DenoiserConfig base() {
        return new DenoiserConfig(ToyTraining.TASK.tokenizer.vocabulary().size(), 64, 2, 4, 128, 32, 2, 1e-12, 0.1,
                "gelu", true, false, "output", 100);
    }

    private static String fingerprint(Map<String, Parameter> parameters) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            for (Map.Entry<String, Parameter> entry : new TreeMap<>(parameters).entrySet()) {
                digest.update(entry.getKey().getBytes(StandardCharsets.UTF_8));
                var value = entry.getValue().value();
                ByteBuffer bits = ByteBuffer.allocate(4 * value.size());
                for (int i = 0; i < value.size(); i++) {
                    bits.putInt(Float.floatToRawIntBits(value.get(i)));
                }
                digest.update(bits.array());
            }
            return HexFormat.of().formatHex(digest.digest()).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
