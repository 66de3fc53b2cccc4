package org.implicitlayers.core.train;

/** A NaN or Inf loss or gradient: training stopped; the last good checkpoint is untouched. */
public final class TrainingDivergedException extends RuntimeException {
    private final long step;

    /** A divergence at {@code step}, described by {@code message}. */
    public TrainingDivergedException(long step, String message) {
        super(message);
        this.step = step;
    }

    /** The step at which the non-finite value appeared. */
    public long step() {
        return step;
    }
}
