package org.implicitlayers.implicit.convergence;

/** A solve that did not meet its tolerance, with its last state. */
public class NotConvergedException extends RuntimeException {
    private final transient Solution solution;

    public NotConvergedException(String message, Solution solution) {
        super(message);
        this.solution = solution;
    }

    public Solution solution() {
        return solution;
    }
}
