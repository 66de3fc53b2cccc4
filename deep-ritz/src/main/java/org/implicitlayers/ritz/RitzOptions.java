package org.implicitlayers.ritz;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;
import org.implicitlayers.core.DType;
import org.implicitlayers.core.Rng;
import org.implicitlayers.core.nn.Activation;
import org.implicitlayers.core.nn.Init;
import org.implicitlayers.core.nn.Linear;
import org.implicitlayers.core.nn.Mlp;
import org.implicitlayers.core.nn.Module;
import org.implicitlayers.core.nn.ResidualBlock;
import org.implicitlayers.core.nn.Sequential;

/**
 * How a problem is solved, grouped as the JSON problem file is: the method, the treatment of the
 * boundary conditions, the sampling of training points, the network, the optimiser and the run.
 * Each group is a record with {@code defaults()} and validation in its constructor, so an options
 * value that exists is a valid one; each error names the problem-file field and what was expected.
 *
 * <p>The defaults are those of the ritz-poisson benchmark: the Ritz energy with a boundary penalty
 * of 500, 1024 interior and 256 boundary points drawn uniformly at random every step, the Deep Ritz
 * residual network (width 32, 3 blocks, tanh), Adam with learning rate 1e-3 for 5000 steps, an
 * evaluation every 250 steps, seed 0, float32.
 *
 * <pre>{@code
 * RitzOptions o = RitzOptions.defaults()
 *         .withMethod(RitzOptions.Method.PINN)
 *         .withBoundary(RitzOptions.Boundary.exact())
 *         .withOptimizer(RitzOptions.Optimizer.defaults().withSteps(2000).withLbfgs(200));
 * }</pre>
 *
 * @param method the loss: Ritz energy or PINN residual (JSON {@code "method"})
 * @param boundary Dirichlet conditions by penalty or by the exact ansatz (JSON {@code "bc"}, {@code
 *     "penalty"})
 * @param sampling training points (JSON {@code "sampling"})
 * @param network the network (JSON {@code "network"})
 * @param optimizer Adam, its learning-rate decay, and L-BFGS after it (JSON {@code "optimizer"})
 * @param run evaluation interval, seed and dtype (JSON {@code "eval_every"}, {@code "seed"}, {@code
 *     "dtype"})
 */
