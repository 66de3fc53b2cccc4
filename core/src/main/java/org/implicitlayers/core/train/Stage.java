package org.implicitlayers.core.train;

import java.util.Map;
import org.implicitlayers.core.Rng;
import org.implicitlayers.core.Tensor;

/**
 * One phase of a training run after the first-order optimiser's (which the {@link Trainer} runs
 * itself): an optimiser-like object with a name, a step, and a state that checkpoints hold, such as
 * L-BFGS on a fixed point set after Adam ({@code Trainer.Builder#then}). A run is a list of stages;
 * the checkpoint records which stage it is in and that stage's state, so a run killed at any moment
 * of any stage resumes to exactly the parameters of an uninterrupted one.
 *
 * <p>The trainer calls, on the training thread: {@link #begin()} once when the stage starts afresh
 * (not when it is resumed, then {@link #restore} instead), {@link #step} for each step until {@link
 * #steps()} are taken or {@link #finished()} says so, and {@link #end()} once when it finishes (not
 * when the run is cancelled in it: a resumed run finishes it).
 */
public interface Stage {
    /** A short name for messages and checkpoints, e.g. {@code "lbfgs"}. */
    String name();

    /** The most steps the stage takes. */
    long steps();

    /**
     * Prepares a fresh start of the stage from the model's current parameters (e.g. evaluates the
     * loss there).
     */
    void begin();

    /**
     * Takes one step, leaving the model's parameters at the new point; returns the loss there (or
     * of the step, for a stochastic optimiser). A non-finite loss ends the run as diverged.
     *
     * @param step the step within this stage, from 1
     * @param rng the run's generator (its state is part of the checkpoint)
     */
    double step(long step, Rng rng);

    /**
     * Whether the stage has finished before {@link #steps()} (converged, or stopped for a reason it
     * reports).
     */
    boolean finished();

    /** Completes the stage (e.g. keeps its result only if it improved on the previous stage's). */
    void end();

    /** The learning rate to report with a step (NaN when the stage has none). */
    default double learningRate() {
        return Double.NaN;
    }

    /**
     * Everything besides the model's parameters and the generator that an exact resume needs (after
     * {@link #begin()}).
     */
    Map<String, Tensor> state();

    /**
     * Restores a state of {@link #state()} in place of {@link #begin()} (the model's parameters are
     * restored already); validated completely first.
     *
     * @throws IllegalArgumentException naming the entry and what was expected (then nothing
     *     changed)
     */
    void restore(Map<String, Tensor> state);
}
