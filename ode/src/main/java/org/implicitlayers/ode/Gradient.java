package org.implicitlayers.ode;

/** How an ODE solve is differentiated. */
public enum Gradient {
    /**
     * Backpropagation through the solver's operations (the discrete gradient of the computed
     * solution). Memory grows with the number of steps: the tape holds every stage.
     */
    DIRECT,
    /**
     * The continuous adjoint: the state, its adjoint and the parameter gradients integrated
     * backwards in time as one augmented system, with its own method and tolerances, the adjoint
     * jumping at each output time (Pontryagin; Chen et al. 2018). The tape holds one node.
     * Accurate to the tolerances; the state integrated backwards can drift on unstable dynamics
     * (it is reset to the forward values at each output time).
     */
    ADJOINT,
    /**
     * The forward pass keeps each accepted step's start state (not its tape); the backward pass
     * replays one step at a time on the tape and backpropagates through it. Equal to
     * {@link #DIRECT} to rounding, memory of one step's tape plus one state per step, and the
     * state is never integrated backwards.
     */
    CHECKPOINTED
}