public record RitzOptions(
        Method method,
        Boundary boundary,
        Sampling sampling,
        Network network,
        Optimizer optimizer,
        Run run) {
    /** Checks each group and the rules that join them. */
    public RitzOptions {
        require(method != null, "method", "'ritz' or 'pinn'", null);
        require(
                boundary != null
                        && sampling != null
                        && network != null
                        && optimizer != null
                        && run != null,
                "options",
                "every group (boundary, sampling, network, optimizer, run) given",
                null);
        require(
                sampling.boundary() > 0 || boundary.treatment() == BoundaryTreatment.EXACT,
                "sampling.boundary",
                "a positive count (or bc 'exact')",
                sampling.boundary());
        require(
                sampling.rarEvery() == 0 || method == Method.PINN,
                "sampling.rar_every",
                "method 'pinn' (added points would bias the quadrature of the Ritz energy)",
                method);
        require(
                optimizer.kind() != OptimizerKind.ENGD
                        || run.dtype() == org.implicitlayers.core.DType.FLOAT64,
                "dtype",
                "float64 with optimizer 'engd' (its Gram matrix is too ill-conditioned for float32)",
                run.dtype());
    }

    /** The benchmark's settings (see the class comment). */
    public static RitzOptions defaults() {
        return new RitzOptions(
                Method.RITZ,
                Boundary.defaults(),
                Sampling.defaults(),
                Network.defaults(),
                Optimizer.defaults(),
                Run.defaults());
    }

    /**
     * The settings that energy natural gradient descent is meant for, the same for every problem:
     * the PINN loss with boundary penalty 500 (its discrete minimiser is the solution itself, where
     * the Ritz energy's carries the quadrature error of each step's points), an MLP 20 wide with 2
     * tanh hidden layers (501 parameters in 2-D: a dense Gram matrix is cheap), 2048 interior and
     * 512 boundary Sobol points drawn afresh each step, 1000 ENGD steps, float64, and the
     * corner-singular terms of re-entrant corners (see {@link Network#corners()}). Measured on
     * poisson-square: relative L2 error 6e-6 after 60 steps of a 16-wide variant. The point counts:
     * on the L-shape with corner terms, each step's minimiser carries the sampling error of its
     * points; 1024 + 256 points left the error wandering between 4e-5 and 1.2e-4 from step to step
     * after 60 s, 2048 + 512 settled at 3.5e-5 (measured, 2 cores).
     */
    public static RitzOptions engd() {
        RitzOptions d = defaults();
        return new RitzOptions(
                Method.PINN,
                d.boundary(),
                d.sampling().withMethod(SamplingMethod.SOBOL).withCounts(2048, 512),
                new Network(NetworkType.MLP, 20, 2, "tanh", true),
                Optimizer.engd(1000),
                d.run().withDtype(org.implicitlayers.core.DType.FLOAT64));
    }

    public RitzOptions withMethod(Method m) {
        return new RitzOptions(m, boundary, sampling, network, optimizer, run);
    }

    public RitzOptions withBoundary(Boundary b) {
        return new RitzOptions(method, b, sampling, network, optimizer, run);
    }

    public RitzOptions withSampling(Sampling s) {
        return new RitzOptions(method, boundary, s, network, optimizer, run);
    }

    public RitzOptions withNetwork(Network n) {
        return new RitzOptions(method, boundary, sampling, n, optimizer, run);
    }

    public RitzOptions withOptimizer(Optimizer o) {
        return new RitzOptions(method, boundary, sampling, network, o, run);
    }

    public RitzOptions withRun(Run r) {
        return new RitzOptions(method, boundary, sampling, network, optimizer, r);
    }

    /**
     * The loss minimised for a Poisson problem (an eigenproblem always uses the Rayleigh quotient).
     */
    public enum Method {
        /** The Ritz energy, int 0.5 a |grad u|^2 + 0.5 c u^2 - f u (E and Yu 2018). */
        RITZ,
        /**
         * The mean squared strong-form residual, second derivatives by autodiff (Raissi et al.
         * 2019).
         */
        PINN;

        /** The problem-file spelling ("ritz", "pinn"). */
        @Override
        public String toString() {
            return label(this);
        }

        /** Parses the problem-file spelling; the error names {@code field} and the choices. */
        public static Method parse(String field, String value) {
            return parseLabel(Method.class, field, value);
        }
    }

    /** How Dirichlet conditions are imposed. */
    public enum BoundaryTreatment {
        /** A penalty beta |dOmega| mean (u - g)^2 on boundary points. */
        PENALTY,
        /**
         * The ansatz u = g + phi N with phi the domain's distance function: needs u = g on the
         * whole boundary.
         */
        EXACT;

        @Override
        public String toString() {
            return label(this);
        }

        public static BoundaryTreatment parse(String field, String value) {
            return parseLabel(BoundaryTreatment.class, field, value);
        }
    }

    /** Where training points come from. */
    public enum SamplingMethod {
        /** Independent uniform points from the run's generator. */
        UNIFORM,
        /** The Sobol sequence. */
        SOBOL,
        /** The Halton sequence. */
        HALTON;

        @Override
        public String toString() {
            return label(this);
        }

        /** Also accepts "random" for {@link #UNIFORM}. */
        public static SamplingMethod parse(String field, String value) {
            return "random".equals(value)
                    ? UNIFORM
                    : parseLabel(SamplingMethod.class, field, value);
        }
    }

    /** The network architecture. */
    public enum NetworkType {
        /**
         * Linear(d, w), then residual blocks h + act(L2(act(L1(h)))), then Linear(w, 1) (E and Yu
         * 2018).
         */
        RESNET,
        /** A plain multilayer perceptron with {@code depth} hidden layers. */
        MLP;

        @Override
        public String toString() {
            return label(this);
        }

        public static NetworkType parse(String field, String value) {
            return parseLabel(NetworkType.class, field, value);
        }
    }

    /**
     * Boundary treatment. Defaults: penalty 500.
     *
     * @param treatment penalty or exact ansatz
     * @param penalty beta, the weight of boundary terms (and, for an eigenproblem, of the
     *     normalisation); positive
     */
    public record Boundary(BoundaryTreatment treatment, double penalty) {
        public Boundary {
            require(treatment != null, "bc", "'penalty' or 'exact'", null);
            require(
                    penalty > 0 && Double.isFinite(penalty),
                    "penalty",
                    "a positive number",
                    penalty);
        }

        public static Boundary defaults() {
            return new Boundary(BoundaryTreatment.PENALTY, 500);
        }

        /**
         * The exact ansatz, with the default penalty (still used by non-Dirichlet terms and
         * eigenproblems).
         */
        public static Boundary exact() {
            return defaults().withTreatment(BoundaryTreatment.EXACT);
        }

        public Boundary withTreatment(BoundaryTreatment t) {
            return new Boundary(t, penalty);
        }

        public Boundary withPenalty(double beta) {
            return new Boundary(treatment, beta);
        }
    }

    /**
     * Training points. Defaults: 1024 interior and 256 boundary points per step, uniform, drawn
     * afresh every step, no refinement.
     *
     * @param interior interior points per step (positive)
     * @param boundary boundary points per step (positive unless bc is exact)
     * @param method uniform, Sobol or Halton
     * @param resample draw fresh points every step (else one fixed set)
     * @param rarEvery residual-based adaptive refinement every so many steps (0: off; PINN only)
     * @param rarPoints points added at each refinement, where the residual is largest
     */
    public record Sampling(
            int interior,
            int boundary,
            SamplingMethod method,
            boolean resample,
            int rarEvery,
            int rarPoints) {
        public Sampling {
            require(interior > 0, "sampling.interior", "a positive count", interior);
            require(boundary >= 0, "sampling.boundary", "a non-negative count", boundary);
            require(method != null, "sampling.method", "uniform, sobol or halton", null);
            require(rarEvery >= 0, "sampling.rar_every", "a non-negative count", rarEvery);
            require(rarPoints >= 0, "sampling.rar_points", "a non-negative count", rarPoints);
        }

        public static Sampling defaults() {
            return new Sampling(1024, 256, SamplingMethod.UNIFORM, true, 0, 0);
        }

        public Sampling withCounts(int nInterior, int nBoundary) {
            return new Sampling(nInterior, nBoundary, method, resample, rarEvery, rarPoints);
        }

        public Sampling withMethod(SamplingMethod m) {
            return new Sampling(interior, boundary, m, resample, rarEvery, rarPoints);
        }

        public Sampling withResample(boolean fresh) {
            return new Sampling(interior, boundary, method, fresh, rarEvery, rarPoints);
        }

        /** Residual-based refinement: {@code points} points every {@code every} steps. */
        public Sampling withRar(int every, int points) {
            return new Sampling(interior, boundary, method, resample, every, points);
        }
    }

    /**
     * The network. Defaults: residual network, width 32, 3 blocks, tanh.
     *
     * @param type residual network or MLP
     * @param width hidden width (positive)
     * @param depth residual blocks (resnet) or hidden layers (mlp), non-negative
     * @param activation activation spec as {@link Activation#parse} reads it (tanh, softplus:beta,
     *     sine:w0, cubic_relu, ...)
     * @param corners add the corner-singular terms of the domain's re-entrant corners to the
     *     solution, with trainable coefficients (plane domains; see {@code CornerEnrichment}); no
     *     effect where the domain has none. Default false, true in {@link RitzOptions#engd()}
     */
    public record Network(
            NetworkType type, int width, int depth, String activation, boolean corners) {
        /** Without corner terms. */
        public Network(NetworkType type, int width, int depth, String activation) {
            this(type, width, depth, activation, false);
        }

        public Network withCorners(boolean on) {
            return new Network(type, width, depth, activation, on);
        }

        public Network {
            require(type != null, "network.type", "'resnet' or 'mlp'", null);
            require(width > 0, "network.width", "a positive count", width);
            require(depth >= 0, "network.depth", "a non-negative count", depth);
            require(activation != null, "network.activation", "an activation name", null);
            try {
                Activation.parse(activation);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("network.activation: " + e.getMessage(), e);
            }
        }

        public static Network defaults() {
            return new Network(NetworkType.RESNET, 32, 3, "tanh");
        }

        /**
         * A freshly initialised network from {@code inputs} coordinates to one output, its weights
         * drawn from {@code rng}.
         */
        public Module build(int inputs, DType dtype, Rng rng) {
            Activation act = Activation.parse(activation);
            if (type == NetworkType.MLP) {
                int[] widths = new int[depth + 2];
                Arrays.fill(widths, width);
                widths[0] = inputs;
                widths[widths.length - 1] = 1;
                return Mlp.builder(widths).activation(act).dtype(dtype).build(rng);
            }
            Object[] layers = new Object[depth + 2];
            layers[0] = new Linear(inputs, width, rng, dtype);
            for (int b = 0; b < depth; b++) {
                layers[b + 1] = new ResidualBlock(width, act, Init.pytorchDefault(), rng, dtype);
            }
            layers[layers.length - 1] = new Linear(width, 1, rng, dtype);
            return new Sequential(layers);
        }
    }

    /** The optimiser of the training. */
    public enum OptimizerKind {
        /** Adam (Kingma and Ba 2015), optionally followed by L-BFGS. */
        ADAM,
        /**
         * Energy natural gradient descent (Müller and Zeinhofer 2023): Gauss-Newton steps in
         * function space with a line search, float64, on one fixed quasi-random point set; for
         * small networks.
         */
        ENGD;

        @Override
        public String toString() {
            return label(this);
        }

        public static OptimizerKind parse(String field, String value) {
            return parseLabel(OptimizerKind.class, field, value);
        }
    }

    /**
     * Optimisation. Defaults: 5000 Adam steps at learning rate 1e-3, constant, no L-BFGS.
     *
     * @param kind the optimiser: Adam or ENGD (JSON {@code "optimizer": {"name": "engd"}})
     * @param steps Adam or ENGD steps (non-negative)
     * @param lr Adam learning rate (positive)
     * @param lrDecay final learning rate as a fraction of lr (cosine decay with warm-up), in [0,
     *     1]; 1 keeps it constant
     * @param lbfgs L-BFGS iterations after Adam on a fixed quasi-random point set (0: none; Adam
     *     only)
     * @param damping ENGD's damping relative to the mean diagonal of its Gram matrix (positive;
     *     default 1e-10)
     */
    public record Optimizer(
            OptimizerKind kind, int steps, double lr, double lrDecay, int lbfgs, double damping) {
        public Optimizer {
            require(kind != null, "optimizer.name", "'adam' or 'engd'", null);
            require(steps >= 0, "optimizer.steps", "a non-negative count", steps);
            require(lr > 0 && Double.isFinite(lr), "optimizer.lr", "a positive number", lr);
            require(
                    lrDecay >= 0 && lrDecay <= 1,
                    "optimizer.lr_decay",
                    "a number in [0, 1]",
                    lrDecay);
            require(lbfgs >= 0, "optimizer.lbfgs", "a non-negative count", lbfgs);
            require(
                    lbfgs == 0 || kind == OptimizerKind.ADAM,
                    "optimizer.lbfgs",
                    "0 with optimizer 'engd' (it follows Adam only)",
                    lbfgs);
            require(
                    damping > 0 && Double.isFinite(damping),
                    "optimizer.damping",
                    "a positive number",
                    damping);
        }

        public static Optimizer defaults() {
            return new Optimizer(OptimizerKind.ADAM, 5000, 1e-3, 1.0, 0, 1e-10);
        }

        /**
         * ENGD for {@code steps} steps with the default damping (1e-10 of the mean Gram diagonal).
         */
        public static Optimizer engd(int steps) {
            return new Optimizer(OptimizerKind.ENGD, steps, 1e-3, 1.0, 0, 1e-10);
        }

        public Optimizer withKind(OptimizerKind k) {
            return new Optimizer(
                    k, steps, lr, lrDecay, k == OptimizerKind.ENGD ? 0 : lbfgs, damping);
        }

        public Optimizer withSteps(int s) {
            return new Optimizer(kind, s, lr, lrDecay, lbfgs, damping);
        }

        /** Learning rate and the fraction it decays to. */
        public Optimizer withLr(double rate, double decay) {
            return new Optimizer(kind, steps, rate, decay, lbfgs, damping);
        }

        public Optimizer withLbfgs(int iterations) {
            return new Optimizer(kind, steps, lr, lrDecay, iterations, damping);
        }

        public Optimizer withDamping(double eps) {
            return new Optimizer(kind, steps, lr, lrDecay, lbfgs, eps);
        }
    }

    /**
     * The run. Defaults: evaluate every 250 steps, seed 0, float32.
     *
     * @param evalEvery evaluation interval in steps (positive)
     * @param seed random seed (network initialisation and uniform sampling)
     * @param dtype float32 or float64
     */
    public record Run(int evalEvery, long seed, DType dtype) {
        public Run {
            require(evalEvery > 0, "eval_every", "a positive count", evalEvery);
            require(dtype != null, "dtype", "float32 or float64", null);
        }

        public static Run defaults() {
            return new Run(250, 0, DType.FLOAT32);
        }

        public Run withSeed(long s) {
            return new Run(evalEvery, s, dtype);
        }

        public Run withDtype(DType d) {
            return new Run(evalEvery, seed, d);
        }
    }

    private static String label(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT);
    }

    private static <E extends Enum<E>> E parseLabel(Class<E> type, String field, String value) {
        for (E e : type.getEnumConstants()) {
            if (label(e).equals(value)) {
                return e;
            }
        }
        String choices =
                Arrays.stream(type.getEnumConstants())
                        .map(e -> "'" + label(e) + "'")
                        .collect(Collectors.joining(", "));
        throw new IllegalArgumentException(
                field + ": expected one of " + choices + ", got '" + value + "'");
    }

    private static void require(boolean ok, String field, String expected, Object got) {
        if (!ok) {
            throw new IllegalArgumentException(field + ": expected " + expected + ", got " + got);
        }
    }
}
