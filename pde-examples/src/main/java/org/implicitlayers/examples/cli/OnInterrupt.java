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
    private volatile Runnable cancel;

    OnInterrupt(Runnable cancel) {
        this.cancel = cancel;
        hook =
                new Thread(
                        () -> {
                            interrupted = true;
                            Runnable c = this.cancel;
                            if (c != null) {
                                c.run();
                            }
                            try {
                                finished.await(WAIT_SECONDS, TimeUnit.SECONDS);
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                        },
                        "interrupt-checkpoint");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /**
     * A guard whose work is named later with {@link #cancels} (the work, such as a {@code
     * RunContext}, is opened inside the guard, so that it is closed before the guard lets the JVM
     * exit).
     */
    OnInterrupt() {
        this(null);
    }

    /** What an interrupt stops; when one came already, it is stopped now. */
    void cancels(Runnable action) {
        cancel = action;
        if (interrupted) {
            action.run();
        }
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
