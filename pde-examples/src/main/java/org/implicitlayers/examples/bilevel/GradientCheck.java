package org.implicitlayers.examples.bilevel;

import org.implicitlayers.core.DType;
import org.implicitlayers.core.Grad;
import org.implicitlayers.core.Rng;
import org.implicitlayers.core.Tensor;
import org.implicitlayers.core.nn.Linear;
import org.implicitlayers.core.nn.Module;
import org.implicitlayers.implicit.bilevel.Bilevel;
import org.implicitlayers.implicit.bilevel.GradientMode;
import org.implicitlayers.implicit.bilevel.NewtonCg;
import org.implicitlayers.implicit.bilevel.Variables;
import org.implicitlayers.implicit.convergence.NonConvergence;
import org.implicitlayers.implicit.convergence.Solution;
import org.implicitlayers.ritz.domain.Box;
import org.implicitlayers.ritz.loss.Ansatz;
import org.implicitlayers.ritz.loss.TrainingPoints;

/**
 * The implicit hypergradient of the coefficient inversion against float64 central finite
 * differences of the outer objective, on a small instance whose inner problem is solved exactly:
 * the network's hidden layer is a fixed set of random tanh features and only its last layer
 * (weights and bias) is trained, so that the Ritz energy is a strictly convex quadratic in the
 * trained parameters, minimised by Newton's method ({@link NewtonCg}: conjugate gradients on
 * Hessian-vector products to a relative residual of 1e-14, exact to rounding). Everything else is
 * the inversion's own code: the exact-boundary ansatz, the Ritz energy (here on a fixed midpoint
 * grid), {@link LogCoefficient}, the outer misfit with its Tikhonov term, and the implicit
 * hypergradient of {@link Bilevel} (here with no damping, CG to 1e-14).
 */
public final class GradientCheck {
    /** Fixed tanh features of the small instance. */
    public static final int FEATURES = 8;

    /** Midpoints per side of its quadrature grid. */
    public static final int QUADRATURE = 16;

    /** Cosine modes per direction of its coefficient. */
    public static final int MODES = 2;

    /** Central-difference step in each theta. */
    public static final double STEP = 1e-5;

    private GradientCheck() {}

    /**
     * @param relativeError |g_implicit - g_fd| / |g_fd| (Euclidean norms)
     * @param implicit the implicit hypergradient
     * @param finiteDifference the central differences
     * @param adjoint the adjoint solve of the implicit gradient
     */
    public record Result(
            double relativeError, double[] implicit, double[] finiteDifference, Solution adjoint) {
        /** The small instance in words (for reports). */
        public static String instance() {
            return "float64; "
                    + MODES
                    + "x"
                    + MODES
                    + " cosine modes; u = phi (W tanh(A x + b) + c) with "
                    + FEATURES
                    + " fixed random tanh features, only W and c trained (a strictly convex inner problem, solved by Newton-CG to 1e-14; implicit gradient by CG to 1e-14, no damping);"
                    + " Ritz energy on a "
                    + QUADRATURE
                    + "x"
                    + QUADRATURE
                    + " midpoint grid; the run's first observations;"
                    + " central differences with step "
                    + STEP;
        }
    }

    /**
     * Runs the check at {@code theta} (length {@link #MODES}^2) with the observations {@code x, y,
     * d} (the first {@code n} of each), Tikhonov weight {@code alpha}, features drawn from {@code
     * seed}.
     */
    public static Result run(
            double[] theta, double[] x, double[] y, double[] d, int n, double alpha, long seed) {
        Instance in = new Instance(theta, x, y, d, n, alpha, seed);
        Bilevel.Result h = in.hypergradient(theta);
        double[] g = h.hypergradient()[0].toDoubleArray();
        double[] fd = new double[theta.length];
        for (int k = 0; k < theta.length; k++) {
            double[] plus = theta.clone(), minus = theta.clone();
            plus[k] += STEP;
            minus[k] -= STEP;
            fd[k] = (in.objectiveAt(plus) - in.objectiveAt(minus)) / (2 * STEP);
        }
        double num = 0, den = 0;
        for (int k = 0; k < g.length; k++) {
            num += (g[k] - fd[k]) * (g[k] - fd[k]);
            den += fd[k] * fd[k];
        }
        return new Result(Math.sqrt(num / den), g, fd, h.linear().orElseThrow());
    }

