package org.implicitlayers.core.backend.jvm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/** Shares cut into pieces: every item once, aligned boundaries, and a slow thread taken over. */
class ParallelPiecesTest {
    @Property(tries = 200)
    void everyItemIsRunExactlyOnceInAlignedCalls(
            @ForAll @IntRange(min = 0, max = 5000) int n,
            @ForAll @IntRange(min = 1, max = 300) int grain,
            @ForAll @IntRange(min = 1, max = 8) int align,
            @ForAll @IntRange(min = 1, max = 4) int threads) {
        int before = Parallel.threads();
        try {
            Parallel.setThreads(threads);
            AtomicIntegerArray seen = new AtomicIntegerArray(n);
            Parallel.range(
                    n,
                    grain,
                    align,
                    (from, to) -> {
                        assertTrue(from < to || n == 0, "empty call " + from + ".." + to);
                        assertEquals(0, from % align, "piece start " + from + " not aligned");
                        assertTrue(to % align == 0 || to == n, "piece end " + to + " not aligned");
                        for (int i = from; i < to; i++) {
                            seen.incrementAndGet(i);
                        }
                    });
            for (int i = 0; i < n; i++) {
                assertEquals(1, seen.get(i), "item " + i + " of " + n);
            }
        } finally {
            Parallel.setThreads(before);
        }
    }

    /**
     * A worker that stalls in its first piece keeps only that piece: the caller runs the rest of
     * the worker's share. With one share per thread the caller waited for the whole of it.
     */
    @Test
    void theFasterThreadTakesOverWhatASlowOneHasNotStarted() {
        int before = Parallel.threads();
        try {
            Parallel.setThreads(2);
            int n = 8000;
            AtomicInteger byWorkers = new AtomicInteger();
            AtomicIntegerArray seen = new AtomicIntegerArray(n);
            Parallel.range(
                    n,
                    100,
                    1,
                    (from, to) -> {
                        if (Thread.currentThread().getName().startsWith("implicit-layers-kernel")) {
                            byWorkers.addAndGet(to - from);
                            try {
                                Thread.sleep(200);
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                        }
                        for (int i = from; i < to; i++) {
                            seen.incrementAndGet(i);
                        }
                    });
            for (int i = 0; i < n; i++) {
                assertEquals(1, seen.get(i), "item " + i);
            }
            assertTrue(
                    byWorkers.get() <= n / 2 / 4,
                    "the stalled worker ran " + byWorkers.get() + " items, more than one piece");
        } finally {
            Parallel.setThreads(before);
        }
    }

    @Test
    void aFailureInAnyPieceReachesTheCaller() {
        int before = Parallel.threads();
        try {
            Parallel.setThreads(3);
            IllegalArgumentException boom = new IllegalArgumentException("piece failed");
            IllegalArgumentException got =
                    assertThrows(
                            IllegalArgumentException.class,
                            () ->
                                    Parallel.range(
                                            9000,
                                            100,
                                            1,
                                            (from, to) -> {
                                                if (from <= 8999 && 8999 < to) {
                                                    throw boom;
                                                }
                                            }));
            assertSame(boom, got);
            AtomicInteger runs = new AtomicInteger();
            Parallel.range(9000, 100, 1, (from, to) -> runs.addAndGet(to - from));
            assertEquals(9000, runs.get(), "the pool works after a failure");
        } finally {
            Parallel.setThreads(before);
        }
    }
}
