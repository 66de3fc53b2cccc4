package org.implicitlayers.ode;

/**
 * Counters of one solve: function evaluations and steps forward, and those of the backward pass
 * once it has run (zero before; direct backpropagation evaluates f no further times).
 */
public final class SolveStats {
    private int nfeForward;
    private int accepted;
    private int rejected;
    private int nfeBackward;
    private int stepsBackward;
    private int checkpoints;

    void forward(int nfe, int acc, int rej) {
        nfeForward += nfe;
        accepted += acc;
        rejected += rej;
    }

    void backward(int nfe, int steps) {
        nfeBackward += nfe;
        stepsBackward += steps;
    }

    void checkpoints(int peak) {
        checkpoints = Math.max(checkpoints, peak);
    }

    /** Sums of other solves' counts, read when asked (their backward counts fill in later). */
    private SolveStats[] parts = new SolveStats[0];

    void addAll(SolveStats[] others) {
        parts = others.clone();
    }

    private int sum(java.util.function.ToIntFunction<SolveStats> field, int own) {
        int s = own;
        for (SolveStats p : parts) {
            s += field.applyAsInt(p);
        }
        return s;
    }

    /** Evaluations of the dynamics in the forward solve. */
    public int nfeForward() {
        return sum(SolveStats::nfeForward, nfeForward);
    }

    /** Accepted steps of the forward solve. */
    public int acceptedSteps() {
        return sum(SolveStats::acceptedSteps, accepted);
    }

    /** Rejected steps of the forward solve. */
    public int rejectedSteps() {
        return sum(SolveStats::rejectedSteps, rejected);
    }

    /**
     * Evaluations of the dynamics (each with its vector-Jacobian product, for the adjoint) in the
     * backward pass.
     */
    public int nfeBackward() {
        return sum(SolveStats::nfeBackward, nfeBackward);
    }

    /** Steps (accepted and rejected) of the backward pass. */
    public int stepsBackward() {
        return sum(SolveStats::stepsBackward, stepsBackward);
    }

    /**
     * The most states a {@link Checkpointed} solve held at once, forward or backward (0 for the
     * other gradient kinds); over several solves, the largest.
     */
    public int peakCheckpoints() {
        int s = checkpoints;
        for (SolveStats p : parts) {
            s = Math.max(s, p.peakCheckpoints());
        }
        return s;
    }

    @Override
    public String toString() {
        return "nfe "
                + nfeForward()
                + " forward ("
                + acceptedSteps()
                + " accepted, "
                + rejectedSteps()
                + " rejected steps), "
                + nfeBackward()
                + " backward";
    }
}
