package org.implicitlayers.ode.solver;

/**
 * Chooses the next step of an adaptive method from the error ratio of the step just tried (the RMS
 * norm of the embedded error estimate over {@code atol + rtol |y|}; the step is accepted when it is
 * {@code <= 1}). {@link PiController} is the one the solvers use by default.
 */
public interface StepSizeController {
    /**
     * The ratio of the next step to this one.
     *
     * @param err this step's error ratio; accepted when {@code <= 1}, NaN when the trial step was
     *     not finite
     * @param errPrevious the error ratio of the last accepted step (1e-4 before the first)
     * @param errorOrder the order q of the error estimate
     * @return a positive ratio; below 1 after a rejected step (err &gt; 1 or NaN)
     */
    double factor(double err, double errPrevious, int errorOrder);
}
