package lodi.tensor;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.lang.management.ManagementFactory;

/**
 * Where a fresh {@code float[]} crosses cache lines. A 64-byte vector load that straddles two lines costs two L1
 * accesses, and twice the line fills when it misses; the GEMM micro-kernel reads its packed B panel with such
 * loads, and measured 12–17% faster with the panel aligned (docs/PERFORMANCE.md, "Aligned B panels").
 *
 * <p>The JVM places objects on {@code ObjectAlignmentInBytes} boundaries (8 by default), so where element 0 of an
 * array falls within its line is unknown. With {@code -XX:ObjectAlignmentInBytes=64}, which the launcher, the
 * tests and the benchmarks pass, every array starts on a line and element {@link #FIRST_ALIGNED_FLOAT} is the
 * first to start one. Without it the offset is 0 and buffers are used as before: only speed depends on this,
 * never a result.
 */
final class Alignment {
    static final int LINE_BYTES = 64;
    /** Index of the first element of any {@code float[]} that starts a 64-byte line, or 0 when unknown. */
    static final int FIRST_ALIGNED_FLOAT = firstAlignedFloat();

    private Alignment() {
    }

    private static int firstAlignedFloat() {
        try {
            var vm = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
            int objectAlignment = Integer.parseInt(vm.getVMOption("ObjectAlignmentInBytes").getValue());
            if (objectAlignment % LINE_BYTES != 0) {
                return 0;
            }
            // The array header's size depends on the JVM's object layout (16 bytes usually, 12 with compact object
            // headers); this deprecated constant is the one public place that states it. Read reflectively so that
            // its removal costs speed, not compilation.
            int base = Class.forName("sun.misc.Unsafe").getField("ARRAY_FLOAT_BASE_OFFSET").getInt(null);
            return (LINE_BYTES - base % LINE_BYTES) % LINE_BYTES / Float.BYTES;
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            return 0;
        }
    }
}
