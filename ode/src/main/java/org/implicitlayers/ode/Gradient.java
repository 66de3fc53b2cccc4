package org.implicitlayers.ode;

import java.util.Locale;
import org.implicitlayers.core.Tensor;

/**
 * How an ODE solve is differentiated; each kind carries its own settings and runs its own forward
 * and backward pass (as diffrax's adjoint classes do):
 *
 * <ul>
 *   <li>{@link Direct}: backpropagation through every operation of the solver;
 *   <li>{@link Adjoint}: the continuous adjoint, integrated backwards in time with its own method
 *       and tolerances;
 *   <li>{@link Checkpointed}: backpropagation through the solver that keeps at most a given number
 *       of states and recomputes the steps between them.
 * </ul>
 *
 * <pre>{@code
 * OdeSolve.Options.defaults().withGradient(Gradient.adjoint().withTolerances(Tolerances.of(1e-6, 1e-8)).withSeminorm(true));
 * OdeSolve.Options.defaults().withGradient(Gradient.checkpointed().withMaxCheckpoints(16));
 * }</pre>
 */
public sealed interface Gradient permits Direct, Adjoint, Checkpointed {
    /** Backpropagation through the solver's operations. */
    static Direct direct() {
        return new Direct();
    }

    /** The continuous adjoint with the forward solve's method and tolerances, no seminorm. */
    static Adjoint adjoint() {
        return Adjoint.defaults();
    }

    /**
     * Checkpointed backpropagation with at most {@value Checkpointed#DEFAULT_MAX_CHECKPOINTS}
     * stored states.
     */
    static Checkpointed checkpointed() {
        return Checkpointed.defaults();
    }

    /**
     * The kind named {@code direct}, {@code adjoint} or {@code checkpointed} (any case), with its
     * default settings.
     *
     * @throws IllegalArgumentException naming the accepted names
     */
    static Gradient byName(String name) {
        return switch (name.trim().toLowerCase(Locale.ROOT)) {
            case "direct" -> direct();
            case "adjoint" -> adjoint();
            case "checkpointed" -> checkpointed();
            default ->
                    throw new IllegalArgumentException(
                            "unknown gradient method '"
                                    + name
                                    + "'; expected direct, adjoint or checkpointed");
        };
    }

    /** The kind's name: {@code direct}, {@code adjoint} or {@code checkpointed}. */
    String name();

    /**
     * Solves from {@code y0} through {@code times} and puts the result on the tape with this kind's
     * backward rule. {@link OdeSolve#solve} calls it; call that instead.
     *
     * @param y0 the initial state
     * @param times the output times, validated
     * @param params the trainable tensors f reads
     * @param o the solve's options (this gradient among them)
     * @param stats receives the forward and, when it runs, the backward counts
     * @return the states at the output times, [T, ...y0.shape]
     */
    Tensor solve(
            Dynamics f,
            Tensor y0,
            double[] times,
            Tensor[] params,
            OdeSolve.Options o,
            SolveStats stats);
}
