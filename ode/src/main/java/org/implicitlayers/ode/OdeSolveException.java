package org.implicitlayers.ode;

/**
 * An ODE solve that could not finish: the step size underflowed, the state or its derivative became
 * NaN or infinite, the step budget ran out, or an implicit stage's Newton iteration failed. The
 * message says where (time, step, state component) and what to try next; the accessors give the
 * same facts to programs.
 */
public final class OdeSolveException extends RuntimeException {
    /** Why the solve stopped. */
    public enum Kind {
        STEP_SIZE_UNDERFLOW,
        NON_FINITE,
        MAX_STEPS,
        NEWTON_FAILURE
    }

    private final Kind kind;
    private final double time;
    private final int component;

    public OdeSolveException(Kind kind, double time, int component, String message) {
        super(message);
        this.kind = kind;
        this.time = time;
        this.component = component;
    }

    public Kind kind() {
        return kind;
    }

    /** The time the solve had reached. */
    public double time() {
        return time;
    }

    /** The flat index of the state component concerned, or -1. */
    public int component() {
        return component;
    }
}
