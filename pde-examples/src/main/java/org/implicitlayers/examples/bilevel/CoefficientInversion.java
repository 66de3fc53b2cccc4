package org.implicitlayers.examples.bilevel;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.implicitlayers.core.CustomFunction;
import org.implicitlayers.core.DType;
import org.implicitlayers.core.Grad;
import org.implicitlayers.core.Rng;
import org.implicitlayers.core.Tensor;
import org.implicitlayers.core.nn.Activation;
import org.implicitlayers.core.nn.Mlp;
import org.implicitlayers.core.nn.Module;
import org.implicitlayers.core.optim.Adam;
import org.implicitlayers.core.optim.Lbfgs;
import org.implicitlayers.core.train.RunContext;
import org.implicitlayers.core.train.Trainer;
import org.implicitlayers.core.train.TrainingCallback;
import org.implicitlayers.implicit.bilevel.Bilevel;
import org.implicitlayers.implicit.bilevel.GradientMode;
import org.implicitlayers.implicit.bilevel.LbfgsSolver;
import org.implicitlayers.implicit.bilevel.Variables;
import org.implicitlayers.implicit.convergence.NonConvergence;
import org.implicitlayers.implicit.convergence.Solution;
import org.implicitlayers.ritz.domain.Box;
import org.implicitlayers.ritz.loss.Ansatz;
import org.implicitlayers.ritz.loss.RitzEnergy;
import org.implicitlayers.ritz.loss.TrainingPoints;
import org.implicitlayers.ritz.problem.BoundaryCondition;
import org.implicitlayers.ritz.problem.PoissonProblem;
import org.implicitlayers.ritz.problem.ScalarField;
import org.implicitlayers.ritz.sampling.PointSource;

/**
 * Recovers the coefficient a of -div(a grad u) = f on the unit square (u = 0 on the boundary) from
 * noisy values of u at scattered points, as a bilevel problem: the inner problem is the Deep Ritz
 * minimisation of E(w; theta) = int 0.5 a_theta |grad u_w|^2 - f u_w over the network's parameters
 * w (the exact-boundary ansatz u_w = phi N_w, phi the square's smooth distance function), the outer
 * problem the least-squares misfit with a Tikhonov term, F(theta) = 0.5 sum_i (u_w*(x_i) - d_i)^2 +
 * 0.5 alpha |theta|^2, with a_theta = exp(s_theta) a cosine series ({@link LogCoefficient}). The
 * outer gradient comes from the implicit function theorem ({@link Bilevel}, conjugate gradients on
 * Hessian-vector products); Adam updates theta. Each outer step first re-minimises E from the
 * previous w (L-BFGS, a few iterations; many at the first step).
 *
 * <p>Within a step the energy's integral is a quasi-Monte Carlo mean over one fixed point set, so
 * that the inner problem is one deterministic function of w whose stationarity condition the
 * implicit gradient differentiates; every step takes the next block of the Sobol sequence. A
 * network minimising over one fixed set for long learns to exploit the quadrature (measured: 300
 * L-BFGS iterations on a fixed 32 x 32 midpoint grid drove the energy on the grid 45% below the
 * true minimum while the energy on a fine grid rose sixfold and u's error went from 0.6% to 50%);
 * fresh points at every step take that away.
 *
 * <p>The truth a† = exp(s†) is a fixed smooth field, s† = 0.2 + 0.4 cos(pi x) - 0.3 cos(pi y) +
 * 0.25 cos(pi x) cos(pi y) - 0.1 cos(2 pi x) + 0.15 cos(2 pi y) + 0.1 cos(2 pi x) cos(pi y) (in the
 * span of 3 x 3 modes), f = 10; the observations are u† from {@link DiffusionFd} on a fine grid (an
 * independent solver: not the network, not its quadrature) plus Gaussian noise.
 */
public final class CoefficientInversion {
    /** The source f. */
    public static final double SOURCE = 10;

    /** s† as 3 x 3 cosine coefficients, index k 3 + l (k the x mode, l the y mode). */
    private static final double[] TRUE_THETA = {0.2, -0.3, 0.15, 0.4, 0.25, 0, -0.1, 0.1, 0};

    /** Modes per direction of the truth. */
    public static final int TRUE_MODES = 3;

