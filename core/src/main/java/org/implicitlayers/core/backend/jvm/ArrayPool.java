package org.implicitlayers.core.backend.jvm;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * Large arrays handed back by released storages, kept by exact length for the next allocation of
 * that length. A training step allocates the same shapes as the step before: taking them from here
 * instead of the heap spares the collector from copying a step's worth of live intermediates (a
 * 4096-point IGR step holds about 80 MB of them, and with a young generation smaller than that
 * every step triggered several collections). At most {@code capacityBytes} are held; beyond that,
 * arrays handed back are left to the collector.
 */
final class ArrayPool {
    private final long capacityBytes;
    private final Map<Integer, ArrayDeque<float[]>> floats = new HashMap<>();
    private final Map<Integer, ArrayDeque<double[]>> doubles = new HashMap<>();
    private long heldBytes;

    ArrayPool(long capacityBytes) {
        this.capacityBytes = capacityBytes;
    }

    synchronized float[] takeFloats(int length) {
        ArrayDeque<float[]> q = floats.get(length);
        float[] a = q == null ? null : q.pollLast();
        if (a != null) {
            heldBytes -= 4L * length;
        }
        return a;
    }

    synchronized double[] takeDoubles(int length) {
        ArrayDeque<double[]> q = doubles.get(length);
        double[] a = q == null ? null : q.pollLast();
        if (a != null) {
            heldBytes -= 8L * length;
        }
        return a;
    }

    synchronized void give(float[] a) {
        if (heldBytes + 4L * a.length <= capacityBytes) {
            floats.computeIfAbsent(a.length, k -> new ArrayDeque<>()).addLast(a);
            heldBytes += 4L * a.length;
        }
    }

    synchronized void give(double[] a) {
        if (heldBytes + 8L * a.length <= capacityBytes) {
            doubles.computeIfAbsent(a.length, k -> new ArrayDeque<>()).addLast(a);
            heldBytes += 8L * a.length;
        }
    }

    /** Bytes held for reuse now. */
    synchronized long heldBytes() {
        return heldBytes;
    }

    /**
     * The calling thread's scratch array from {@code perThread}, replaced by a larger one when it
     * holds fewer than {@code length} floats (its contents are then not kept).
     */
    static float[] scratch(ThreadLocal<float[]> perThread, int length) {
        float[] a = perThread.get();
        if (a.length < length) {
            a = new float[length];
            perThread.set(a);
        }
        return a;
    }

    /** Drops every held array. */
    synchronized void clear() {
        floats.clear();
        doubles.clear();
        heldBytes = 0;
    }
}
