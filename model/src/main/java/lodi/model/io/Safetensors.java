package lodi.model.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import lodi.tensor.Tensor;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Reads and writes the safetensors format (HuggingFace): an 8-byte little-endian unsigned header length N,
 * N bytes of UTF-8 JSON, then the tensor bytes. The header maps each tensor name to
 * {@code {"dtype", "shape", "data_offsets": [begin, end]}} (offsets relative to the start of the data) and
 * may hold string metadata under {@code "__metadata__"}. Data is little-endian and row-major.
 *
 * <p>Writing emits F32 tensors in name order, contiguously, with the header padded with spaces to a
 * multiple of 8 bytes so the data is 8-byte aligned. Reading accepts F32, F16 and BF16 and converts to F32.
 * Every format error names the file and, when there is one, the tensor.
 */
public final class Safetensors {
    /** A tensor named twice would silently lose one copy; strict parsing makes that a header error. */
    private static final JsonMapper JSON =
            JsonMapper.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
    private static final String METADATA = "__metadata__";
    /** The header size the reference implementation refuses beyond; a larger one means a corrupt file. */
    private static final long MAX_HEADER_BYTES = 100L << 20;

    private Safetensors() {
    }

    /** Tensors in header order and the string metadata. */
    public record Contents(Map<String, Tensor> tensors, Map<String, String> metadata) {
    }

    /** The element types lodi reads. */
    private enum DType {
        F32(4), F16(2), BF16(2);

        final int bytes;

        DType(int bytes) {
            this.bytes = bytes;
        }
    }

