package lodi.model.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import lodi.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsTest {
    @TempDir
    Path dir;

    /** The standard layout: u64 LE header length, the JSON header padded with spaces, the data. */
    static byte[] file(String header, byte[] data) {
        byte[] json = header.getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) / 8 * 8;
        ByteBuffer out = ByteBuffer.allocate(8 + padded + data.length).order(ByteOrder.LITTLE_ENDIAN);
        out.putLong(padded).put(json);
        for (int i = json.length; i < padded; i++) {
            out.put((byte) ' ');
        }
        return out.put(data).array();
    }

    static byte[] floats(float... values) {
        ByteBuffer out = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            out.putFloat(v);
        }
        return out.array();
    }

    static byte[] shorts(int... values) {
        ByteBuffer out = ByteBuffer.allocate(2 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (int v : values) {
            out.putShort((short) v);
        }
        return out.array();
    }

    @Test
    void roundTripIsBitExact() throws IOException {
        SplittableRandom random = new SplittableRandom(3);
        float[] weights = new float[7 * 5];
        for (int i = 0; i < weights.length; i++) {
            weights[i] = (float) random.nextGaussian();
        }
        float[] odd = {Float.intBitsToFloat(0x7FC0_0001), -0f, Float.MIN_VALUE, Float.NEGATIVE_INFINITY, Float.MAX_VALUE};
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        tensors.put("encoder.layer.0.weight", Tensor.of(weights, 7, 5));
        tensors.put("odd", Tensor.of(odd, 5));
        tensors.put("view", Tensor.of(new float[] {9, 9, 1, 2, 3, 4, 9}, 7, 1).rows(2, 6));
        tensors.put("scalar", Tensor.full(2.5f));
        tensors.put("empty", Tensor.zeros(0, 3));
        Path path = dir.resolve("model.safetensors");
        Safetensors.write(path, tensors, Map.of("format", "pt", "lodi", "ü"));
        Safetensors.Contents read = Safetensors.read(path);
        assertEquals(Map.of("format", "pt", "lodi", "ü"), read.metadata());
        assertEquals(tensors.keySet(), read.tensors().keySet());
        for (var entry : tensors.entrySet()) {
            Tensor back = read.tensors().get(entry.getKey());
            assertArrayEquals(entry.getValue().shape(), back.shape(), entry.getKey());
            float[] expected = entry.getValue().toArray();
            for (int i = 0; i < expected.length; i++) {
                assertEquals(Float.floatToRawIntBits(expected[i]), Float.floatToRawIntBits(back.get(i)),
                        entry.getKey() + "[" + i + "]");
            }
        }
        assertEquals(0, (Files.size(path) - 4 * (35 + 5 + 4 + 1)) % 8, "header padded to 8 bytes");
    }

    @Test
    void writesTheStandardLayoutByteForByte() throws IOException {
        Path path = dir.resolve("small.safetensors");
        Safetensors.write(path, Map.of("w", Tensor.of(new float[] {1, -2}, 2), "b", Tensor.of(new float[] {0.5f}, 1, 1)),
                Map.of("format", "pt"));
        String header = "{\"__metadata__\":{\"format\":\"pt\"},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[1,1],\"data_offsets\":[0,4]},"
                + "\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}";
        assertArrayEquals(file(header, floats(0.5f, 1, -2)), Files.readAllBytes(path));
    }

    @Test
    void readsAHandBuiltFileWithHalfPrecisionTensors() throws IOException {
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        data.writeBytes(shorts(0x3C00, 0xC000, 0x3800, 0x7C00));
        data.writeBytes(shorts(0x3F80, 0xC000, 0x4049));
        data.writeBytes(floats(6.25f, -1));
        String header = "{\"h\":{\"dtype\":\"F16\",\"shape\":[2,2],\"data_offsets\":[0,8]},"
                + "\"bf\":{\"dtype\":\"BF16\",\"shape\":[3],\"data_offsets\":[8,14]},"
                + "\"f\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[14,22]},"
                + "\"__metadata__\":{\"source\":\"hand\"}}";
        Path path = dir.resolve("hand.safetensors");
        Files.write(path, file(header, data.toByteArray()));
        Safetensors.Contents read = Safetensors.read(path);
        assertEquals(List.of("h", "bf", "f"), List.copyOf(read.tensors().keySet()));
        assertArrayEquals(new float[] {1, -2, 0.5f, Float.POSITIVE_INFINITY}, read.tensors().get("h").toArray());
        assertArrayEquals(new int[] {2, 2}, read.tensors().get("h").shape());
        assertArrayEquals(new float[] {1, -2, 3.140625f}, read.tensors().get("bf").toArray());
        assertArrayEquals(new float[] {6.25f, -1}, read.tensors().get("f").toArray());
        assertEquals(Map.of("source", "hand"), read.metadata());
    }

    private void assertReadFails(String name, byte[] bytes, String... fragments) throws IOException {
        Path path = dir.resolve(name);
        Files.write(path, bytes);
        IOException e = assertThrows(IOException.class, () -> Safetensors.read(path));
        assertTrue(e.getMessage().contains(path.toString()), e.getMessage());
        for (String fragment : fragments) {
            assertTrue(e.getMessage().contains(fragment), "\"" + fragment + "\" missing from: " + e.getMessage());
        }
    }

    @Test
    void errorsNameTheFileAndTheTensor() throws IOException {
        String good = "{\"t\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}";
        byte[] whole = file(good, floats(1, 2));
        assertReadFails("short.safetensors", new byte[] {1, 2, 3}, "truncated");
        byte[] headerCut = Arrays.copyOf(whole, 20);
        assertReadFails("cut.safetensors", headerCut, "header length");
        assertReadFails("data-cut.safetensors", Arrays.copyOf(whole, whole.length - 4), "tensor \"t\"",
                "out of range");
        assertReadFails("json.safetensors", file("{\"t\": [1,", new byte[0]), "not valid JSON");
        assertReadFails("twice.safetensors", file("{\"t\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                + "\"t\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", floats(1, 2)), "Duplicate", "\"t\"");
        assertReadFails("array.safetensors", file("[1, 2]", new byte[0]), "not a JSON object");
        assertReadFails("range.safetensors",
                file("{\"t\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", floats(1, 2)),
                "tensor \"t\"", "out of range");
        assertReadFails("dtype.safetensors",
                file("{\"q\":{\"dtype\":\"Q4\",\"shape\":[2],\"data_offsets\":[0,8]}}", floats(1, 2)),
                "tensor \"q\"", "dtype Q4");
        assertReadFails("size.safetensors",
                file("{\"t\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", floats(1, 2)),
                "tensor \"t\"", "needs 12");
        assertReadFails("shape.safetensors",
                file("{\"t\":{\"dtype\":\"F32\",\"shape\":[-2],\"data_offsets\":[0,8]}}", floats(1, 2)),
                "tensor \"t\"", "bad shape");
        assertReadFails("meta.safetensors", file("{\"__metadata__\":{\"n\":3}}", new byte[0]), "metadata \"n\"");
    }

    @Test
    void theMetadataKeyIsNotATensorName() {
        assertThrows(IllegalArgumentException.class, () -> Safetensors.write(dir.resolve("x.safetensors"),
                Map.of("__metadata__", Tensor.zeros(1)), Map.of()));
    }
}
