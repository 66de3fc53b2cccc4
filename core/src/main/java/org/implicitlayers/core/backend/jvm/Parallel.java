package org.implicitlayers.core.backend.jvm;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.RecursiveAction;

/**
 * Splits a range of work items across the JVM backend's threads. The calling thread runs the
 * first chunk itself, so {@code threads = 1} never touches the pool. Work smaller than
 * {@code 2 * grain} items runs on the caller: below that, waking a worker costs more than it saves.
 */
final class Parallel {
    interface RangeBody {
        void run(int from, int to);
    }

    private static volatile int threads = Math.max(1, Runtime.getRuntime().availableProcessors());
    private static volatile ForkJoinPool pool;

    private Parallel() {
    }

    static int threads() {
        return threads;
    }

    static synchronized void setThreads(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + n);
        }
        threads = n;
        ForkJoinPool old = pool;
        pool = null;
        if (old != null) {
            old.shutdown();
        }
    }

    private static ForkJoinPool pool() {
        ForkJoinPool p = pool;
        if (p == null) {
            synchronized (Parallel.class) {
                p = pool;
                if (p == null) {
                    p = new ForkJoinPool(Math.max(1, threads - 1), pool -> {
                        var t = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(pool);
                        t.setDaemon(true);
                        t.setName("implicit-layers-kernel-" + t.getPoolIndex());
                        return t;
                    }, null, false);
                    pool = p;
                }
            }
        }
        return p;
    }

    /**
     * Runs {@code body} over [0, n) in at most {@link #threads()} contiguous chunks whose
     * boundaries are multiples of {@code align} (except the last).
     */
    static void range(int n, int grain, int align, RangeBody body) {
        int t = threads;
        if (t <= 1 || n < 2 * grain || ForkJoinTask.inForkJoinPool()) {
            body.run(0, n);
            return;
        }
        int chunks = Math.min(t, n / grain);
        int per = (n + chunks - 1) / chunks;
        per = (per + align - 1) / align * align;
        ForkJoinPool p = pool();
        ForkJoinTask<?>[] tasks = new ForkJoinTask<?>[chunks];
        int started = 0;
        for (int c = 1; c < chunks; c++) {
            final int from = c * per;
            final int to = Math.min(n, from + per);
            if (from >= to) {
                break;
            }
            tasks[c] = p.submit(new RecursiveAction() {
                @Override
                protected void compute() {
                    body.run(from, to);
                }
            });
            started = c;
        }
        try {
            body.run(0, Math.min(n, per));
        } finally {
            for (int c = 1; c <= started; c++) {
                tasks[c].join();
            }
        }
    }
}
