package org.implicitlayers.core.backend.jvm;

import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Splits a range of work items across the JVM backend's threads with little latency.
 *
 * <p>The kernels of a small network last tens of microseconds, so handing work to a parked thread
 * (a futex wake-up, often more than the kernel itself) would make two threads slower than one.
 * Workers therefore spin for a short while after each task, waiting for the next, and park only
 * when none comes; the caller runs the first chunk itself and spins until the others are done.
 * Calls from a worker, or from a second thread while the pool is busy, run on the caller.
 *
 * <p>On a loaded machine a worker may not be scheduled for milliseconds, and a caller waiting for
 * it made two threads about 3x slower than one. So a chunk goes to whoever claims it first: when
 * the caller has finished its own chunk it takes every chunk that no worker has started yet, and
 * waits only for chunks already running, yielding its CPU after a short spin (a preempted worker
 * may be waiting for exactly that CPU). When such waits become frequent, work runs on the caller
 * alone for a while ({@link #recordWait}).
 */
final class Parallel {
    interface RangeBody {
        void run(int from, int to);
    }

    /** How long an idle worker spins before it parks. */
    private static final long SPIN_NANOS = 200_000L;

    /** How long a caller spins for a running chunk before it yields its CPU between checks. */
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
     * chunk, so this changes who computes, never the bits. Called with the lock held.
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

    /**
     * One helper thread: it runs the body published in its slot when {@code posted} moves past
     * {@code done}.
     */
    private static final class Worker extends Thread {
        volatile long posted;
        volatile long done;

        /** The last ticket claimed, by this worker or by the caller that posted it. */
        final java.util.concurrent.atomic.AtomicLong claimed =
                new java.util.concurrent.atomic.AtomicLong();

        volatile boolean parked;
        volatile Throwable failure;
        RangeBody body;
        int from;
        int to;

        Worker(int index) {
            super("implicit-layers-kernel-" + index);
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
                if (claimed.compareAndSet(seen - 1, seen)) {
                    runClaimed(seen);
                }
            }
        }

        /** Runs the chunk of ticket {@code ticket}, which the calling thread has claimed. */
        void runClaimed(long ticket) {
            try {
                body.run(from, to);
            } catch (Throwable t) {
                failure = t;
            }
            done = ticket;
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
     * Runs {@code body} over [0, n) in at most {@link #threads()} contiguous chunks whose
     * boundaries are multiples of {@code align} (except the last). Work smaller than {@code 2 *
     * grain} items runs on the caller.
     */
    static void range(int n, int grain, int align, RangeBody body) {
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
            Worker[] w = ensureWorkers(chunks - 1);
            int used = 0;
            for (int c = 1; c < chunks; c++) {
                int from = c * per, to = Math.min(n, from + per);
                if (from >= to) {
                    break;
                }
                Worker k = w[c - 1];
                k.body = body;
                k.from = from;
                k.to = to;
                k.posted = k.posted + 1;
                if (k.parked) {
                    LockSupport.unpark(k);
                }
                used = c;
            }
            Throwable mine = null;
            long start = System.nanoTime();
            try {
                body.run(0, Math.min(n, per));
            } catch (Throwable e) {
                mine = e;
            }
            long own = System.nanoTime() - start;
            long waitStart = System.nanoTime();
            boolean stolen = false;
            for (int c = 0; c < used; c++) {
                Worker k = w[c];
                long ticket = k.posted;
                if (k.claimed.compareAndSet(ticket - 1, ticket)) {
                    k.runClaimed(
                            ticket); // not started yet: run it here rather than wait for the worker
                    stolen = true;
                }
                long spinUntil = System.nanoTime() + WAIT_SPIN_NANOS;
                while (k.done != ticket) {
                    if (System.nanoTime() < spinUntil) {
                        Thread.onSpinWait();
                    } else {
                        // The worker was preempted mid-chunk: give it this CPU rather than hold it.
                        Thread.yield();
                    }
                }
                Throwable f = k.failure;
                if (f != null) {
                    k.failure = null;
                    if (mine == null) {
                        mine = f;
                    }
                }
            }
            recordWait(stolen, System.nanoTime() - waitStart, own);
            if (mine instanceof RuntimeException) {
                throw (RuntimeException) mine;
            }
            if (mine instanceof Error) {
                throw (Error) mine;
            }
            if (mine != null) {
                throw new IllegalStateException(mine);
            }
        } finally {
            LOCK.unlock();
        }
    }
}
