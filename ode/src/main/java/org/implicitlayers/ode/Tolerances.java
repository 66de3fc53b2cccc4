package org.implicitlayers.ode;

import java.util.Arrays;

/**
 * Error tolerances of an adaptive solve: a step is accepted when the RMS norm of its error estimate
 * over {@code atol + rtol |y|} is at most 1. Each is one value for every state component, or one
 * value per component (flat index).
 *
 * @param rtol relative tolerances, each {@code >= 0}
 * @param atol absolute tolerances (in the state's units), each {@code >= 0}
 */
public record Tolerances(double[] rtol, double[] atol) {
    public Tolerances {
        if (rtol == null || atol == null || rtol.length == 0 || atol.length == 0) {
            throw new IllegalArgumentException(
                    "Tolerances: rtol and atol need one value, or one per state component");
        }
        rtol = rtol.clone();
        atol = atol.clone();
        for (double v : rtol) {
            if (!(v >= 0) || Double.isInfinite(v)) {
                throw new IllegalArgumentException(
                        "Tolerances: rtol must be finite and >= 0, got " + v);
            }
        }
        for (double v : atol) {
            if (!(v >= 0) || Double.isInfinite(v)) {
                throw new IllegalArgumentException(
                        "Tolerances: atol must be finite and >= 0, got " + v);
            }
        }
    }

    /** One relative and one absolute tolerance for every component. */
    public static Tolerances of(double rtol, double atol) {
        return new Tolerances(new double[] {rtol}, new double[] {atol});
    }

    @Override
    public double[] rtol() {
        return rtol.clone();
    }

    @Override
    public double[] atol() {
        return atol.clone();
    }

    /**
     * The smallest of each, as scalars (for a system whose state is longer, such as the adjoint's).
     */
    Tolerances tightest() {
        return of(Arrays.stream(rtol).min().orElseThrow(), Arrays.stream(atol).min().orElseThrow());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Tolerances t
                && Arrays.equals(rtol, t.rtol)
                && Arrays.equals(atol, t.atol);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(rtol) + Arrays.hashCode(atol);
    }

    @Override
    public String toString() {
        return "Tolerances[rtol="
                + (rtol.length == 1 ? rtol[0] : Arrays.toString(rtol))
                + ", atol="
                + (atol.length == 1 ? atol[0] : Arrays.toString(atol))
                + "]";
    }
}