    /**
     * Settings of a run.
     *
     * @param steps outer steps (Adam on theta), at least 1
     * @param modes cosine modes per direction of the recovered log-coefficient, 1 to 8 (default 3)
     * @param observations points where u is observed, at least 1 (default 100)
     * @param noise standard deviation of the observation noise relative to max |u†|, 0 to 1
     *     (default 0.01)
     * @param alpha Tikhonov weight alpha on |theta|^2, &gt;= 0 (default 1e-4)
     * @param width width of the network's two hidden layers, 1 to 256 (default 16)
     * @param points quadrature points of the inner energy, drawn afresh (the next block of the
     *     Sobol sequence) at every outer step, 64 to 65536 (default 2048)
     * @param warmup L-BFGS iterations of the first inner solve, at least 1 (default 500)
     * @param inner L-BFGS iterations of each later inner solve, at least 1 (default 20)
     * @param lr Adam's learning rate on theta, positive (default 0.05)
     * @param damping lambda added to the inner Hessian in the adjoint solve, &gt;= 0 (default 1e-4)
     * @param cgIterations conjugate-gradient iterations of the adjoint solve at most, at least 1
     *     (default 50)
     * @param cgTolerance its relative residual tolerance, positive (default 1e-6)
     * @param fdGrid intervals per side of the finite-difference truth, 16 to 1024 (default 256)
     * @param evalEvery steps between evaluations, at least 1 (default 10)
     * @param dtype of the network and theta (default float64)
     * @param seed observation points, noise and network initialisation
     */
    public record Options(
            int steps,
            int modes,
            int observations,
            double noise,
            double alpha,
            int width,
            int points,
            int warmup,
            int inner,
            double lr,
            double damping,
            int cgIterations,
            double cgTolerance,
            int fdGrid,
            int evalEvery,
            DType dtype,
            long seed) {
        public Options {
            check(steps >= 1, "steps", "at least 1", steps);
            check(modes >= 1 && modes <= 8, "modes", "1 to 8", modes);
            check(observations >= 1, "observations", "at least 1", observations);
            check(noise >= 0 && noise <= 1, "noise", "0 to 1 (a fraction of max |u|)", noise);
            check(alpha >= 0 && Double.isFinite(alpha), "alpha", "finite and >= 0", alpha);
            check(width >= 1 && width <= 256, "width", "1 to 256", width);
            check(points >= 64 && points <= 65536, "points", "64 to 65536", points);
            check(warmup >= 1, "warmup", "at least 1", warmup);
            check(inner >= 1, "inner", "at least 1", inner);
            check(lr > 0 && Double.isFinite(lr), "lr", "positive", lr);
            check(damping >= 0 && Double.isFinite(damping), "damping", "finite and >= 0", damping);
            check(cgIterations >= 1, "cg-iterations", "at least 1", cgIterations);
            check(cgTolerance > 0 && cgTolerance < 1, "cg-tol", "between 0 and 1", cgTolerance);
            check(fdGrid >= 16 && fdGrid <= 1024, "fd-grid", "16 to 1024", fdGrid);
            check(evalEvery >= 1, "eval-every", "at least 1", evalEvery);
            java.util.Objects.requireNonNull(dtype, "dtype");
        }

        /**
         * 200 steps, 3 x 3 modes, 100 observations, 1% noise, the defaults above, float64, seed 0.
         */
        public static Options defaults() {
            return new Options(
                    200,
                    3,
                    100,
                    0.01,
                    1e-4,
                    16,
                    2048,
                    300,
                    20,
                    0.05,
                    1e-4,
                    20,
                    1e-6,
                    256,
                    10,
                    DType.FLOAT64,
                    0);
        }

        public Options withSteps(int v) {
            return new Options(
                    v,
                    modes,
                    observations,
                    noise,
                    alpha,
                    width,
                    points,
                    warmup,
                    inner,
                    lr,
                    damping,
                    cgIterations,
                    cgTolerance,
                    fdGrid,
                    evalEvery,
                    dtype,
                    seed);
        }

        public Options withModes(int v) {
            return new Options(
                    steps,
                    v,
                    observations,
                    noise,
                    alpha,
                    width,
                    points,
                    warmup,
                    inner,
                    lr,
                    damping,
                    cgIterations,
                    cgTolerance,
                    fdGrid,
                    evalEvery,
                    dtype,
                    seed);
        }

        public Options withObservations(int v, double noiseLevel) {
            return new Options(
                    steps,
                    modes,
                    v,
                    noiseLevel,
                    alpha,
                    width,
                    points,
                    warmup,
                    inner,
                    lr,
                    damping,
                    cgIterations,
                    cgTolerance,
                    fdGrid,
                    evalEvery,
                    dtype,
                    seed);
        }

        public Options withInner(int warmupIterations, int innerIterations) {
            return new Options(
                    steps,
                    modes,
                    observations,
                    noise,
                    alpha,
                    width,
                    points,
                    warmupIterations,
                    innerIterations,
                    lr,
                    damping,
                    cgIterations,
                    cgTolerance,
                    fdGrid,
                    evalEvery,
                    dtype,
                    seed);
        }

        public Options withNetwork(int w, int q) {
            return new Options(
                    steps,
                    modes,
                    observations,
                    noise,
                    alpha,
                    w,
                    q,
                    warmup,
                    inner,
                    lr,
                    damping,
                    cgIterations,
                    cgTolerance,
                    fdGrid,
                    evalEvery,
                    dtype,
                    seed);
        }

        public Options withOuter(double learningRate, double tikhonov) {
            return new Options(
                    steps,
                    modes,
                    observations,
                    noise,
                    tikhonov,
                    width,
                    points,
                    warmup,
                    inner,
                    learningRate,
                    damping,
                    cgIterations,
                    cgTolerance,
                    fdGrid,
                    evalEvery,
                    dtype,
                    seed);
        }

        public Options withAdjoint(double lambda, int iterations, double tol) {
            return new Options(
                    steps,
                    modes,
                    observations,
                    noise,
                    alpha,
                    width,
                    points,
                    warmup,
                    inner,
                    lr,
                    lambda,
                    iterations,
                    tol,
                    fdGrid,
                    evalEvery,
                    dtype,
                    seed);
        }

        public Options withFdGrid(int v) {
            return new Options(
                    steps,
                    modes,
                    observations,
                    noise,
                    alpha,
                    width,
                    points,
                    warmup,
                    inner,
                    lr,
                    damping,
                    cgIterations,
                    cgTolerance,
                    v,
                    evalEvery,
                    dtype,
                    seed);
        }

        public Options withEvalEvery(int v) {
            return new Options(
                    steps,
                    modes,
                    observations,
                    noise,
                    alpha,
                    width,
                    points,
                    warmup,
                    inner,
                    lr,
                    damping,
                    cgIterations,
                    cgTolerance,
                    fdGrid,
                    v,
                    dtype,
                    seed);
        }

        public Options withDtype(DType v) {
            return new Options(
                    steps,
                    modes,
                    observations,
                    noise,
                    alpha,
                    width,
                    points,
                    warmup,
                    inner,
                    lr,
                    damping,
                    cgIterations,
                    cgTolerance,
                    fdGrid,
                    evalEvery,
                    v,
                    seed);
        }

        public Options withSeed(long v) {
            return new Options(
                    steps,
                    modes,
                    observations,
                    noise,
                    alpha,
                    width,
                    points,
                    warmup,
                    inner,
                    lr,
                    damping,
                    cgIterations,
                    cgTolerance,
                    fdGrid,
                    evalEvery,
                    dtype,
                    v);
        }

        /**
         * What the run is, for {@link RunContext}'s identity check: everything but the step count.
         */
        public String identity() {
            return "modes "
                    + modes
                    + ", observations "
                    + observations
                    + ", noise "
                    + noise
                    + ", alpha "
                    + alpha
                    + ", width "
                    + width
                    + ", points "
                    + points
                    + ", warmup "
                    + warmup
                    + ", inner "
                    + inner
                    + ", lr "
                    + lr
                    + ", damping "
                    + damping
                    + ", cg "
                    + cgIterations
                    + "/"
                    + cgTolerance
                    + ", fd-grid "
                    + fdGrid
                    + ", "
                    + dtype.name().toLowerCase(java.util.Locale.ROOT)
                    + ", seed "
                    + seed;
        }

        private static void check(boolean ok, String option, String expected, Object got) {
            if (!ok) {
                throw new IllegalArgumentException(
                        "--" + option + " must be " + expected + ", got " + got);
            }
        }
    }

