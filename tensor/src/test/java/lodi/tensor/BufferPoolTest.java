package lodi.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.Test;

class BufferPoolTest {
    private static boolean reusing() {
        String mode = System.getenv("LODI_BUFFERS");
        return !"off".equalsIgnoreCase(mode == null ? "" : mode);
    }

    @Test
    void theNextScopeReusesAnArrayZeroed() {
        assumeTrue(reusing(), "LODI_BUFFERS=off");
        BufferPool pool = new BufferPool();
        Tensor first;
        try (BufferPool.Scope scope = pool.open()) {
            first = Tensor.zeros(100, 50);
            java.util.Arrays.fill(first.data(), 3f);
        }
        try (BufferPool.Scope scope = pool.open()) {
            Tensor second = Tensor.zeros(100, 50);
            assertSame(first.data(), second.data());
            for (int i = 0; i < second.size(); i++) {
                assertEquals(0f, second.get(i), "element " + i);
            }
            // a second tensor of the same size in the same scope gets an array of its own
            assertNotSame(second.data(), Tensor.zeros(100, 50).data());
        }
    }

    @Test
    void aSlightlyLongerRequestFitsTheRoundedArray() {
        assumeTrue(reusing(), "LODI_BUFFERS=off");
        BufferPool pool = new BufferPool();
        float[] first;
        try (BufferPool.Scope scope = pool.open()) {
            first = Tensor.zeros(1000, 10).data();
            assertEquals(BufferPool.roundedUp(10_000), first.length);
        }
        try (BufferPool.Scope scope = pool.open()) {
            Tensor longer = Tensor.zeros(1010, 10);
            assertSame(first, longer.data());
            assertEquals(10_100, longer.size());
        }
        try (BufferPool.Scope scope = pool.open()) {
            // twice the length does not fit: a new array
            assertNotSame(first, Tensor.zeros(2000, 10).data());
        }
    }

    @Test
    void roundingKeepsWithinAnEighth() {
        for (int length : new int[] {1, 7, 8, 9, 4095, 4096, 4097, 10_000, 123_457, 1 << 24}) {
            int rounded = BufferPool.roundedUp(length);
            assertTrue(rounded >= length && rounded <= length + Math.max(1, length / 8), length + " -> " + rounded);
        }
    }

    @Test
    void outsideAScopeArraysAreFreshAndExact() {
        assertEquals(10_001, Tensor.zeros(10_001).data().length);
        assertEquals(10_001, Tensor.lastingZeros(10_001).data().length);
        assertNotSame(Tensor.zeros(10_001).data(), Tensor.zeros(10_001).data());
    }

    @Test
    void lastingTensorsNeverComeFromThePool() {
        BufferPool pool = new BufferPool();
        try (BufferPool.Scope scope = pool.open()) {
            assertEquals(10_001, Tensor.lastingZeros(10_001).data().length);
        }
        assertEquals(0, pool.pooledFloats());
    }

    @Test
    void thePoolKeepsAtMostAQuarterMoreThanTheLastStepTook() {
        assumeTrue(reusing(), "LODI_BUFFERS=off");
        BufferPool pool = new BufferPool();
        // steps whose sizes keep missing the free arrays (each twice the last) must not pile arrays up
        for (int length = 10_000; length <= 640_000; length *= 2) {
            try (BufferPool.Scope scope = pool.open()) {
                Tensor.zeros(length);
            }
            long lastStep = BufferPool.roundedUp(length);
            assertTrue(pool.pooledFloats() <= lastStep + lastStep / 4, length + ": " + pool.pooledFloats());
        }
        pool.open().close();
        assertEquals(0, pool.pooledFloats(), "a step that took nothing leaves nothing");
    }

    @Test
    void scopesDoNotNest() {
        BufferPool pool = new BufferPool();
        try (BufferPool.Scope scope = pool.open()) {
            assumeTrue(reusing(), "LODI_BUFFERS=off");
            assertThrows(IllegalStateException.class, () -> new BufferPool().open());
        }
    }

    @Test
    void poisonFillsReturnedArraysWithNaN() {
        assumeTrue("poison".equalsIgnoreCase(System.getenv("LODI_BUFFERS")), "only with LODI_BUFFERS=poison");
        BufferPool pool = new BufferPool();
        Tensor kept;
        try (BufferPool.Scope scope = pool.open()) {
            kept = Tensor.zeros(3);
        }
        assertTrue(Float.isNaN(kept.get(0)) && Float.isNaN(kept.get(2)));
    }
}
