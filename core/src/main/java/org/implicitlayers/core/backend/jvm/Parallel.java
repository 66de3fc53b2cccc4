package org.implicitlayers.core.backend.jvm;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Splits a range of work items across the JVM backend's threads with little latency.
 *
 * <p>The kernels of a small network last tens of microseconds, so handing work to a parked thread
 * (a futex wake-up, often more than the kernel itself) would make two threads slower than one.
 * Workers therefore spin for a short while after each task, waiting for the next, and park only
 * when none comes. Calls from a worker, or from a second thread while the pool is busy, run on the
 * caller.
 *
 * <p>Each thread owns one contiguous share of the range (the caller the first), so that on a quiet
 * machine a thread keeps meeting the rows it wrote before. A share is cut into a few pieces: a
 * thread takes its own pieces from the front and, once they are gone, takes the others' from the
 * back. Threads are not equally fast: a core whose other hardware thread runs another program, a
 * laptop's efficiency core, a worker that started late or was preempted. With one share each, a
 * call lasted as long as its slowest thread; with pieces, the faster thread takes over what the
 * slower one has not started, and waits at most for the pieces already running. When such waits
 * become frequent, work can run on the caller alone for a while ({@link #recordWait}).
 */
final class Parallel {
    interface RangeBody {
        void run(int from, int to);
    }

    /** How long an idle worker spins before it parks. */
    private static final long SPIN_NANOS = 200_000L;

    /** How long a caller spins for a running piece before it yields its CPU between checks. */
    private static final long WAIT_SPIN_NANOS = 20_000L;

    private static final ReentrantLock LOCK = new ReentrantLock();
    private static volatile int threads = Math.max(1, Runtime.getRuntime().availableProcessors());
    private static Worker[] workers = new Worker[0];

    private Parallel() {}

    static int threads() {
        return threads;
    }

    static void setThreads(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + n);
        }
        LOCK.lock();
        try {
            threads = n;
        } finally {
            LOCK.unlock();
        }
    }

    /**
     * Calls of the current window, and those among them in which the caller waited long for a
     * worker.
     */
    private static int windowCalls;

    private static int contendedCalls;

    /** While positive, parallel-sized work runs on the caller alone (counted down per call). */
    static volatile int serialCalls;

    private static final int WINDOW = 64;
    private static final int SERIAL_AFTER_CONTENTION = 4096;

    /**
     * Whether the switch to the caller alone is enabled ({@code -Dimplicit.threads.adapt=true}).
     * Off by default: on an idle machine it still fired now and then and made Deep Ritz steps up to
     * 25% slower; on a loaded machine {@code --threads 1} is the remedy the README gives.
     */
    static volatile boolean adapt = Boolean.getBoolean("implicit.threads.adapt");

    /** Starts a fresh window of calls (tests). */
    static void resetWindow() {
        windowCalls = 0;
        contendedCalls = 0;
        serialCalls = 0;
    }

    /**
     * Adapts to a loaded machine: a wait for workers longer than the caller's own chunk and than 1
     * ms (a preempted worker, not one waking up) means the workers do not get a CPU in time. When a
     * quarter of a window of calls saw that, the next {@value #SERIAL_AFTER_CONTENTION} calls run
     * on the caller alone, then threads are tried again. Each output element is computed within one
     * piece, so this changes who computes, never the bits. Called with the lock held.
     */
    static void recordWait(boolean stolen, long waitNanos, long ownNanos) {
        // A chunk the caller ran itself is not contention: on an idle machine a worker parked
        // between calls often starts after a short caller chunk, and counting that switched the
        // 1024^3 GEMM to one thread (half the GFLOP/s of bench micro). Only long waits for running
        // chunks count: longer than 1 ms, a scheduler time slice rather than the wake-up of a
        // parked worker (waits of 50 us already switched Deep Ritz steps to one thread on an idle
        // machine, 17% slower).
        if (waitNanos > Math.max(1_000_000L, ownNanos)) {
            contendedCalls++;
        }
        if (++windowCalls == WINDOW) {
            if (adapt && contendedCalls * 4 >= WINDOW) {
                serialCalls = SERIAL_AFTER_CONTENTION;
            }
            windowCalls = 0;
            contendedCalls = 0;
        }
    }

    /** Pieces a share is cut into: enough to even out threads of unequal speed. */
    private static final int PIECES = 4;

    /**
     * One call's work: shares of {@code per} items, cut into pieces of {@code piece} items. Each
     * share has a front and a back cursor (in pieces) packed into one long, 8 longs apart so that
     * two threads' claims do not share a cache line: its owner claims from the front, others from
     * the back, until they meet. A fresh job per call: a late worker can only find it exhausted.
     */
    private static final class Job {
        final RangeBody body;
        final int n;
        final int per;
        final int piece;
        final int shares;
        final int total;
        final AtomicLongArray cursors;
        final AtomicInteger done = new AtomicInteger();
        final AtomicReference<Throwable> failure = new AtomicReference<>();

        Job(RangeBody body, int n, int per, int piece) {
            this.body = body;
            this.n = n;
            this.per = per;
            this.piece = piece;
            this.shares = (n + per - 1) / per;
            this.cursors = new AtomicLongArray(8 * shares);
            int sum = 0;
            for (int s = 0; s < shares; s++) {
                int len = Math.min(n, (s + 1) * per) - s * per;
                int pieces = (len + piece - 1) / piece;
                cursors.set(8 * s, pieces);
                sum += pieces;
            }
            this.total = sum;
        }

        /** The next piece of share s from the front, or -1 when none is left. */
        private int fromFront(int s) {
            while (true) {
                long v = cursors.get(8 * s);
                int front = (int) (v >>> 32), back = (int) v;
                if (front >= back) {
                    return -1;
                }
                if (cursors.compareAndSet(8 * s, v, ((long) (front + 1) << 32) | back)) {
                    return front;
                }
            }
        }

        /** The last piece of share s not yet claimed, or -1 when none is left. */
        private int fromBack(int s) {
            while (true) {
                long v = cursors.get(8 * s);
                int front = (int) (v >>> 32), back = (int) v;
                if (front >= back) {
                    return -1;
                }
                if (cursors.compareAndSet(8 * s, v, ((long) front << 32) | (back - 1))) {
                    return back - 1;
                }
            }
        }

        /**
         * Runs the pieces of share {@code own} from the front, then those of the other shares that
         * nobody has started, from the back; whether it ran any of the others'.
         */
        boolean run(int own) {
            for (int p = fromFront(own); p >= 0; p = fromFront(own)) {
                runPiece(own, p);
            }
            boolean took = false;
            for (int d = 1; d < shares; d++) {
                int s = (own + d) % shares;
                for (int p = fromBack(s); p >= 0; p = fromBack(s)) {
                    runPiece(s, p);
                    took = true;
                }
            }
            return took;
        }

        private void runPiece(int s, int p) {
            int from = s * per + p * piece, to = Math.min(Math.min(n, (s + 1) * per), from + piece);
            try {
                body.run(from, to);
            } catch (Throwable t) {
                failure.compareAndSet(null, t);
            }
            done.incrementAndGet();
        }
    }

    /** One helper thread: it works on the job published in its slot when {@code posted} moves. */
    private static final class Worker extends Thread {
        volatile long posted;
        volatile boolean parked;
        volatile Job job;

        /** Worker i owns share i + 1 of every job posted to it (the caller owns share 0). */
        final int share;

        Worker(int index) {
            super("implicit-layers-kernel-" + index);
            this.share = index + 1;
            setDaemon(true);
        }

        @Override
        public void run() {
            long seen = 0;
            while (true) {
                long deadline = System.nanoTime() + SPIN_NANOS;
                while (posted == seen) {
                    if (System.nanoTime() > deadline) {
                        parked = true;
                        if (posted == seen) {
                            LockSupport.park(this);
                        }
                        parked = false;
                        deadline = System.nanoTime() + SPIN_NANOS;
                    } else {
                        Thread.onSpinWait();
                    }
                }
                seen = posted;
                job.run(share);
            }
        }
    }

    private static Worker[] ensureWorkers(int n) {
        if (workers.length < n) {
            Worker[] w = java.util.Arrays.copyOf(workers, n);
            for (int i = workers.length; i < n; i++) {
                w[i] = new Worker(i);
                w[i].start();
            }
            workers = w;
        }
        return workers;
    }

    /**
     * Runs {@code body} over [0, n) in at most {@link #threads()} contiguous shares whose
     * boundaries, like those of their pieces, are multiples of {@code align} (except the last).
     * Work smaller than {@code 2 * grain} items runs on the caller. Every item is in exactly one
     * call of {@code body}; which thread makes it, and where the pieces end, must not change what
     * the body computes.
     */
    static void range(int n, int grain, int align, RangeBody body) {
        range(n, grain, align, PIECES, body);
    }

    /**
     * As {@link #range(int, int, int, RangeBody)} with each share cut into at most {@code pieces}
     * pieces: 1 where each call of the body has a fixed cost worth paying only once per thread.
     */
    static void range(int n, int grain, int align, int pieces, RangeBody body) {
        int t = threads;
        if (t <= 1
                || n < 2 * grain
                || Thread.currentThread() instanceof Worker
                || LOCK.isHeldByCurrentThread()) {
            body.run(0, n);
            return;
        }
        if (serialCalls > 0) {
            serialCalls--; // racy by design: it only chooses who computes, never what
            body.run(0, n);
            return;
        }
        if (!LOCK.tryLock()) {
            body.run(0, n);
            return;
        }
        try {
            int chunks = Math.min(t, n / grain);
            int per = (n + chunks - 1) / chunks;
            per = (per + align - 1) / align * align;
            int piece = (per + pieces - 1) / pieces;
            piece = (piece + align - 1) / align * align;
            Job job = new Job(body, n, per, piece);
            Worker[] w = ensureWorkers(job.shares - 1);
            for (int c = 1; c < job.shares; c++) {
                Worker k = w[c - 1];
                k.job = job;
                k.posted = k.posted + 1;
                if (k.parked) {
                    LockSupport.unpark(k);
                }
            }
            long start = System.nanoTime();
            boolean stolen = job.run(0);
            long own = System.nanoTime() - start;
            long waitStart = System.nanoTime();
            long spinUntil = waitStart + WAIT_SPIN_NANOS;
            while (job.done.get() != job.total) {
                if (System.nanoTime() < spinUntil) {
                    Thread.onSpinWait();
                } else {
                    // A worker was preempted mid-piece: give it this CPU rather than hold it.
                    Thread.yield();
                }
            }
            recordWait(stolen, System.nanoTime() - waitStart, own);
            Throwable f = job.failure.get();
            if (f instanceof RuntimeException) {
                throw (RuntimeException) f;
            }
            if (f instanceof Error) {
                throw (Error) f;
            }
            if (f != null) {
                throw new IllegalStateException(f);
            }
        } finally {
            LOCK.unlock();
        }
    }
}
