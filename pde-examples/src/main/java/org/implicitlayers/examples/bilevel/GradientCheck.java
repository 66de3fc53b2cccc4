package org.implicitlayers.examples.bilevel;

import java.util.List;
import org.implicitlayers.core.DType;
import org.implicitlayers.core.Grad;
import org.implicitlayers.core.Rng;
import org.implicitlayers.core.Tensor;
import org.implicitlayers.core.nn.Linear;
import org.implicitlayers.core.nn.Module;
import org.implicitlayers.core.nn.Parameter;
import org.implicitlayers.implicit.convergence.Solution;
import org.implicitlayers.implicit.linear.ConjugateGradient;
import org.implicitlayers.ritz.domain.Box;
import org.implicitlayers.ritz.loss.Ansatz;
import org.implicitlayers.ritz.loss.RitzEnergy;
import org.implicitlayers.ritz.loss.TrainingPoints;
import org.implicitlayers.ritz.problem.BoundaryCondition;
import org.implicitlayers.ritz.problem.PoissonProblem;
import org.implicitlayers.ritz.problem.ScalarField;

/**
 * The implicit hypergradient of the coefficient inversion against float64 central finite
 * differences of the outer objective, on a small instance whose inner problem is solved exactly:
 * the network's hidden layer is a fixed set of random tanh features and only its last layer (weights
 * and bias) is trained, so that the Ritz energy is a strictly convex quadratic in the trained
 * parameters, minimised by Newton's method (two steps, conjugate gradients on Hessian-vector products
 * to a relative residual of 1e-14: exact to rounding). Everything else is the inversion's own code:
 * the exact-boundary ansatz, the Ritz energy on a midpoint grid, {@link LogCoefficient},
 * the outer misfit with its Tikhonov term, and {@link Hypergradient} (here with no damping).
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

    private GradientCheck() {
    }

    /**
     * @param relativeError    |g_implicit - g_fd| / |g_fd| (Euclidean norms)
     * @param implicit         the implicit hypergradient
     * @param finiteDifference the central differences
     * @param adjoint          the adjoint solve of the implicit gradient
     */
    public record Result(double relativeError, double[] implicit, double[] finiteDifference, Solution adjoint) {
        /** The small instance in words (for reports). */
        public static String instance() {
            return "float64; " + MODES + "x" + MODES + " cosine modes; u = phi (W tanh(A x + b) + c) with " + FEATURES
                    + " fixed random tanh features, only W and c trained (a strictly convex inner problem, solved by Newton-CG to 1e-14);"
                    + " Ritz energy on a " + QUADRATURE + "x" + QUADRATURE + " midpoint grid; the run's first observations;"
                    + " central differences with step " + STEP;
        }
    }

    /**
     * Runs the check at {@code theta} (length {@link #MODES}^2) with the observations {@code x, y, d}
     * (the first {@code n} of each), Tikhonov weight {@code alpha}, features drawn from {@code seed}.
     */
    public static Result run(double[] theta, double[] x, double[] y, double[] d, int n, double alpha, long seed) {
        Instance in = new Instance(theta, x, y, d, n, alpha, seed);
        in.solveInner();
        Hypergradient.Result h = in.hypergradient();
        double[] g = h.gradient()[0].toDoubleArray();
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
        return new Result(Math.sqrt(num / den), g, fd, h.adjoint());
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
        private final Features model;
        private final Ansatz ansatz;
        private final RitzEnergy energy;
        private final TrainingPoints points;
        private final Tensor xObs;
        private final Tensor dObs;
        private final double alpha;

        Instance(double[] theta, double[] x, double[] y, double[] d, int n, double alpha, long seed) {
            if (theta.length != MODES * MODES) {
                throw new IllegalArgumentException("gradient check: theta needs " + MODES * MODES + " values, got " + theta.length);
            }
            if (n < 1 || n > x.length) {
                throw new IllegalArgumentException("gradient check: 1 to " + x.length + " observations, got " + n);
            }
            coefficient = new LogCoefficient(MODES, Tensor.of(DType.FLOAT64, theta, theta.length));
            model = new Features(Rng.seeded(seed));
            Box square = Box.unitCube(2);
            ansatz = new Ansatz(model, square, true, null);
            energy = new RitzEnergy(new PoissonProblem("gradient check", square, coefficient.field(), null,
                    ScalarField.constant(CoefficientInversion.SOURCE), List.of(BoundaryCondition.dirichlet(ScalarField.constant(0))), null), 0);
            points = new TrainingPoints(square, QUADRATURE * QUADRATURE, 0, CoefficientInversion.midpoints(QUADRATURE),
                    CoefficientInversion.midpoints(QUADRATURE), false, DType.FLOAT64);
            double[] xy = new double[2 * n], dd = new double[n];
            for (int i = 0; i < n; i++) {
                xy[2 * i] = x[i];
                xy[2 * i + 1] = y[i];
                dd[i] = d[i];
            }
            xObs = Tensor.of(DType.FLOAT64, xy, n, 2);
            dObs = Tensor.of(DType.FLOAT64, dd, n, 1);
            this.alpha = alpha;
        }

        Tensor inner() {
            return energy.value(ansatz, points);
        }

        Tensor outer() {
            Tensor f = ansatz.at(xObs).sub(dObs).square().sum().mul(0.5);
            return f.add(coefficient.theta().value().square().sum().mul(0.5 * alpha));
        }

        /** Newton's method on the quadratic inner energy: two steps from zero, each solved by CG to 1e-14. */
        void solveInner() {
            for (Parameter p : model.parameters().values()) {
                p.set(Tensor.zerosLike(p.value()));
            }
            for (int it = 0; it < 2; it++) {
                Tensor[] leaves = model.parameters().values().stream().map(Parameter::value).toArray(Tensor[]::new);
                Tensor[] g;
                try (Grad.Scope on = Grad.enableGrad()) {
                    g = Grad.of(new Tensor[] {inner()}, leaves, null, Grad.Options.defaults().createGraph(true));
                }
                Grad.Options again = Grad.Options.defaults().retainGraph(true).allowUnused(true);
                Tensor rhs = Hypergradient.flatten(g);
                Solution s = new ConjugateGradient(500, 1e-14).solve(v -> Hypergradient.flatten(Grad.of(g, leaves,
                        Hypergradient.unflatten(v, leaves), again)), rhs, Tensor.zerosLike(rhs));
                Tensor[] step = Hypergradient.unflatten(s.value(), leaves);
                int i = 0;
                for (Parameter p : model.parameters().values()) {
                    p.set(p.value().detach().sub(step[i++]));
                }
            }
        }

        Hypergradient.Result hypergradient() {
            Tensor[] leaves = model.parameters().values().stream().map(Parameter::value).toArray(Tensor[]::new);
            return Hypergradient.of(this::inner, this::outer, leaves, new Tensor[] {coefficient.theta().value()},
                    new Hypergradient.Options(0, new ConjugateGradient(500, 1e-14)));
        }

        /** F at theta, the inner problem solved exactly there. */
        double objectiveAt(double[] theta) {
            coefficient.theta().set(Tensor.of(DType.FLOAT64, theta, theta.length));
            solveInner();
            try (Grad.Scope off = Grad.noGrad()) {
                return outer().item();
            }
        }
    }
}
