package lodi.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

class AlignmentTest {
    private static int objectAlignment() {
        var vm = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
        return Integer.parseInt(vm.getVMOption("ObjectAlignmentInBytes").getValue());
    }

    private static boolean compactHeaders() {
        var vm = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
        return Boolean.parseBoolean(vm.getVMOption("UseCompactObjectHeaders").getValue());
    }

    @Test
    void theBuildRunsTestsWithLineAlignedObjects() {
        assertEquals(64, objectAlignment(), "pom.xml's lodi.jvm.args should pass -XX:ObjectAlignmentInBytes=64");
    }

    @Test
    void firstAlignedFloatSkipsTheArrayHeaderToTheNextLine() {
        assumeTrue(objectAlignment() % Alignment.LINE_BYTES == 0,
                "needs -XX:ObjectAlignmentInBytes=64 (the build passes it); without it the offset is 0 by design");
        // A float[]'s elements start after a 16-byte header, or 12 bytes with compact object headers.
        int header = compactHeaders() ? 12 : 16;
        int index = Alignment.FIRST_ALIGNED_FLOAT;
        assertTrue(index > 0 && index < Alignment.LINE_BYTES / Float.BYTES, "index " + index);
        assertEquals(0, (header + Float.BYTES * index) % Alignment.LINE_BYTES, "index " + index);
    }
}
