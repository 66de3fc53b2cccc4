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

    void forward(int nfe, int acc, int rej) {
        nfeForward += nfe;
        accepted += acc;
        rejected += rej;
    }

    void backward(int nfe, int steps) {
        nfeBackward += nfe;
        stepsBackward += steps;
    }

    /** Evaluations of the dynamics in the forward solve. */
    public int nfeForward() {
        return nfeForward;
    }

    /** Accepted steps of the forward solve. */
    public int acceptedSteps() {
        return accepted;
    }

    /** Rejected steps of the forward solve. */
    public int rejectedSteps() {
        return rejected;
    }

    /** Evaluations of the dynamics (each with its vector-Jacobian product, for the adjoint) in the backward pass. */
    public int nfeBackward() {
        return nfeBackward;
    }

    /** Steps (accepted and rejected) of the backward pass. */
    public int stepsBackward() {
        return stepsBackward;
    }

    @Override
    public String toString() {
        return "nfe " + nfeForward + " forward (" + accepted + " accepted, " + rejected + " rejected steps), " + nfeBackward + " backward";
    }
}