    /**
     * Writes {@code tensors} as F32, with {@code metadata} (may be empty) under "__metadata__", atomically
     * ({@link AtomicFiles}).
     */
    public static void write(Path file, Map<String, Tensor> tensors, Map<String, String> metadata)
            throws IOException {
        if (tensors.containsKey(METADATA)) {
            throw new IllegalArgumentException(file + ": \"" + METADATA + "\" is reserved, not a tensor name");
        }
        Map<String, Tensor> ordered = new TreeMap<>(tensors);
        ObjectNode header = JSON.createObjectNode();
        if (!metadata.isEmpty()) {
            ObjectNode meta = header.putObject(METADATA);
            new TreeMap<>(metadata).forEach(meta::put);
        }
        long offset = 0;
        for (var entry : ordered.entrySet()) {
            Tensor tensor = entry.getValue();
            ObjectNode info = header.putObject(entry.getKey());
            info.put("dtype", DType.F32.name());
            ArrayNode shape = info.putArray("shape");
            Arrays.stream(tensor.shape()).forEach(shape::add);
            long end = offset + 4L * tensor.size();
            info.putArray("data_offsets").add(offset).add(end);
            offset = end;
        }
        byte[] json = JSON.writeValueAsBytes(header);
        int padded = (json.length + 7) / 8 * 8;
        ByteBuffer prefix = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
        prefix.putLong(padded).put(json);
        while (prefix.hasRemaining()) {
            prefix.put((byte) ' ');
        }
        AtomicFiles.write(file, temporary -> {
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                writeFully(channel, prefix.flip());
                ByteBuffer chunk = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
                for (Tensor tensor : ordered.values()) {
                    float[] data = tensor.data();
                    for (int i = tensor.offset(), end = tensor.offset() + tensor.size(); i < end; i++) {
                        if (!chunk.hasRemaining()) {
                            writeFully(channel, chunk.flip());
                            chunk.clear();
                        }
                        chunk.putFloat(data[i]);
                    }
                }
                writeFully(channel, chunk.flip());
            }
        });
    }

    /** Reads every tensor (converted to F32) and the metadata. */
    /**
     * The tensors of a weights file, every value finite: weights with a NaN or an infinity come from a run that
     * diverged or a damaged file, and would evaluate to garbage without a word.
     */
    public static Map<String, Tensor> readWeights(Path file) throws IOException {
        Map<String, Tensor> tensors = read(file).tensors();
        for (var entry : tensors.entrySet()) {
            Tensor tensor = entry.getValue();
            for (int i = 0; i < tensor.size(); i++) {
                float value = tensor.get(i);
                if (!Float.isFinite(value)) {
                    throw new IOException(file + ": tensor \"" + entry.getKey() + "\" holds a non-finite value (" + value
                            + ") at element " + i + "; the weights are damaged or come from a run that diverged:"
                            + " train it again");
                }
            }
        }
        return tensors;
    }

    public static Contents read(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long fileSize = channel.size();
            if (fileSize < 8) {
                throw new IOException(file + ": truncated safetensors file: " + fileSize
                        + " bytes, fewer than the 8-byte header length");
            }
            ByteBuffer lengthBytes = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(channel, lengthBytes, 0, file);
            long headerLength = lengthBytes.flip().getLong();
            if (headerLength < 2 || headerLength > MAX_HEADER_BYTES || headerLength > fileSize - 8) {
                throw new IOException(file + ": bad safetensors header length " + Long.toUnsignedString(headerLength)
                        + " for a file of " + fileSize + " bytes (truncated or not a safetensors file)");
            }
            ByteBuffer headerBytes = ByteBuffer.allocate((int) headerLength);
            readFully(channel, headerBytes, 8, file);
            JsonNode header;
            try {
                header = JSON.readTree(new String(headerBytes.array(), StandardCharsets.UTF_8));
            } catch (JacksonException e) {
                throw new IOException(file + ": safetensors header is not valid JSON: " + e.getOriginalMessage(), e);
            }
            if (header == null || !header.isObject()) {
                throw new IOException(file + ": safetensors header is not a JSON object");
            }
            long dataStart = 8 + headerLength;
            long dataSize = fileSize - dataStart;
            Map<String, String> metadata = new LinkedHashMap<>();
            Map<String, Tensor> tensors = new LinkedHashMap<>();
            for (var entry : header.properties()) {
                if (entry.getKey().equals(METADATA)) {
                    readMetadata(file, entry.getValue(), metadata);
                } else {
                    tensors.put(entry.getKey(),
                            readTensor(file, channel, entry.getKey(), entry.getValue(), dataStart, dataSize));
                }
            }
            return new Contents(tensors, metadata);
        }
    }

    private static void readMetadata(Path file, JsonNode node, Map<String, String> metadata) throws IOException {
        if (!node.isObject()) {
            throw new IOException(file + ": \"" + METADATA + "\" is not a JSON object");
        }
        for (var entry : node.properties()) {
            if (!entry.getValue().isString()) {
                throw new IOException(file + ": metadata \"" + entry.getKey() + "\" is not a string");
            }
            metadata.put(entry.getKey(), entry.getValue().stringValue());
        }
    }

    private static Tensor readTensor(Path file, FileChannel channel, String name, JsonNode info, long dataStart,
            long dataSize) throws IOException {
        String where = file + ": tensor \"" + name + "\": ";
        if (!info.isObject()) {
            throw new IOException(where + "header entry is not a JSON object");
        }
        JsonNode dtypeNode = info.get("dtype");
        if (dtypeNode == null || !dtypeNode.isString()) {
            throw new IOException(where + "missing dtype");
        }
        DType dtype;
        try {
            dtype = DType.valueOf(dtypeNode.stringValue());
        } catch (IllegalArgumentException e) {
            throw new IOException(where + "unknown or unsupported dtype " + dtypeNode.stringValue()
                    + " (lodi reads F32, F16, BF16)");
        }
        int[] shape = readShape(where, info.get("shape"));
        long[] offsets = readOffsets(where, info.get("data_offsets"));
        long elements = 1;
        for (int d : shape) {
            elements *= d;
        }
        if (elements > Integer.MAX_VALUE) {
            throw new IOException(where + "shape " + Arrays.toString(shape) + " is too large");
        }
        long begin = offsets[0];
        long end = offsets[1];
        if (begin > end || end > dataSize) {
            throw new IOException(where + "data_offsets [" + begin + ", " + end + "] out of range of the "
                    + dataSize + " data bytes");
        }
        if (end - begin != elements * dtype.bytes) {
            throw new IOException(where + "data_offsets [" + begin + ", " + end + "] hold " + (end - begin)
                    + " bytes but " + dtype + " shape " + Arrays.toString(shape) + " needs " + elements * dtype.bytes);
        }
        float[] values = new float[(int) elements];
        if (elements > 0) {
            MappedByteBuffer bytes = channel.map(FileChannel.MapMode.READ_ONLY, dataStart + begin, end - begin);
            bytes.order(ByteOrder.LITTLE_ENDIAN);
            switch (dtype) {
                case F32 -> bytes.asFloatBuffer().get(values);
                case F16 -> {
                    for (int i = 0; i < values.length; i++) {
                        values[i] = Float.float16ToFloat(bytes.getShort());
                    }
                }
                case BF16 -> {
                    for (int i = 0; i < values.length; i++) {
                        values[i] = Float.intBitsToFloat((bytes.getShort() & 0xFFFF) << 16);
                    }
                }
            }
        }
        return Tensor.of(values, shape);
    }

    private static int[] readShape(String where, JsonNode node) throws IOException {
        if (node == null || !node.isArray()) {
            throw new IOException(where + "missing shape array");
        }
        int[] shape = new int[node.size()];
        for (int i = 0; i < shape.length; i++) {
            JsonNode d = node.get(i);
            if (!d.isIntegralNumber() || !d.canConvertToInt() || d.intValue() < 0) {
                throw new IOException(where + "bad shape " + node);
            }
            shape[i] = d.intValue();
        }
        return shape;
    }

    private static long[] readOffsets(String where, JsonNode node) throws IOException {
        if (node == null || !node.isArray() || node.size() != 2) {
            throw new IOException(where + "data_offsets must be [begin, end], got " + node);
        }
        long[] offsets = new long[2];
        for (int i = 0; i < 2; i++) {
            JsonNode d = node.get(i);
            if (!d.isIntegralNumber() || !d.canConvertToLong() || d.longValue() < 0) {
                throw new IOException(where + "bad data_offsets " + node);
            }
            offsets[i] = d.longValue();
        }
        return offsets;
    }

    private static void writeFully(FileChannel channel, ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
    }

    private static void readFully(FileChannel channel, ByteBuffer buffer, long position, Path file)
            throws IOException {
        long at = position;
        while (buffer.hasRemaining()) {
            int read = channel.read(buffer, at);
            if (read < 0) {
                throw new IOException(file + ": truncated safetensors file");
            }
            at += read;
        }
    }
}
