package org.implicitlayers.examples.bilevel;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import org.junit.jupiter.api.Test;

/**
 * The implicit hypergradient of the coefficient inversion equals float64 central finite differences
 * of its outer objective.
 */
class HypergradientTest {
    private static final CoefficientInversion.Observations OBS =
            CoefficientInversion.observe(
                    DiffusionFd.solve(
                            64,
                            CoefficientInversion::trueCoefficient,
                            (x, y) -> CoefficientInversion.SOURCE),
                    12,
                    0.01,
                    3);

    @Test
    void implicitGradientMatchesFiniteDifferencesOnTheConvexInstance() {
        GradientCheck.Result r =
                GradientCheck.run(
                        new double[] {0.1, -0.2, 0.3, 0.15},
                        OBS.x(),
                        OBS.y(),
                        OBS.data(),
                        12,
                        1e-3,
                        7);
        assertTrue(
                r.relativeError() < 1e-6,
                "relative error "
                        + r.relativeError()
                        + ": implicit "
                        + Arrays.toString(r.implicit())
                        + ", fd "
                        + Arrays.toString(r.finiteDifference()));
        assertTrue(
                Arrays.stream(r.finiteDifference()).map(Math::abs).max().orElse(0) > 1e-3,
                "a gradient worth checking");
    }

    @Property(tries = 4, seed = "11")
    void implicitGradientMatchesFiniteDifferencesAtRandomCoefficients(
            @ForAll @DoubleRange(min = -0.5, max = 0.5) double t0,
            @ForAll @DoubleRange(min = -0.5, max = 0.5) double t1,
            @ForAll @DoubleRange(min = -0.5, max = 0.5) double t2) {
        GradientCheck.Result r =
                GradientCheck.run(
                        new double[] {t0, t1, t2, -t0}, OBS.x(), OBS.y(), OBS.data(), 12, 0, 5);
        assertTrue(
                r.relativeError() < 1e-6,
                "relative error "
                        + r.relativeError()
                        + ": implicit "
                        + Arrays.toString(r.implicit())
                        + ", fd "
                        + Arrays.toString(r.finiteDifference()));
    }
}
