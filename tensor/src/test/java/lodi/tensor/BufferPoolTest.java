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
    void aSomewhatLongerRequestFitsTheNewArray() {
        assumeTrue(reusing(), "LODI_BUFFERS=off");
        BufferPool pool = new BufferPool();
        float[] first;
        try (BufferPool.Scope scope = pool.open()) {
            first = Tensor.zeros(1000, 10).data();
            assertEquals(BufferPool.newArrayLength(10_000), first.length);
        }
        try (BufferPool.Scope scope = pool.open()) {
            Tensor longer = Tensor.zeros(1200, 10);
            assertSame(first, longer.data());
            assertEquals(12_000, longer.size());
        }
        try (BufferPool.Scope scope = pool.open()) {
            // twice the length does not fit: a new array
            assertNotSame(first, Tensor.zeros(2000, 10).data());
        }
    }

    @Test
    void aShorterRequestTakesAnArrayAtMostTwiceItsLength() {
        assumeTrue(reusing(), "LODI_BUFFERS=off");
        BufferPool pool = new BufferPool();
        float[] first;
        try (BufferPool.Scope scope = pool.open()) {
            first = Tensor.zeros(10_000).data();
        }
        try (BufferPool.Scope scope = pool.open()) {
            Tensor shorter = Tensor.zeros(first.length / 2);
            assertSame(first, shorter.data(), "a batch half as long reuses the long batch's array");
            assertEquals(first.length / 2, shorter.size());
        }
        try (BufferPool.Scope scope = pool.open()) {
            assertNotSame(first, Tensor.zeros(first.length / 2 - 1).data(), "under half its length: a new array");
        }
    }

    @Test
    void newArraysHaveAQuarterMoreRoundedWithinAnEighth() {
        for (int length : new int[] {1, 7, 8, 9, 4095, 4096, 4097, 10_000, 123_457, 1 << 24}) {
            long wanted = length + length / 4;
            int made = BufferPool.newArrayLength(length);
            assertTrue(made >= wanted && made <= wanted + Math.max(1, wanted / 8), length + " -> " + made);
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
    void thePoolKeepsAtMostTwiceTheLargestRecentStep() {
        assumeTrue(reusing(), "LODI_BUFFERS=off");
        BufferPool pool = new BufferPool();
        // steps whose sizes keep missing the free arrays (each three times the last) must not pile arrays up
        long largest = 0;
        for (int length = 10_000; length <= 2_430_000; length *= 3) {
            try (BufferPool.Scope scope = pool.open()) {
                Tensor.zeros(length);
            }
            largest = BufferPool.newArrayLength(length);
            assertTrue(pool.pooledFloats() <= 2 * largest, length + ": " + pool.pooledFloats());
        }
        assertTrue(pool.pooledFloats() >= largest, "the longest step's array stays");
        // a run of short steps keeps the long array for the next long batch
        for (int step = 0; step < 10; step++) {
            try (BufferPool.Scope scope = pool.open()) {
                Tensor.zeros(10_000);
            }
        }
        assertTrue(pool.pooledFloats() >= largest, "kept after short steps: " + pool.pooledFloats());
        for (int step = 0; step < 64; step++) {
            pool.open().close();
        }
        assertEquals(0, pool.pooledFloats(), "64 steps that took nothing leave nothing");
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
