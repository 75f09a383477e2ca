package lodi.model.io;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * A reader of Protocol Buffers' wire format over one message's bytes: a sequence of fields, each a varint
 * key ({@code field number << 3 | wire type}) and a value (varint, fixed 64-bit, length-delimited bytes or
 * fixed 32-bit). Enough to read ONNX files without a protobuf library; every malformed or truncated field
 * is an {@link IllegalArgumentException} with the byte offset.
 */
final class ProtoReader {
    static final int VARINT = 0;
    static final int FIXED64 = 1;
    static final int LENGTH_DELIMITED = 2;
    static final int FIXED32 = 5;

    private final ByteBuffer bytes;
    private final long base;
    private int wireType;

    /** A reader over {@code bytes} from its position to its limit; {@code base} is its offset in the file. */
    ProtoReader(ByteBuffer bytes, long base) {
        this.bytes = bytes.slice().order(ByteOrder.LITTLE_ENDIAN);
        this.base = base;
    }

    boolean hasMore() {
        return bytes.hasRemaining();
    }

    /** The next field's number; its value must then be read or skipped. */
    int nextField() {
        long key = readVarint();
        wireType = (int) (key & 7);
        int field = (int) (key >>> 3);
        if (field == 0 || (wireType != VARINT && wireType != FIXED64 && wireType != LENGTH_DELIMITED
                && wireType != FIXED32)) {
            throw malformed("a field key " + key + " that is no valid field (number " + field + ", wire type "
                    + wireType + ")");
        }
        return field;
    }

    int wireType() {
        return wireType;
    }

    long readVarint() {
        long value = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (!bytes.hasRemaining()) {
                throw malformed("a varint that runs past the end of its message");
            }
            byte b = bytes.get();
            value |= (long) (b & 0x7F) << shift;
            if (b >= 0) {
                return value;
            }
        }
        throw malformed("a varint longer than 10 bytes");
    }

    /** The length-delimited value as a reader of its own (a nested message or a packed array). */
    ProtoReader readMessage() {
        ByteBuffer value = readBytes();
        return new ProtoReader(value, base + bytes.position() - value.remaining());
    }

    /** The length-delimited value's bytes, without copying. */
    ByteBuffer readBytes() {
        expect(LENGTH_DELIMITED);
        long length = readVarint();
        if (length < 0 || length > bytes.remaining()) {
            throw malformed("a field of " + length + " bytes where only " + bytes.remaining() + " remain (truncated?)");
        }
        ByteBuffer value = bytes.slice(bytes.position(), (int) length).order(ByteOrder.LITTLE_ENDIAN);
        bytes.position(bytes.position() + (int) length);
        return value;
    }

    String readString() {
        ByteBuffer value = readBytes();
        byte[] text = new byte[value.remaining()];
        value.get(text);
        return new String(text, StandardCharsets.UTF_8);
    }

    float readFloat() {
        expect(FIXED32);
        need(4);
        return bytes.getFloat();
    }

    /** Skips the current field's value. */
    void skip() {
        switch (wireType) {
            case VARINT -> readVarint();
            case FIXED64 -> advance(8);
            case LENGTH_DELIMITED -> readBytes();
            case FIXED32 -> advance(4);
            default -> throw new IllegalStateException("wire type " + wireType);
        }
    }

    /** Offset of the reader's next byte in the file, for messages. */
    long offset() {
        return base + bytes.position();
    }

    IllegalArgumentException malformed(String what) {
        return new IllegalArgumentException("malformed protobuf at byte " + offset() + ": " + what);
    }

    private void expect(int type) {
        if (wireType != type) {
            throw malformed("wire type " + wireType + " where " + type + " was expected");
        }
    }

    private void advance(int count) {
        need(count);
        bytes.position(bytes.position() + count);
    }

    private void need(int count) {
        if (bytes.remaining() < count) {
            throw malformed("a value of " + count + " bytes where only " + bytes.remaining() + " remain (truncated?)");
        }
    }
}