    /**
     * The observations: points [n, 2] in the open unit square and the values d_i = u†(x_i) + noise.
     *
     * @param sigma the noise's standard deviation
     */
    public record Observations(
            double[] x, double[] y, double[] clean, double[] data, double sigma) {
        /** The number of points. */
        public int size() {
            return x.length;
        }
    }

    /** Metrics after a step. */
    public record Metrics(double coefficientError, double solutionError, double misfit) {
        /** By name, as the logs write them. */
        public Map<String, Double> asMap() {
            Map<String, Double> m = new LinkedHashMap<>();
            m.put("a_rel_l2_err", coefficientError);
            m.put("u_rel_l2_err", solutionError);
            m.put("misfit", misfit);
            return m;
        }
    }

    private final Options options;
    private final DiffusionFd.Solution truth;
    private final Observations observations;
    private final LogCoefficient coefficient;
    private final Mlp network;
    private final Ansatz ansatz;
    private final Bilevel.Problem problem;
    private final TrainingPoints points;
    private final Tensor xObs;
    private final Tensor dObs;
    private final Module state;
    private final Adam adam;
    private final List<Solution> adjointSolves = new ArrayList<>();
    private volatile Trainer trainer;

    /**
     * Sets up the problem: the finite-difference truth, the observations, the network and theta = 0
     * (a = 1).
     */
    public CoefficientInversion(Options o) {
        this.options = o;
        this.truth =
                DiffusionFd.solve(
                        o.fdGrid(), CoefficientInversion::trueCoefficient, (x, y) -> SOURCE);
        this.observations = observe(truth, o.observations(), o.noise(), o.seed());
        this.coefficient = LogCoefficient.uniform(o.modes(), o.dtype());
        this.network =
                Mlp.builder(2, o.width(), o.width(), 1)
                        .activation(Activation.tanh())
                        .dtype(o.dtype())
                        .build(Rng.seeded(o.seed() + 1));
        Box square = Box.unitCube(2);
        this.ansatz = new Ansatz(network, square, true, null);
        this.problem =
                Bilevel.Problem.argmin(
                        Variables.parameters(network),
                        (w, x) -> energy(x[0]),
                        (w, x) -> outer(x[0]));
        this.points =
                new TrainingPoints(
                        square,
                        o.points(),
                        0,
                        PointSource.sobol(2),
                        PointSource.sobol(2),
                        true,
                        o.dtype());
        int n = observations.size();
        double[] xy = new double[2 * n];
        for (int i = 0; i < n; i++) {
            xy[2 * i] = observations.x()[i];
            xy[2 * i + 1] = observations.y()[i];
        }
        this.xObs = Tensor.of(o.dtype(), xy, n, 2);
        this.dObs = Tensor.of(o.dtype(), observations.data(), n, 1);
        this.state = new State(coefficient, network, ansatz);
        this.adam = new Adam(coefficient.parameters(), o.lr());
    }

