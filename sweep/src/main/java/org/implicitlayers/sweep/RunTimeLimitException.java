package org.implicitlayers.sweep;

/** A run went past its wall-clock limit; it is recorded as {@link RunStatus#TIME_LIMIT}. */
public final class RunTimeLimitException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public RunTimeLimitException(String message) {
        super(message);
    }
}
