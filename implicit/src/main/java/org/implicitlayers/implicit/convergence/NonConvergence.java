package org.implicitlayers.implicit.convergence;

/** What to do when a solver stops at its iteration limit without meeting its tolerance. */
public enum NonConvergence {
    /** Throw {@link NotConvergedException}. */
    RAISE,
    /** Log a warning (SLF4J) and use the last iterate. */
    WARN,
    /** Use the last iterate silently; {@link Solution#converged()} says it did not converge. */
    RETURN_LAST;

    /**
     * The default of every solve and layer ({@code FixedPoints}, {@code Roots}, {@code DeqLayer}):
     * {@link #WARN}. Raising would stop DEQ training, whose solves often reach their cap while it
     * trains; returning silently would hide it. {@code QpLayer} is the exception: it raises by
     * default, since a QP that was not solved gives a point that may violate its constraints.
     */
    public static final NonConvergence DEFAULT = WARN;

    private static final org.slf4j.Logger LOG =
            org.slf4j.LoggerFactory.getLogger(NonConvergence.class);

    /** Applies the policy to a solution of the named solve. */
    public Solution check(String what, Solution s) {
        if (s.converged()) {
            return s;
        }
        String msg =
                what
                        + " did not converge: residual "
                        + s.residual()
                        + " after "
                        + s.evaluations()
                        + " evaluations";
        switch (this) {
            case RAISE:
                throw new NotConvergedException(msg, s);
            case WARN:
                LOG.warn(msg);
                return s;
            default:
                return s;
        }
    }
}
