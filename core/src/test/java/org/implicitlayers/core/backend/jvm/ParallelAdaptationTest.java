package org.implicitlayers.core.backend.jvm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.implicitlayers.core.DType;
import org.implicitlayers.core.Rng;
import org.implicitlayers.core.Tensor;
import org.junit.jupiter.api.Test;

/** Kernel threads adapt to a loaded machine without changing a single bit of the results. */
class ParallelAdaptationTest {
    @Test
    void frequentLongWaitsForWorkersSwitchToTheCallerAlone() {
        boolean was = Parallel.adapt;
        Parallel.adapt = true;
        Parallel.resetWindow();
        for (int i = 0; i < 64; i++) {
            Parallel.recordWait(
                    false,
                    i % 2 == 0 ? 5_000_000L : 1_000L,
                    100_000L); // half of the calls waited 5 ms
        }
        assertTrue(Parallel.serialCalls > 0, "serial after contention");
        Parallel.resetWindow();
        for (int i = 0; i < 64; i++) {
            Parallel.recordWait(
                    false,
                    40_000L,
                    2_000_000L); // short waits next to long own chunks: an idle machine
        }
        assertEquals(0, Parallel.serialCalls, "no switch without contention");
        Parallel.resetWindow();
        for (int i = 0; i < 64; i++) {
            Parallel.recordWait(
                    i % 3 == 0,
                    0L,
                    10_000L); // a third of the chunks started late, but none was waited for
        }
        assertEquals(
                0,
                Parallel.serialCalls,
                "a worker late to start a short chunk is the wake-up latency of an idle machine, not contention");
        Parallel.serialCalls = 0;
        Parallel.adapt = was;
    }

    @Test
    void whoComputesNeverChangesTheBits() {
        int before = Parallel.threads();
        try {
            Parallel.setThreads(2);
            Rng rng = Rng.seeded(3);
            Tensor a = Tensor.randn(rng, DType.FLOAT32, 300, 200);
            Tensor b = Tensor.randn(rng, DType.FLOAT32, 200, 150);
            Parallel.serialCalls = 0;
            float[] parallel = a.matmul(b).tanh().sum(1).toFloatArray();
            Parallel.serialCalls = 1_000;
            float[] serial = a.matmul(b).tanh().sum(1).toFloatArray();
            Parallel.serialCalls = 0;
            assertArrayEquals(parallel, serial);
        } finally {
            Parallel.setThreads(before);
        }
    }
}
