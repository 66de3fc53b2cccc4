package org.implicitlayers.ode.solver;

/**
 * The proportional-integral step-size controller of Hairer's DOPRI5 and DOP853 codes (Gustafsson
 * 1991; Hairer and Wanner, Solving ODEs I, IV.2): after a step with error ratio {@code err} (the
 * RMS norm of the error estimate over {@code atol + rtol |y|}, accepted when {@code <= 1}) the next
 * step is {@code h * safety * err^(-alpha) * errPrevious^beta}, with {@code alpha = 1 / (q + 1) -
 * 0.75 beta} for an estimate of order q, the factor clipped to [{@code minFactor}, {@code
 * maxFactor}]. After a rejection the integral part is left out and the step may not grow.
 *
 * @param safety safety factor, in (0, 1); default 0.9
 * @param beta weight of the previous error (0 gives the plain I controller); default 0.04
 * @param minFactor smallest ratio of successive steps; default 0.2
 * @param maxFactor largest ratio of successive steps; default 10
 */
public record PiController(double safety, double beta, double minFactor, double maxFactor)
        implements StepSizeController {
    public PiController {
        if (!(safety > 0 && safety < 1)
                || !(beta >= 0 && beta < 0.2)
                || !(minFactor > 0 && minFactor < 1)
                || !(maxFactor > 1)) {
            throw new IllegalArgumentException(
                    "PiController: expected 0 < safety < 1, 0 <= beta < 0.2, 0 < minFactor < 1 < maxFactor;"
                            + " got safety "
                            + safety
                            + ", beta "
                            + beta
                            + ", minFactor "
                            + minFactor
                            + ", maxFactor "
                            + maxFactor);
        }
    }

    /** Hairer's defaults: safety 0.9, beta 0.04, factors in [0.2, 10]. */
    public static PiController defaults() {
        return new PiController(0.9, 0.04, 0.2, 10);
    }

    /** A plain integral (I) controller with the same limits, as torchdiffeq uses. */
    public static PiController integral() {
        return new PiController(0.9, 0, 0.2, 10);
    }

    public PiController withSafety(double s) {
        return new PiController(s, beta, minFactor, maxFactor);
    }

    public PiController withBeta(double b) {
        return new PiController(safety, b, minFactor, maxFactor);
    }

    public PiController withMinFactor(double f) {
        return new PiController(safety, beta, f, maxFactor);
    }

    public PiController withMaxFactor(double f) {
        return new PiController(safety, beta, minFactor, f);
    }

    @Override
    public double factor(double err, double errPrevious, int errorOrder) {
        if (!(err > 0)) {
            return Double.isNaN(err) ? minFactor : maxFactor;
        }
        double alpha = 1.0 / (errorOrder + 1) - 0.75 * beta;
        if (err <= 1) {
            double f = safety * Math.pow(err, -alpha) * Math.pow(Math.max(errPrevious, 1e-4), beta);
            return Math.max(minFactor, Math.min(maxFactor, f));
        }
        return Math.max(minFactor, Math.min(1.0, safety * Math.pow(err, -1.0 / (errorOrder + 1))));
    }
}
