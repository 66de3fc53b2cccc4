package org.implicitlayers.examples.cli;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Ctrl-C (SIGINT) or SIGTERM during a long command: asks the work to stop (the training loop then
 * writes a checkpoint), and lets the JVM exit only once the command has written its outputs and
 * closed this, so that an interrupt loses at most the current step.
 *
 * <pre>{@code
 * try (OnInterrupt interrupt = new OnInterrupt(solver::cancel)) {
 *     ... train, then write every output ...
 * }
 * }</pre>
 */
final class OnInterrupt implements AutoCloseable {
    /** How long the JVM waits at most for the command to finish after an interrupt. */
    static final long WAIT_SECONDS = 120;

    private final CountDownLatch finished = new CountDownLatch(1);
    private final Thread hook;
    private volatile boolean interrupted;

    OnInterrupt(Runnable cancel) {
        hook = new Thread(() -> {
            interrupted = true;
            cancel.run();
            try {
                finished.await(WAIT_SECONDS, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "interrupt-checkpoint");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /** Whether a signal asked the command to stop. */
    boolean interrupted() {
        return interrupted;
    }

    /** The outputs are written: an interrupted JVM may now exit. */
    @Override
    public void close() {
        finished.countDown();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running and has waited for us
        }
    }
}
