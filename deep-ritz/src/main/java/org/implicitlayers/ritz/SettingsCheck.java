package org.implicitlayers.ritz;

import java.util.Locale;
import org.implicitlayers.core.DType;
import org.implicitlayers.core.Grad;
import org.implicitlayers.core.Tensor;
import org.implicitlayers.ritz.domain.Ball;
import org.implicitlayers.ritz.domain.Box;
import org.implicitlayers.ritz.domain.Domain;
import org.implicitlayers.ritz.problem.BoundaryCondition;
import org.implicitlayers.ritz.problem.PoissonProblem;
import org.implicitlayers.ritz.problem.Problem;
import org.implicitlayers.ritz.problem.ScalarField;
import org.implicitlayers.ritz.sampling.PointSource;

/**
 * Settings that would make the first training step overflow, refused before training with a message
 * that names the problem-file field. The losses square the data and the network's derivatives, so a
 * value whose square overflows the run's dtype (above about 1.8e19 in float32, 1.3e154 in float64)
 * is out of range; Adam's first step moves every parameter by about the learning rate, and the loss
 * multiplies a few of them (the gradient of a two-layer output squared: four), so a rate above the
 * fourth root of the largest number (1.4e9 in float32, 1.2e77 in float64) overflows at once.
 * Formulas are evaluated where training samples them: 2^14 Sobol points inside the domain and 2^12
 * on its boundary (the check when the file is read takes 64), so that a formula undefined on a thin
 * part of the domain ({@code sqrt(x - 0.001)} on the unit square) is refused naming a point instead
 * of giving a NaN loss a few steps in.
 */
final class SettingsCheck {
    private static final int INSIDE = 1 << 14, ON_BOUNDARY = 1 << 12;

    private SettingsCheck() {}

    /** The largest magnitude whose square the dtype holds. */
    static double valueLimit(DType dtype) {
        return Math.sqrt(dtype == DType.FLOAT64 ? Double.MAX_VALUE : Float.MAX_VALUE);
    }

    /**
     * The largest learning rate whose first Adam step does not overflow the loss (see the class
     * comment).
     */
    static double lrLimit(DType dtype) {
        return Math.sqrt(valueLimit(dtype));
    }

    private static String range(DType dtype) {
        return dtype == DType.FLOAT64
                ? "float64 (squares above 1.8e308 overflow)"
                : "float32 (squares above 3.4e38 overflow)";
    }

    /**
     * @throws IllegalArgumentException naming the field, the value and what was expected
     */
    static void require(Problem problem, RitzOptions o) {
        DType dtype = o.run().dtype();
        double limit = valueLimit(dtype);
        double lr = o.optimizer().lr();
        if (o.optimizer().kind() == RitzOptions.OptimizerKind.ADAM && lr > lrLimit(dtype)) {
            throw new IllegalArgumentException(
                    String.format(
                            Locale.ROOT,
                            "optimizer.lr: %.3g makes Adam's first step move every parameter by"
                                    + " about that much, and the loss overflows %s at once: expected at most %.2g (rates above 1 rarely train at all)",
                            lr,
                            range(dtype),
                            lrLimit(dtype)));
        }
        Domain d = problem.domain();
        double extent = 0;
        for (int k = 0; k < d.dim(); k++) {
            extent = Math.max(extent, Math.max(Math.abs(d.lower()[k]), Math.abs(d.upper()[k])));
        }
        if (!(extent <= limit) || !Double.isFinite(d.measure())) {
            String field =
                    d instanceof Ball b
                            ? (b.radius() > limit || !Double.isFinite(b.radius())
                                    ? "domain.radius"
                                    : "domain.center")
                            : d instanceof Box ? "domain.lo / domain.hi" : "domain";
            throw new IllegalArgumentException(
                    String.format(
                            Locale.ROOT,
                            "%s: the domain reaches %.3g from the origin%s, beyond what the"
                                    + " network's inputs and the loss hold in %s: expected coordinates of at most %.2g (rescale the problem)",
                            field,
                            extent,
                            Double.isFinite(d.measure())
                                    ? ""
                                    : " and its measure is " + d.measure(),
                            range(dtype),
                            limit));
        }
        if (!(problem instanceof PoissonProblem p)) {
            return;
        }
        Tensor inside, boundary;
        try (Grad.Scope off = Grad.noGrad()) {
            inside = d.sampleInterior(INSIDE, PointSource.sobol(d.dim() + 1), DType.FLOAT64);
            boundary =
                    d.sampleBoundary(ON_BOUNDARY, PointSource.sobol(d.dim() + 1), DType.FLOAT64)
                            .points();
            field(p.a(), "pde.a", inside, "inside the domain", dtype);
            field(p.c(), "pde.c", inside, "inside the domain", dtype);
            field(p.f(), "pde.f", inside, "inside the domain", dtype);
            for (int i = 0; i < p.boundary().size(); i++) {
                BoundaryCondition bc = p.boundary().get(i);
                field(bc.g(), "boundary[" + i + "].g", boundary, "on the boundary", dtype);
                field(bc.alpha(), "boundary[" + i + "].alpha", boundary, "on the boundary", dtype);
            }
            field(p.exact(), "exact", inside, "inside the domain", dtype);
        }
    }

    private static void field(ScalarField f, String name, Tensor x, String where, DType dtype) {
        if (f == null) {
            return;
        }
        double[] v = f.at(x).toDoubleArray();
        double limit = valueLimit(dtype);
        for (int i = 0; i < v.length; i++) {
            if (!Double.isFinite(v[i]) || Math.abs(v[i]) > limit) {
                double[] pts = x.toDoubleArray();
                int dim = x.shape(1);
                StringBuilder at = new StringBuilder("(");
                for (int k = 0; k < dim; k++) {
                    at.append(k > 0 ? ", " : "")
                            .append(String.format(Locale.ROOT, "%.4g", pts[i * dim + k]));
                }
                at.append(')');
                if (!Double.isFinite(v[i])) {
                    throw new IllegalArgumentException(
                            name
                                    + ": formula '"
                                    + f
                                    + "' is "
                                    + v[i]
                                    + " at x = "
                                    + at
                                    + " "
                                    + where
                                    + ", where training samples it: expected finite values everywhere in the domain and on its boundary");
                }
                throw new IllegalArgumentException(
                        String.format(
                                Locale.ROOT,
                                "%s: formula '%s' reaches %.3g at x = %s %s, beyond what the loss"
                                        + " holds in %s: expected values of at most %.2g (use \"dtype\": \"float64\", or rescale the problem)",
                                name,
                                f,
                                v[i],
                                at,
                                where,
                                range(dtype),
                                limit));
            }
        }
    }
}
