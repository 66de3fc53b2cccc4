package org.implicitlayers.core.backend.jvm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.implicitlayers.core.Backends;
import org.implicitlayers.core.DType;
import org.implicitlayers.core.MemoryScope;
import org.implicitlayers.core.Tensor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Large arrays of the JVM backend recycled through memory scopes: reuse, zeroing, and refusal after
 * release.
 */
class ArrayPoolTest {
    private static final int N = JvmBackend.POOL_MIN;
    private org.implicitlayers.core.backend.Backend previous;

    @BeforeEach
    void useJvm() {
        previous = Backends.current();
        Backends.setCurrent(Backends.jvm());
    }

    @AfterEach
    void restore() {
        Backends.setCurrent(previous);
    }

    private static Tensor ramp(int n) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = i % 7 - 3;
        }
        return Tensor.of(DType.FLOAT32, v, n);
    }

    @Test
    void aTensorReleasedWithItsScopeRefusesToBeRead() {
        Tensor x = ramp(N);
        Tensor y;
        try (MemoryScope scope = MemoryScope.open()) {
            y = x.mul(2);
        }
        IllegalStateException e = assertThrows(IllegalStateException.class, y::toDoubleArray);
        assertTrue(e.getMessage().contains("MemoryScope"), e.getMessage());
        assertThrows(IllegalStateException.class, () -> y.add(1.0));
    }

    @Test
    void keptAndPersistedTensorsSurviveTheScopeWithTheirValues() {
        Tensor x = ramp(N);
        Tensor kept;
        Tensor persisted;
        try (MemoryScope scope = MemoryScope.open()) {
            kept = x.mul(2);
            persisted = x.add(1.0);
            scope.keep(kept);
            MemoryScope.persist(persisted);
            x.square(); // released at close, and its array reused below
        }
        try (MemoryScope scope = MemoryScope.open()) {
            x.neg(); // takes a recycled array
        }
        double[] xv = x.toDoubleArray(), kv = kept.toDoubleArray(), pv = persisted.toDoubleArray();
        for (int i = 0; i < N; i++) {
            assertEquals(2 * xv[i], kv[i]);
            assertEquals(xv[i] + 1, pv[i]);
        }
    }

    @Test
    void theNextScopeReusesReleasedArraysAndZerosThemWhereAnOpNeedsZeros() {
        JvmBackend be = Backends.jvm();
        Tensor x = ramp(N);
        float[] first;
        try (MemoryScope scope = MemoryScope.open()) {
            first = ((HeapStorage) x.mul(3).storage()).f;
        }
        assertTrue(be.pooledBytes() >= 4L * N, "the released array is held for reuse");
        try (MemoryScope scope = MemoryScope.open()) {
            Tensor y = x.mul(5);
            assertSame(
                    first, ((HeapStorage) y.storage()).f, "an array of the same length is reused");
            y.toDoubleArray();
        }
        try (MemoryScope scope = MemoryScope.open()) {
            // indexAdd accumulates into a zero tensor: a recycled array must come back cleared.
            int[] idx = new int[N];
            for (int i = 0; i < N; i++) {
                idx[i] = N - 1 - i;
            }
            double[] got = x.indexAdd(0, idx, N).toDoubleArray();
            double[] xv = x.toDoubleArray();
            double[] expected = new double[N];
            for (int i = 0; i < N; i++) {
                expected[N - 1 - i] = xv[i];
            }
            assertArrayEquals(expected, got);
            assertArrayEquals(new double[N], Tensor.zeros(DType.FLOAT32, N).toDoubleArray());
        }
    }

    @Test
    void aProductOverAnEmptyInnerDimensionIsZeroInARecycledArray() {
        Tensor x = ramp(N);
        try (MemoryScope scope = MemoryScope.open()) {
            x.add(1.0);
            x.add(2.0);
            x.add(3.0); // three arrays of N non-zero values go back to the pool
        }
        try (MemoryScope scope = MemoryScope.open()) {
            Tensor empty = Tensor.zeros(DType.FLOAT32, N / 256, 0);
            assertArrayEquals(
                    new double[N],
                    empty.matmul(Tensor.zeros(DType.FLOAT32, 0, 256)).toDoubleArray());
        }
    }

    @Test
    void outsideAScopeNothingIsPooledOrReleased() {
        JvmBackend be = Backends.jvm();
        Tensor x = ramp(N);
        long before = be.pooledBytes();
        Tensor y = x.mul(2);
        assertEquals(before, be.pooledBytes());
        assertEquals(-6.0, y.toDoubleArray()[0]);
    }
}