    /** The fixed-feature model: tanh(A x + b) with A, b constants, then a trained linear layer. */
    static final class Features extends Module {
        private final Tensor a;
        private final Tensor b;
        private final Linear last;

        Features(Rng rng) {
            a = Tensor.randn(rng, DType.FLOAT64, 2, FEATURES).mul(2.0);
            b = Tensor.randn(rng, DType.FLOAT64, 1, FEATURES);
            last = child("last", new Linear(FEATURES, 1, rng, DType.FLOAT64));
        }

        @Override
        public Tensor forward(Tensor x) {
            return last.forward(x.matmul(a).add(b).tanh());
        }
    }

    private static final class Instance {
        private final LogCoefficient coefficient;
        private final Ansatz ansatz;
        private final TrainingPoints points;
        private final Tensor xObs;
        private final Tensor dObs;
        private final double alpha;
        private final Bilevel.Problem problem;
        private final Bilevel.Options options;
        private final Tensor w0;

        Instance(
                double[] theta,
                double[] x,
                double[] y,
                double[] d,
                int n,
                double alpha,
                long seed) {
            if (theta.length != MODES * MODES) {
                throw new IllegalArgumentException(
                        "gradient check: theta needs "
                                + MODES * MODES
                                + " values, got "
                                + theta.length);
            }
            if (n < 1 || n > x.length) {
                throw new IllegalArgumentException(
                        "gradient check: 1 to " + x.length + " observations, got " + n);
            }
            coefficient = LogCoefficient.uniform(MODES, DType.FLOAT64);
            Features model = new Features(Rng.seeded(seed));
            ansatz = new Ansatz(model, Box.unitCube(2), true, null);
            points =
                    new TrainingPoints(
                            Box.unitCube(2),
                            QUADRATURE * QUADRATURE,
                            0,
                            CoefficientInversion.midpoints(QUADRATURE),
                            CoefficientInversion.midpoints(QUADRATURE),
                            false,
                            DType.FLOAT64);
            double[] xy = new double[2 * n], dd = new double[n];
            for (int i = 0; i < n; i++) {
                xy[2 * i] = x[i];
                xy[2 * i + 1] = y[i];
                dd[i] = d[i];
            }
            xObs = Tensor.of(DType.FLOAT64, xy, n, 2);
            dObs = Tensor.of(DType.FLOAT64, dd, n, 1);
            this.alpha = alpha;
            Variables w = Variables.parameters(model);
            problem = Bilevel.Problem.argmin(w, (v, t) -> inner(t[0]), (v, t) -> outer(t[0]));
            // Newton on a quadratic: exact after one step up to the CG solve's accuracy; further
            // steps refine.
            options =
                    Bilevel.Options.defaults()
                            .withInnerSolver(new NewtonCg(4, 1e-15, 500, 1e-14))
                            .withMode(GradientMode.Implicit.cg(1e-14, 500))
                            .withPolicy(NonConvergence.RETURN_LAST);
            w0 = Tensor.zeros(DType.FLOAT64, w.size());
        }

        /**
         * The Ritz energy; recording on even where the caller turned it off (NewtonCg's line
         * search): it needs grad u in x.
         */
        Tensor inner(Tensor theta) {
            try (Grad.Scope on = Grad.enableGrad()) {
                return CoefficientInversion.ritzEnergy(
                                coefficient, theta, CoefficientInversion.SOURCE)
                        .value(ansatz, points);
            }
        }

        Tensor outer(Tensor theta) {
            Tensor f = ansatz.at(xObs).sub(dObs).square().sum().mul(0.5);
            return f.add(theta.square().sum().mul(0.5 * alpha));
        }

        Bilevel.Result hypergradient(double[] theta) {
            return Bilevel.solve(
                    problem,
                    w0,
                    new Tensor[] {Tensor.of(DType.FLOAT64, theta, theta.length)},
                    options);
        }

        /** F at theta, the inner problem solved exactly there (from the same start). */
        double objectiveAt(double[] theta) {
            return Bilevel.evaluate(
                            problem,
                            w0,
                            new Tensor[] {Tensor.of(DType.FLOAT64, theta, theta.length)},
                            options)
                    .value();
        }
    }
}