    /** a†(x, y). */
    public static double trueCoefficient(double x, double y) {
        return LogCoefficient.value(TRUE_THETA, TRUE_MODES, x, y);
    }

    /** s† as cosine coefficients of 3 x 3 modes (a copy). */
    public static double[] trueTheta() {
        return TRUE_THETA.clone();
    }

    /**
     * n points drawn uniformly in the open unit square and the values of {@code truth} there plus
     * Gaussian noise of standard deviation {@code noise} max |u†|, from {@code Rng.seeded(seed)}.
     */
    public static Observations observe(DiffusionFd.Solution truth, int n, double noise, long seed) {
        Rng rng = Rng.seeded(seed);
        double[] x = new double[n], y = new double[n], clean = new double[n], data = new double[n];
        double sigma = noise * truth.maxAbs();
        for (int i = 0; i < n; i++) {
            x[i] = rng.nextDouble();
            y[i] = rng.nextDouble();
        }
        for (int i = 0; i < n; i++) {
            clean[i] = truth.at(x[i], y[i]);
            data[i] = clean[i] + sigma * rng.nextGaussian();
        }
        return new Observations(x, y, clean, data, sigma);
    }

    /**
     * The midpoints of a q x q grid on the unit square, row by row: a point source for a fixed
     * quadrature set.
     */
    static PointSource midpoints(int q) {
        return new PointSource() {
            private int k;

            @Override
            public int dim() {
                return 2;
            }

            @Override
            public double[] next() {
                int i = k / q % q, j = k % q;
                k++;
                return new double[] {(i + 0.5) / q, (j + 0.5) / q};
            }
        };
    }

    /**
     * Takes the next block of the Sobol sequence as the quadrature set of the inner energy, for
     * {@link #energy} and {@link #solve} until the next call (each outer step calls it first).
     */
    public void drawQuadrature() {
        points.hold();
    }

    /**
     * The inner energy E(w; theta) = int 0.5 a_theta |grad u_w|^2 - f u_w at the network's current
     * parameters, for {@code theta} [K^2].
     */
    public Tensor energy(Tensor theta) {
        // Recording on even where a caller turned it off: the energy itself differentiates u in x.
        try (Grad.Scope on = Grad.enableGrad()) {
            return ritzEnergy(coefficient, theta, SOURCE).value(ansatz, points);
        }
    }

