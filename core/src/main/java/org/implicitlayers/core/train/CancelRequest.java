package org.implicitlayers.core.train;

import java.util.function.Consumer;

/**
 * A request to stop a training run that may come before the run's {@link Trainer} exists: an
 * interrupt handler or a Cancel button calls {@link #cancel()} from any thread, and the code that
 * builds the trainer hands it over with {@link #accept} just before running it. A trainer accepted
 * after the request is cancelled at once and takes no step; one accepted before stops after its
 * current step (writing its checkpoint first).
 */
public final class CancelRequest implements Consumer<Trainer> {
    private volatile Trainer trainer;
    private volatile boolean requested;

    /** Asks the run to stop (idempotent). */
    public void cancel() {
        requested = true;
        Trainer t = trainer;
        if (t != null) {
            t.cancel();
        }
    }

    /** Whether {@link #cancel()} was called. */
    public boolean requested() {
        return requested;
    }

    /** The trainer about to run: cancelled now if the request came first. */
    @Override
    public void accept(Trainer t) {
        trainer = t;
        if (requested) {
            t.cancel();
        }
    }
}
