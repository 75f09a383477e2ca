package lodi.tensor;

import java.util.Arrays;

/**
 * A dense float32 tensor: a shape over contiguous row-major storage.
 *
 * <p>Storage is a {@code float[]} plus an offset, so {@link #reshape} and {@link #rows} are free views that
 * share it. Kernels work on {@link #data()} from {@link #offset()} directly. Shape mismatches throw
 * {@link IllegalArgumentException} naming both shapes; there is no implicit broadcasting.
 */
public final class Tensor {
    private final float[] data;
    private final int offset;
    private final int[] shape;
    private final int size;

    private Tensor(float[] data, int offset, int[] shape) {
        this.shape = shape.clone();
        this.size = sizeOf(this.shape);
        if (offset < 0 || offset + size > data.length) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " at offset " + offset
                    + " does not fit storage of " + data.length + " floats");
        }
        this.data = data;
        this.offset = offset;
    }

    /**
     * A tensor of zeros; inside a training step its storage comes from the step's {@link BufferPool} and is
     * reused once the step ends.
     */
    public static Tensor zeros(int... shape) {
        return new Tensor(BufferPool.zeros(sizeOf(shape)), 0, shape);
    }

    /**
     * A tensor for a kernel that writes every element before anything reads one (a GEMM with beta = 0, an
     * elementwise forward): like {@link #zeros}, but storage taken from the step's pool is not cleared first, so
     * its contents are undefined (NaN under {@code LODI_BUFFERS=poison}, so a kernel that skips an element fails
     * the tests). Clearing was a tenth of a real step's time.
     */
    public static Tensor uninitialized(int... shape) {
        return new Tensor(BufferPool.uninitialized(sizeOf(shape)), 0, shape);
    }

    /** A tensor of zeros with storage of its own, never reused: for state that outlives a training step. */
    public static Tensor lastingZeros(int... shape) {
        return new Tensor(new float[sizeOf(shape)], 0, shape);
    }

    /** A tensor over {@code data} (not copied) with the given shape; the sizes must agree. */
    public static Tensor of(float[] data, int... shape) {
        if (sizeOf(shape) != data.length) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " holds " + sizeOf(shape)
                    + " values but the data has " + data.length);
        }
        return new Tensor(data, 0, shape);
    }

    /** A tensor of the given shape with every element equal to {@code value}. */
    public static Tensor full(float value, int... shape) {
        float[] data = new float[sizeOf(shape)];
        Arrays.fill(data, value);
        return new Tensor(data, 0, shape);
    }

    /** Backing storage, shared with views; the tensor's elements start at {@link #offset()}. */
    public float[] data() {
        return data;
    }

    public int offset() {
        return offset;
    }

    public int[] shape() {
        return shape.clone();
    }

    public int rank() {
        return shape.length;
    }

    /** Size of dimension {@code i}; negative {@code i} counts from the end. */
    public int dim(int i) {
        return shape[i < 0 ? shape.length + i : i];
    }

    /** Number of elements. */
    public int size() {
        return size;
    }

    /** Product of all dimensions but the last: the number of rows when viewed as a matrix. */
    public int rows() {
        return shape.length == 0 ? 1 : size / Math.max(1, shape[shape.length - 1]) ;
    }

    /** The last dimension. */
    public int cols() {
        return shape.length == 0 ? 1 : shape[shape.length - 1];
    }

    /** A view with a new shape of the same size; one dimension may be -1 and is inferred. */
    public Tensor reshape(int... newShape) {
        int[] resolved = newShape.clone();
        int inferred = -1;
        int known = 1;
        for (int i = 0; i < resolved.length; i++) {
            if (resolved[i] == -1) {
                if (inferred >= 0) {
                    throw new IllegalArgumentException("reshape " + Arrays.toString(shape) + " -> "
                            + Arrays.toString(newShape) + ": only one dimension may be -1");
                }
                inferred = i;
            } else {
                known *= resolved[i];
            }
        }
        if (inferred >= 0 && known != 0) {
            resolved[inferred] = size / known;
        }
        if (sizeOf(resolved) != size) {
            throw new IllegalArgumentException("cannot reshape " + Arrays.toString(shape) + " to "
                    + Arrays.toString(newShape));
        }
        return new Tensor(data, offset, resolved);
    }

    /** A view of rows [from, to) along the first dimension. */
    public Tensor rows(int from, int to) {
        if (shape.length == 0 || from < 0 || to > shape[0] || from > to) {
            throw new IllegalArgumentException("rows [" + from + ", " + to + ") out of range for shape "
                    + Arrays.toString(shape));
        }
        int rowSize = shape[0] == 0 ? 0 : size / shape[0];
        int[] viewShape = shape.clone();
        viewShape[0] = to - from;
        return new Tensor(data, offset + from * rowSize, viewShape);
    }

    /** Element at a flat row-major index. */
    public float get(int flatIndex) {
        return data[offset + flatIndex];
    }

    public void set(int flatIndex, float value) {
        data[offset + flatIndex] = value;
    }

    /** Element at a full multi-index. */
    public float at(int... index) {
        return data[offset + flatIndex(index)];
    }

    /** A fresh copy with its own storage. */
    public Tensor copy() {
        return new Tensor(Arrays.copyOfRange(data, offset, offset + size), 0, shape);
    }

    /** The elements as a new array. */
    public float[] toArray() {
        return Arrays.copyOfRange(data, offset, offset + size);
    }

    /** Sets every element to zero. */
    public void zero() {
        Arrays.fill(data, offset, offset + size, 0f);
    }

    /** Copies {@code source}'s elements into this tensor; the shapes must be equal. */
    public void copyFrom(Tensor source) {
        requireSameShape(this, source);
        System.arraycopy(source.data, source.offset, data, offset, size);
    }

    /** Whether the two tensors have the same shape. */
    public boolean sameShape(Tensor other) {
        return Arrays.equals(shape, other.shape);
    }

    /** Throws {@link IllegalArgumentException} naming both shapes unless they are equal. */
    public static void requireSameShape(Tensor a, Tensor b) {
        if (!a.sameShape(b)) {
            throw new IllegalArgumentException("shape mismatch: " + Arrays.toString(a.shape) + " vs "
                    + Arrays.toString(b.shape));
        }
    }

    /** Throws {@link IllegalArgumentException} unless this tensor has exactly {@code expected} shape. */
    public Tensor requireShape(int... expected) {
        if (!Arrays.equals(shape, expected)) {
            throw new IllegalArgumentException("expected shape " + Arrays.toString(expected) + " but got "
                    + Arrays.toString(shape));
        }
        return this;
    }

    @Override
    public String toString() {
        return "Tensor" + Arrays.toString(shape);
    }

    private int flatIndex(int[] index) {
        if (index.length != shape.length) {
            throw new IllegalArgumentException("index of rank " + index.length + " for shape " + Arrays.toString(shape));
        }
        int flat = 0;
        for (int i = 0; i < shape.length; i++) {
            if (index[i] < 0 || index[i] >= shape[i]) {
                throw new IndexOutOfBoundsException("index " + Arrays.toString(index) + " out of shape "
                        + Arrays.toString(shape));
            }
            flat = flat * shape[i] + index[i];
        }
        return flat;
    }

    private static int sizeOf(int[] shape) {
        long n = 1;
        for (int d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
            }
            n *= d;
        }
        if (n > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " is too large");
        }
        return (int) n;
    }
}