    /**
     * The Ritz energy of -div(a grad u) = f, u = 0 on the boundary of the unit square, with a =
     * exp(s_theta).
     */
    static RitzEnergy ritzEnergy(LogCoefficient a, Tensor theta, double f) {
        return new RitzEnergy(
                new PoissonProblem(
                        "inverse-pde",
                        Box.unitCube(2),
                        a.field(theta),
                        null,
                        ScalarField.constant(f),
                        List.of(BoundaryCondition.dirichlet(ScalarField.constant(0))),
                        null),
                0);
    }

    /**
     * The outer objective F = 0.5 sum (u(x_i) - d_i)^2 + 0.5 alpha |theta|^2 at the network's
     * current parameters.
     */
    public Tensor outer(Tensor theta) {
        Tensor r = ansatz.at(xObs).sub(dObs);
        Tensor f = r.square().sum().mul(0.5);
        if (options.alpha() > 0) {
            f = f.add(theta.square().sum().mul(0.5 * options.alpha()));
        }
        return f;
    }

    /**
     * The bilevel solve at the current theta ({@link Bilevel#solve}): the inner problem
     * re-minimised from the current network by L-BFGS ({@code iterations} at most), then F and its
     * implicit hypergradient (conjugate gradients on damped Hessian-vector products). The network
     * holds w* afterwards.
     */
    public Bilevel.Result solve(int iterations) {
        Bilevel.Options o =
                Bilevel.Options.defaults()
                        .withInnerSolver(
                                new LbfgsSolver(
                                        Lbfgs.Options.defaults()
                                                .withMaxIterations(iterations)
                                                .withTolerances(1e-12, 1e-15)))
                        .withMode(
                                GradientMode.Implicit.cg(
                                                options.cgTolerance(), options.cgIterations())
                                        .withDamping(options.damping()))
                        // A few warm-started iterations per outer step by design: their answer is
                        // used as it is.
                        .withPolicy(NonConvergence.RETURN_LAST);
        return Bilevel.solve(problem, null, new Tensor[] {coefficient.theta().value()}, o);
    }

    /**
     * One outer step's loss for the {@link Trainer}: the inner solve, then F as a tensor whose
     * gradient in theta is the implicit hypergradient.
     */
    private Tensor step(long step) {
        drawQuadrature();
        Bilevel.Result h = solve(step == 1 ? options.warmup() : options.inner());
        synchronized (adjointSolves) {
            adjointSolves.add(h.linear().orElseThrow());
        }
        Tensor g = h.hypergradient()[0];
        double fValue = h.value();
        return new CustomFunction("bilevel outer objective") {
            @Override
            protected Tensor forward(Tensor[] in) {
                return Tensor.scalar(in[0].dtype(), fValue);
            }

            @Override
            protected Tensor[] backward(Tensor grad, Tensor out, Tensor[] in, boolean[] needs) {
                return new Tensor[] {g.mul(grad)};
            }
        }.apply(coefficient.theta().value());
    }

    /**
     * Runs the outer steps within {@code run} (checkpoints, resume, cancel); callbacks see each
     * step's F and, every {@code evalEvery} steps, the metrics of {@link #metrics()}.
     */
    public Trainer.Result run(RunContext run, List<TrainingCallback> callbacks) throws IOException {
        Trainer.Builder b =
                Trainer.builder(state, adam, Rng.seeded(options.seed() + 2))
                        .loss((step, rng) -> step(step))
                        .evaluator(step -> metrics().asMap())
                        .state(points)
                        .options(
                                Trainer.Options.defaults()
                                        .withSteps(options.steps())
                                        .withEvalEvery(options.evalEvery())
                                        .withCheckpointEvery(Math.max(1, options.evalEvery())))
                        .context(run);
        for (TrainingCallback cb : callbacks) {
            b.callback(cb);
        }
        trainer = b.build();
        return trainer.run();
    }

    /** Runs without checkpoints. */
    public Trainer.Result run(List<TrainingCallback> callbacks) throws IOException {
        Trainer.Builder b =
                Trainer.builder(state, adam, Rng.seeded(options.seed() + 2))
                        .loss((step, rng) -> step(step))
                        .evaluator(step -> metrics().asMap())
                        .state(points)
                        .options(
                                Trainer.Options.defaults()
                                        .withSteps(options.steps())
                                        .withEvalEvery(options.evalEvery()));
        for (TrainingCallback cb : callbacks) {
            b.callback(cb);
        }
        trainer = b.build();
        return trainer.run();
    }

