package lodi.model.bert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import lodi.autograd.Autograd;
import lodi.model.SharedData;
import lodi.model.SpecialTokens;
import lodi.model.TokenBatch;
import lodi.model.io.Onnx;
import lodi.model.tokenizer.WordPieceTokenizer;
import lodi.tensor.Tensor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The MiniLM import against an independent oracle: ONNX Runtime runs the very graph lodi reads, and lodi's
 * encoder forward must give its {@code last_hidden_state} for the same token ids.
 */
class OnnxImportTest {
    /** The MiniLM shape with no time embedding, so that the denoiser's hidden states are the encoder's output. */
    private static final DenoiserConfig MINILM = new DenoiserConfig(30522, 384, 6, 12, 1536, 512, 2, 1e-12, 0.1, "gelu",
            true, false, "none", 100);

    private static byte[] onnxBytes;

    @BeforeAll
    static void readModel() throws IOException {
        try (InputStream in = MiniLm.class.getClassLoader().getResourceAsStream(MiniLm.ONNX)) {
            onnxBytes = in.readAllBytes();
        }
    }

    @Test
    void namesEveryProjectionAndFindsTheShape() throws IOException {
        Onnx.Graph graph = MiniLm.graph();
        Map<String, Tensor> tensors = OnnxImport.huggingFaceTensors(graph, "minilm");
        assertEquals(384, tensors.get("encoder.layer.5.output.dense.weight").dim(0), "[out, in] after the transpose");
        assertEquals(1536, tensors.get("encoder.layer.5.output.dense.weight").dim(1));
        assertEquals(1536, tensors.get("encoder.layer.0.intermediate.dense.weight").dim(0));
        DenoiserConfig config = OnnxImport.config(graph, tensors, "minilm", MINILM);
        assertEquals(MINILM, config);
        assertTrue(tensors.keySet().stream().noneMatch(name -> name.startsWith("onnx::")));
    }

    @Test
    void encoderMatchesOnnxRuntimeOnGlueSentences() throws Exception {
        List<String> sentences = new ArrayList<>();
        for (String line : Files.readAllLines(SharedData.require("glue-cpu/SST-2/dev.tsv")).subList(1, 13)) {
            sentences.add(line.split("\t")[0]);
        }
        for (String line : Files.readAllLines(SharedData.require("glue-cpu/MRPC/dev.tsv")).subList(1, 11)) {
            String[] columns = line.split("\t");
            sentences.add(columns[3]);
        }
        WordPieceTokenizer tokenizer = new WordPieceTokenizer(MiniLm.vocabulary());
        SpecialTokens special = SpecialTokens.of(tokenizer.vocabulary());
        List<int[]> texts = sentences.stream().map(tokenizer::encode).toList();

        Denoiser model = new Denoiser(MINILM, 1);
        List<String> initialised = MiniLm.loadInto(model);
        assertTrue(initialised.stream().allMatch(name -> name.startsWith("cls.")), "only the MLM head is new: " + initialised);
        model.eval();
        TokenBatch batch = TokenBatch.plain(texts, special, 128);
        Tensor hidden;
        try (var scope = Autograd.noGrad()) {
            hidden = model.hidden(batch, new float[batch.batch()]).value();
        }

        OrtEnvironment env = OrtEnvironment.getEnvironment();
        double worst = 0;
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(1);
            try (OrtSession session = env.createSession(onnxBytes, options)) {
                for (int b = 0; b < batch.batch(); b++) {
                    int length = batch.lengths()[b];
                    long[][] ids = new long[1][length];
                    long[][] mask = new long[1][length];
                    for (int s = 0; s < length; s++) {
                        ids[0][s] = batch.ids()[batch.start(b) + s];
                        mask[0][s] = 1;
                    }
                    float[][] expected;
                    try (OnnxTensor inputIds = OnnxTensor.createTensor(env, ids);
                         OnnxTensor attention = OnnxTensor.createTensor(env, mask);
                         OnnxTensor types = OnnxTensor.createTensor(env, new long[1][length]);
                         OrtSession.Result result = session.run(Map.of("input_ids", inputIds,
                                 "attention_mask", attention, "token_type_ids", types))) {
                        expected = ((float[][][]) result.get(0).getValue())[0];
                    }
                    double difference = 0;
                    double norm = 0;
                    for (int s = 0; s < length; s++) {
                        for (int d = 0; d < 384; d++) {
                            double e = expected[s][d];
                            double got = hidden.at(batch.start(b) + s, d);
                            difference += (got - e) * (got - e);
                            norm += e * e;
                        }
                    }
                    double relative = Math.sqrt(difference / norm);
                    worst = Math.max(worst, relative);
                    assertTrue(relative <= 1e-4, "sentence " + b + " '" + sentences.get(b) + "': relative error "
                            + relative);
                }
            }
        }
        System.out.printf("MiniLM vs ONNX Runtime, %d sentences: worst relative error %.2e%n", sentences.size(), worst);
        assertTrue(worst > 0, "lodi and ONNX Runtime cannot agree to the last bit; an exact 0 means nothing was compared");
        assertTrue(sentences.size() >= 20);
    }

    @Test
    void truncatedFileIsOneClearError(@TempDir Path dir) throws IOException {
        Path truncated = dir.resolve("truncated.onnx");
        Files.write(truncated, java.util.Arrays.copyOf(onnxBytes, onnxBytes.length / 3));
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> Checkpoints.loadBackbone(new Denoiser(MINILM, 0), truncated));
        assertTrue(error.getMessage().startsWith(truncated + ": not a readable ONNX model"), error.getMessage());
        assertTrue(error.getMessage().contains("truncated"), error.getMessage());
    }

    @Test
    void corruptedFileIsOneClearError(@TempDir Path dir) throws IOException {
        Path corrupted = dir.resolve("corrupted.onnx");
        byte[] bytes = onnxBytes.clone();
        for (int i = 0; i < 64; i++) {
            bytes[i] = (byte) 0xFF;
        }
        Files.write(corrupted, bytes);
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> Checkpoints.loadBackbone(new Denoiser(MINILM, 0), corrupted));
        assertTrue(error.getMessage().startsWith(corrupted + ": not a readable ONNX model"), error.getMessage());

        Path text = dir.resolve("text.onnx");
        Files.writeString(text, "this is not an onnx file\n");
        assertThrows(IllegalArgumentException.class, () -> Checkpoints.loadBackbone(new Denoiser(MINILM, 0), text));
    }

    @Test
    void aShapeThatIsNotMiniLmIsNamed() {
        DenoiserConfig wrong = new DenoiserConfig(30522, 384, 4, 12, 1536, 512, 2, 1e-12, 0.1, "gelu", true, false,
                "none", 100);
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> MiniLm.loadInto(new Denoiser(wrong, 0)));
        assertTrue(error.getMessage().contains("num_hidden_layers is 4, the encoder's is 6"), error.getMessage());
        assertFalse(error.getMessage().contains("\n"));
    }
}