    /** Asks a running {@link #run} to stop after the current step. */
    public void cancel() {
        Trainer t = trainer;
        if (t != null) {
            t.cancel();
        }
    }

    /** The metrics at the current theta and w. */
    public Metrics metrics() {
        double[] th = coefficient.theta().value().toDoubleArray();
        return new Metrics(coefficientError(th, options.modes()), solutionError(), misfit());
    }

    /**
     * The relative L2 error of a_theta against a† over the unit square, by the midpoint rule on a
     * 256 x 256 grid (both fields are smooth: its error is far below the figures reported).
     */
    public static double coefficientError(double[] theta, int modes) {
        int q = 256;
        double num = 0, den = 0;
        for (int i = 0; i < q; i++) {
            for (int j = 0; j < q; j++) {
                double x = (i + 0.5) / q, y = (j + 0.5) / q;
                double t = trueCoefficient(x, y), d = LogCoefficient.value(theta, modes, x, y) - t;
                num += d * d;
                den += t * t;
            }
        }
        return Math.sqrt(num / den);
    }

    /**
     * The relative L2 error of the network's u against the finite-difference u† on every other grid
     * node.
     */
    public double solutionError() {
        int n = truth.n();
        List<double[]> nodes = new ArrayList<>();
        for (int i = 2; i < n; i += 2) {
            for (int j = 2; j < n; j += 2) {
                nodes.add(new double[] {(double) i / n, (double) j / n, truth.u()[i][j]});
            }
        }
        double[] xy = new double[2 * nodes.size()];
        for (int k = 0; k < nodes.size(); k++) {
            xy[2 * k] = nodes.get(k)[0];
            xy[2 * k + 1] = nodes.get(k)[1];
        }
        double[] u;
        try (Grad.Scope off = Grad.noGrad()) {
            u = ansatz.at(Tensor.of(options.dtype(), xy, nodes.size(), 2)).toDoubleArray();
        }
        double num = 0, den = 0;
        for (int k = 0; k < u.length; k++) {
            double t = nodes.get(k)[2];
            num += (u[k] - t) * (u[k] - t);
            den += t * t;
        }
        return Math.sqrt(num / den);
    }

    /** 0.5 sum (u(x_i) - d_i)^2 at the current w. */
    public double misfit() {
        try (Grad.Scope off = Grad.noGrad()) {
            return ansatz.at(xObs).sub(dObs).square().sum().mul(0.5).item();
        }
    }

    /** 0.5 sum (u†(x_i) - d_i)^2: the misfit of the truth itself (the noise's). */
    public double misfitOfTruth() {
        double s = 0;
        for (int i = 0; i < observations.size(); i++) {
            double r = observations.clean()[i] - observations.data()[i];
            s += 0.5 * r * r;
        }
        return s;
    }

    /** The network's u at (x, y) for each pair of {@code xy} (x0, y0, x1, y1, ...). */
    public double[] solution(double[] xy) {
        try (Grad.Scope off = Grad.noGrad()) {
            return ansatz.at(Tensor.of(options.dtype(), xy, xy.length / 2, 2)).toDoubleArray();
        }
    }

    /** The adjoint solves of the steps taken by this process, in order. */
    public List<Solution> adjointSolves() {
        synchronized (adjointSolves) {
            return List.copyOf(adjointSolves);
        }
    }

    public Options options() {
        return options;
    }

    public DiffusionFd.Solution truth() {
        return truth;
    }

    public Observations observations() {
        return observations;
    }

    public LogCoefficient coefficient() {
        return coefficient;
    }

    public Mlp network() {
        return network;
    }

    /**
     * Everything a checkpoint holds of the model, theta ({@code coefficient.theta}) and the network
     * ({@code network.*}); its forward is u.
     */
    public Module state() {
        return state;
    }

    /**
     * The coefficient and the network under one module (what checkpoints hold); its forward is the
     * solution u.
     */
    private static final class State extends Module {
        private final Ansatz ansatz;

        State(LogCoefficient a, Mlp net, Ansatz ansatz) {
            child("coefficient", a);
            child("network", net);
            this.ansatz = ansatz;
        }

        /** u at x [n, 2]: [n, 1]. */
        @Override
        public Tensor forward(Tensor x) {
            return ansatz.at(x);
        }
    }
}
