package org.implicitlayers.ritz;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.implicitlayers.core.DType;
import org.implicitlayers.core.Grad;
import org.implicitlayers.core.MemoryScope;
import org.implicitlayers.core.Rng;
import org.implicitlayers.core.Tensor;
import org.implicitlayers.core.nn.Linear;
import org.implicitlayers.core.nn.Module;
import org.implicitlayers.core.nn.Parameter;
import org.implicitlayers.core.optim.Adam;
import org.implicitlayers.core.optim.Engd;
import org.implicitlayers.core.optim.Lbfgs;
import org.implicitlayers.core.optim.LrSchedule;
import org.implicitlayers.core.optim.Optimizer;
import org.implicitlayers.core.optim.Sgd;
import org.implicitlayers.core.train.CancelRequest;
import org.implicitlayers.core.train.LbfgsStage;
import org.implicitlayers.core.train.RunContext;
import org.implicitlayers.core.train.Stage;
import org.implicitlayers.core.train.Trainer;
import org.implicitlayers.core.train.TrainingCallback;
import org.implicitlayers.core.train.TrainingDivergedException;
import org.implicitlayers.ritz.RitzOptions.BoundaryTreatment;
import org.implicitlayers.ritz.domain.Box;
import org.implicitlayers.ritz.domain.Domain;
import org.implicitlayers.ritz.loss.Ansatz;
import org.implicitlayers.ritz.loss.CornerEnrichment;
import org.implicitlayers.ritz.loss.EnrichedNetwork;
import org.implicitlayers.ritz.loss.Loss;
import org.implicitlayers.ritz.loss.NaturalGradientObjective;
import org.implicitlayers.ritz.loss.PinnResidual;
import org.implicitlayers.ritz.loss.RayleighQuotient;
import org.implicitlayers.ritz.loss.RitzEnergy;
import org.implicitlayers.ritz.loss.TrainingPoints;
import org.implicitlayers.ritz.problem.BoundaryCondition;
import org.implicitlayers.ritz.problem.EigenProblem;
import org.implicitlayers.ritz.problem.PoissonProblem;
import org.implicitlayers.ritz.problem.Problem;
import org.implicitlayers.ritz.sampling.PointSource;

/**
 * Solves a {@link Problem} with a neural network: a {@link PoissonProblem} by the Deep Ritz energy
 * or the PINN residual, an {@link EigenProblem} by the Rayleigh quotient (the {@link Loss} of the
 * method), on the points of a {@link TrainingPoints}; Adam (with an optional cosine decay) through
 * core's {@link Trainer}, then optionally L-BFGS on a fixed quasi-random point set, as a {@link
 * LbfgsStage} of the same run (checkpointed and resumed exactly, like Adam's steps).
 *
 * <p>Progress and cancellation (for a front end that runs the solve off its UI thread):
 *
 * <pre>{@code
 * RitzSolver solver = new RitzSolver(spec.problem(), spec.options());
 * TrainingCallback live = new TrainingCallback() {
 *     public void onStep(Trainer.StepInfo s) { ... s.step(), s.loss() ... }          // every Adam step
 *     public void onEval(long step, Map<String, Double> m) {                         // every evalEvery steps
 *         SolutionGrid g = SolutionGrid.sample(solver, 101);                          // sample here: training thread
 *         ... hand m and g to the UI thread ...
 *     }
 * };
 * try (RunContext run = RunContext.open(folder, false)) {
 *     run.callback(live);
 *     executor.submit(() -> solver.solve(run));
 *     ...
 *     run.cancel();   // from any thread: stops after the current Adam step or L-BFGS iteration
 * }
 * }</pre>
 *
 * Callbacks run on the thread that called {@code solve}. A cancelled solve returns normally with
 * {@link Result#cancelled()} set, the network holding what was trained (during L-BFGS: its current
 * iterate; a checkpoint holds the stage, so a resumed solve finishes it), and final metrics
 * evaluated on it. The solver and its network are not thread-safe: read them (e.g. {@link
 * SolutionGrid#sample}) on the solving thread, inside a callback, or after {@code solve} returns.
 */
public final class RitzSolver {
    /** One evaluation during training: the step, the last training loss and the metrics. */
    public record Evaluation(long step, double loss, Map<String, Double> metrics) {}

    /**
     * The outcome.
     *
     * @param metrics final metrics ({@link #evaluate()})
     * @param history every evaluation, in order
     * @param trainSeconds training wall time, evaluations excluded
     * @param steps Adam steps plus L-BFGS iterations taken
     * @param lbfgsStop why L-BFGS stopped, or null when it did not run
     * @param cancelled true when a cancel request ({@link RunContext#cancel()}) ended the solve
     *     early
     */
    public record Result(
            Map<String, Double> metrics,
            List<Evaluation> history,
            double trainSeconds,
            long steps,
            String lbfgsStop,
            boolean cancelled) {}

    private final Problem problem;
    private final RitzOptions o;
    private final Rng rng;
    private final Module net;

    /**
     * What is trained: the network, or the network and its corner terms ({@link EnrichedNetwork}).
     */
    private final Module model;

    private final Ansatz ansatz;
    private final TrainingPoints points;
    private final Loss loss;
    private final Tensor testX;
    private Tensor exactU;
    private Tensor exactGrad;

    /**
     * Builds the network (initialised from the seed), the point sources and the loss of the method.
     *
     * @throws IllegalArgumentException when bc is exact and the problem has no Dirichlet condition,
     *     the point counts cannot fit in memory, or a setting would overflow the first step ({@link
     *     SettingsCheck}: the field named)
     */
    public RitzSolver(Problem problem, RitzOptions options) {
        this.problem = problem;
        this.o = options;
        boolean exact = o.boundary().treatment() == BoundaryTreatment.EXACT;
        if (problem instanceof PoissonProblem p && exact) {
            for (BoundaryCondition bc : p.boundary()) {
                if (bc.type() != BoundaryCondition.Type.DIRICHLET) {
                    // The ansatz can leave those parts free (see Ansatz), but training it did not
                    // converge in tests: refuse for now.
                    throw new IllegalArgumentException(
                            problem.name()
                                    + ": bc 'exact' imposes Dirichlet data, given whole or in pieces; "
                                    + "this problem also has a "
                                    + bc.type().name().toLowerCase(java.util.Locale.ROOT)
                                    + " condition: use bc 'penalty' (Neumann and Robin conditions are natural in the energy)");
                }
            }
        }
        Domain domain = problem.domain();
        SettingsCheck.require(problem, o);
        MemoryEstimate.require(domain.dim(), o, Runtime.getRuntime().maxMemory());
        this.rng = Rng.seeded(o.run().seed());
        int d = domain.dim();
        DType dtype = o.run().dtype();
        this.net = o.network().build(d, dtype, rng);
        RitzOptions.Sampling s = o.sampling();
        this.points =
                new TrainingPoints(
                        domain,
                        s.interior(),
                        s.boundary(),
                        source(s.method(), rng, d + 1),
                        source(s.method(), rng, d + 1),
                        s.resample(),
                        dtype);
        double beta = o.boundary().penalty();
        if (problem instanceof PoissonProblem p) {
            // One Dirichlet condition on the whole boundary: u = g + phi N; data in pieces (or
            // beside
            // Neumann/Robin parts): the blended lift of Ansatz.
            this.ansatz =
                    !exact
                            ? new Ansatz(net, domain, false, null)
                            : p.dirichletEverywhere()
                                    ? new Ansatz(net, domain, true, p.boundary().get(0).g())
                                    : new Ansatz(net, domain, p.boundary());
            this.loss =
                    o.method() == RitzOptions.Method.RITZ
                            ? new RitzEnergy(p, beta)
                            : new PinnResidual(p, beta);
        } else {
            this.ansatz = new Ansatz(net, domain, exact, null);
            this.loss = new RayleighQuotient((EigenProblem) problem, beta);
        }
        java.util.List<org.implicitlayers.ritz.domain.Corner> corners =
                o.network().corners() ? domain.reentrantCorners() : java.util.List.of();
        if (!corners.isEmpty()) {
            CornerEnrichment e = new CornerEnrichment(corners, dtype);
            this.ansatz.withCorners(e);
            this.model = new EnrichedNetwork(net, e);
        } else {
            this.model = net;
        }
        this.testX = testPoints(domain);
        if (problem instanceof PoissonProblem p && p.exact() != null) {
            Tensor xt = testX.requiringGrad();
            Tensor ue = p.exact().at(xt);
            // An exact solution may be constant in x (then its gradient is zero, not an error).
            exactGrad =
                    Grad.of(
                            new Tensor[] {ue.sum()},
                            new Tensor[] {xt},
                            null,
                            Grad.Options.defaults().withAllowUnused(true))[0]
                            .detach();
            exactU = ue.detach();
        }
    }

    private static PointSource source(RitzOptions.SamplingMethod m, Rng rng, int dim) {
        return switch (m) {
            case UNIFORM -> PointSource.uniform(rng, dim);
            case SOBOL -> PointSource.sobol(dim);
            case HALTON -> PointSource.halton(dim);
        };
    }

    /**
     * 2-D: the 101 x 101 grid of the bounding box (all of it for a box, boundary included; else the
     * inside); else 4096 Sobol points.
     */
    static Tensor testPoints(Domain domain) {
        int d = domain.dim();
        double[] lo = domain.lower(), hi = domain.upper();
        List<double[]> pts = new ArrayList<>();
        if (d > 2) {
            return domain.sampleInterior(4096, PointSource.sobol(d + 1), DType.FLOAT64);
        }
        int n = d == 1 ? 1001 : 101;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < (d == 2 ? n : 1); j++) {
                double[] x =
                        d == 1
                                ? new double[] {lo[0] + (hi[0] - lo[0]) * i / (n - 1)}
                                : new double[] {
                                    lo[0] + (hi[0] - lo[0]) * i / (n - 1),
                                    lo[1] + (hi[1] - lo[1]) * j / (n - 1)
                                };
                if (domain instanceof Box || domain.contains(x)) {
                    pts.add(x);
                }
            }
        }
        double[] flat = new double[pts.size() * d];
        for (int i = 0; i < pts.size(); i++) {
            System.arraycopy(pts.get(i), 0, flat, i * d, d);
        }
        return Tensor.of(flat, pts.size(), d);
    }

    public Problem problem() {
        return problem;
    }

    public RitzOptions options() {
        return o;
    }

    /**
     * What is trained: the network, or with corner terms an {@link EnrichedNetwork} of the network
     * and their coefficients.
     */
    public Module network() {
        return model;
    }

    public Rng rng() {
        return rng;
    }

    /**
     * True when the exact ansatz's lift (u with the network's output set to zero) equals the given
     * exact solution inside the domain (to 1e-9 relative, on 256 Sobol points): the Dirichlet data
     * then carry the whole answer into the interior, and the reported errors measure only how small
     * the network keeps phi N, not how well it solves the equation.
     */
    public boolean liftIsTheExactSolution() {
        if (!(problem instanceof PoissonProblem p) || p.exact() == null || !ansatz.exact()) {
            return false;
        }
        try (MemoryScope ignored = MemoryScope.open();
                Grad.Scope off = Grad.noGrad()) {
            Tensor x =
                    problem.domain()
                            .sampleInterior(
                                    256,
                                    PointSource.sobol(problem.domain().dim() + 1),
                                    o.run().dtype());
            Tensor lift = ansatz.at(x).sub(ansatz.multiplier(x).mul(net.forward(x)));
            if (ansatz.corners() != null) {
                lift = lift.sub(ansatz.corners().forward(x));
            }
            lift = lift.to(DType.FLOAT64);
            Tensor exact = p.exact().at(x.to(DType.FLOAT64));
            double scale = Math.max(exact.abs().max().item(), 1e-300);
            double tol = o.run().dtype() == DType.FLOAT64 ? 1e-9 : 1e-5;
            return lift.sub(exact).abs().max().item() <= tol * scale;
        }
    }

    /** The points errors are measured on [m, d], float64. */
    public Tensor testPoints() {
        return testX;
    }

    /**
     * The approximate solution at x [n, d] (in the network's dtype): [n, 1]; the network, or g +
     * phi N with the exact ansatz.
     */
    public Tensor solution(Tensor x) {
        return ansatz.at(x);
    }

    /**
     * The training loss of the method on freshly drawn (or the fixed) points: a scalar,
     * differentiable in the parameters.
     */
    public Tensor loss() {
        return loss.value(ansatz, points);
    }

    /**
     * Residual-based adaptive refinement (Lu et al. 2021, DeepXDE): among 8x the interior count of
     * candidate points, the {@code rarPoints} with the largest |residual| join the training set for
     * good.
     */
    void refine() {
        Tensor cand = points.candidates(8 * o.sampling().interior());
        double[] r = ((PinnResidual) loss).residual(ansatz, cand).abs().toDoubleArray();
        Integer[] order = new Integer[r.length];
        for (int i = 0; i < r.length; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, (i, j) -> Double.compare(r[j], r[i]));
        int[] top = new int[Math.min(o.sampling().rarPoints(), r.length)];
        for (int i = 0; i < top.length; i++) {
            top[i] = order[i];
        }
        points.add(cand.index(0, top));
    }

    /** Points added by refinement so far [k, d] (null when none). */
    public Tensor refinedPoints() {
        return points.added();
    }

    /**
     * Errors on the test set: rel_l2 and rel_h1 (gradient) against the exact solution; for
     * eigenproblems, the eigenvalue: the Rayleigh quotient of the approximate solution by
     * quasi-Monte Carlo quadrature over the domain ({@link Quadrature#rayleighQuotient}, 2^16 Sobol
     * points). Its tensors live in a memory scope of their own: on an off-heap backend they are
     * freed on return, however often it is called.
     */
    public Map<String, Double> evaluate() {
        try (MemoryScope scope = MemoryScope.open()) {
            return evaluateInScope();
        }
    }

    private Map<String, Double> evaluateInScope() {
        Map<String, Double> m = new LinkedHashMap<>();
        Tensor xt = testX.to(o.run().dtype()).requiringGrad();
        Tensor u = solution(xt);
        Tensor du = Grad.of(u.sum(), xt, false);
        try (Grad.Scope ignored = Grad.noGrad()) {
            Tensor ud = u.detach().to(DType.FLOAT64), dud = du.to(DType.FLOAT64);
            if (problem instanceof EigenProblem) {
                // Below, by quadrature over the domain: equal weights on a grid that includes the
                // boundary
                // overweight it (on the exact eigenfunction of the square they give 20.13 for 2
                // pi^2 = 19.74).
            } else if (exactU != null) {
                m.put("rel_l2", ud.sub(exactU).norm().item() / exactU.norm().item());
                double g = exactGrad.norm().item();
                if (g > 0) {
                    // The H1 seminorm: |grad(u - u*)| / |grad u*| on the test points (no L2 part).
                    m.put("rel_h1", dud.sub(exactGrad).norm().item() / g);
                }
            }
        }
        if (problem instanceof EigenProblem eigen) {
            double lambda =
                    Quadrature.rayleighQuotient(
                            this::solution,
                            problem.domain(),
                            Quadrature.RAYLEIGH_POINTS,
                            o.run().dtype());
            m.put("eigenvalue", lambda);
            if (!Double.isNaN(eigen.exactEigenvalue())) {
                m.put(
                        "eigenvalue_rel_error",
                        Math.abs(lambda - eigen.exactEigenvalue()) / eigen.exactEigenvalue());
            }
        }
        return m;
    }

    /**
     * Trains in the job {@code run} (Adam, then L-BFGS if asked): its callbacks see every step and
     * evaluation, its checkpoint file is written every 1000 steps, at the end and on cancel, a
     * resumed job continues from it, and {@link RunContext#cancel()} stops the solve after the
     * current step.
     */
    public Result solve(RunContext run) throws IOException {
        return solve(run, 0);
    }

    /**
     * As {@link #solve(RunContext)}, within a wall-clock budget in seconds (0: none; see {@link
     * #solve(List, CancelRequest, Path, boolean, double)}).
     */
    public Result solve(RunContext run, double budgetSeconds) throws IOException {
        return solve(
                run.callbacks(),
                run.cancelRequest(),
                run.checkpoint(),
                run.resume(),
                budgetSeconds);
    }

    /**
     * Trains without checkpoints or a way to cancel (tests, benchmarks); callbacks see every step
     * and evaluation.
     */
    public Result solve(List<TrainingCallback> callbacks) throws IOException {
        return solve(callbacks, new CancelRequest(), null, false, 0);
    }

    /**
     * Trains (Adam, then L-BFGS if asked) within a wall-clock budget (0: none): Adam gets a third
     * of it when L-BFGS follows, all of it otherwise; L-BFGS stops after the iteration that crosses
     * it.
     *
     * @param callbacks called on this thread at every Adam step and evaluation
     * @param cancel stops the solve after the current step when {@link CancelRequest#cancel()} is
     *     called (from any thread, before or during)
     * @param checkpoint the checkpoint file (written every 1000 steps, at the end and on cancel),
     *     or null for none
     * @param resume continue from {@code checkpoint} when it exists
     * @param budgetSeconds wall-clock budget in seconds, 0 for none
     */
    public Result solve(
            List<TrainingCallback> callbacks,
            CancelRequest cancel,
            Path checkpoint,
            boolean resume,
            double budgetSeconds)
            throws IOException {
        long start = System.nanoTime();
        List<Evaluation> history = new ArrayList<>();
        double[] evalSeconds = {0};
        double[] lastLoss = {Double.NaN};
        RitzOptions.Optimizer opt = o.optimizer();
        RitzOptions.Sampling s = o.sampling();
        boolean engd = opt.kind() == RitzOptions.OptimizerKind.ENGD;
        // ENGD is a stage of its own after zero first-order steps (the trainer's optimiser then
        // takes
        // no step; plain SGD keeps its checkpoint entries trivial).
        Optimizer first =
                engd ? new Sgd(model.parameters(), 0) : new Adam(model.parameters(), opt.lr());
        Trainer.Builder b =
                Trainer.builder(model, first, rng)
                        .loss((step, r) -> loss())
                        .state(points)
                        .evaluator(
                                step -> {
                                    long t0 = System.nanoTime();
                                    Map<String, Double> m = evaluate();
                                    evalSeconds[0] += (System.nanoTime() - t0) / 1e9;
                                    history.add(new Evaluation(step, lastLoss[0], m));
                                    return m;
                                })
                        .options(
                                Trainer.Options.defaults()
                                        .withSteps(engd ? 0 : opt.steps())
                                        .withEvalEvery(o.run().evalEvery())
                                        .withCheckpointEvery(checkpoint == null ? 0 : 1000)
                                        .withCheckpoint(checkpoint)
                                        .withResume(resume))
                        .callback(
                                new TrainingCallback() {
                                    @Override
                                    public void onStep(Trainer.StepInfo info) {
                                        lastLoss[0] = info.loss();
                                        if (s.rarEvery() > 0
                                                && info.step() % s.rarEvery() == 0
                                                && info.step() < opt.steps()) {
                                            refine();
                                        }
                                    }
                                });
        if (opt.lrDecay() < 1 && !engd) {
            b.schedule(
                    LrSchedule.cosine(
                            opt.lr(),
                            Math.min(100, opt.steps() / 10 + 1),
                            Math.max(opt.steps(), 2),
                            opt.lr() * opt.lrDecay()));
        }
        // The callbacks see the end of the solve only after L-BFGS, whose result they log as a last
        // step and evaluation.
        Trainer.Result[] adamEnd = {null};
        b.callback(
                new TrainingCallback() {
                    @Override
                    public void onStart(long firstStep, long totalSteps) {
                        callbacks.forEach(cb -> cb.onStart(firstStep, totalSteps));
                    }

                    @Override
                    public void onStep(Trainer.StepInfo info) {
                        callbacks.forEach(cb -> cb.onStep(info));
                    }

                    @Override
                    public void onEval(long step, Map<String, Double> metrics) {
                        callbacks.forEach(cb -> cb.onEval(step, metrics));
                    }

                    @Override
                    public void onCheckpoint(long step, Path file) {
                        callbacks.forEach(cb -> cb.onCheckpoint(step, file));
                    }

                    @Override
                    public void onEnd(Trainer.Result result) {
                        adamEnd[0] = result;
                    }
                });
        // L-BFGS on a fixed quasi-random point set, a stage of the same training run (checkpointed
        // and
        // resumed like Adam's steps). L-BFGS may end past its best point, and a lower loss on its
        // fixed
        // points may be a worse solution (it can fit their quadrature error): the stage ends at its
        // best
        // point, re-fits the constant mode, and is undone unless the loss on independent points did
        // not rise.
        if (engd) {
            b.then(new EngdStage(opt.steps()));
        }
        LbfgsStage lbfgs = null;
        Float64LbfgsStage lbfgs64 = null;
        // Whether the L-BFGS stage has begun or been resumed (the budget then no longer ends the
        // first stage).
        boolean[] lbfgsBegun = {false};
        if (opt.lbfgs() > 0) {
            // In float32 the stage runs on a float64 twin of the network, its points and its loss
            // (see Float64LbfgsStage).
            RitzSolver on =
                    o.run().dtype() == DType.FLOAT64
                            ? this
                            : new RitzSolver(problem, o.withRun(o.run().withDtype(DType.FLOAT64)));
            lbfgs =
                    new LbfgsStage(
                            on.model.parameters(),
                            Lbfgs.Options.defaults()
                                    .withMaxIterations(opt.lbfgs())
                                    .withTolerances(1e-12, 1e-15),
                            on::loss,
                            on::heldOutLoss,
                            () -> {
                                lbfgsBegun[0] = true;
                                on.points.freeze(4, 0);
                            },
                            () -> {
                                on.points.thaw();
                                on.recentre();
                            });
            if (budgetSeconds > 0) {
                // From now: a stage that begins with the budget spent stops after its first
                // iteration.
                lbfgs.withTimeBudget(budgetSeconds);
            }
            if (on == this) {
                b.then(lbfgs);
            } else {
                lbfgs64 = new Float64LbfgsStage(on, lbfgs);
                b.then(lbfgs64);
            }
        }
        Trainer trainer;
        if (budgetSeconds > 0) {
            double adamBudget = opt.lbfgs() > 0 ? budgetSeconds / 3 : budgetSeconds;
            Trainer[] self = new Trainer[1];
            b.callback(
                    new TrainingCallback() {
                        @Override
                        public void onStep(Trainer.StepInfo info) {
                            // Only the first stage (Adam, or ENGD): L-BFGS's steps, numbered on
                            // after Adam's last, stop by
                            // their own time budget (finishing the stage here would end L-BFGS
                            // after one iteration).
                            if (!lbfgsBegun[0]
                                    && info.step() <= opt.steps()
                                    && (System.nanoTime() - start) / 1e9 > adamBudget) {
                                self[0].finishStage();
                            }
                        }
                    });
            trainer = self[0] = b.build();
        } else {
            trainer = b.build();
        }
        cancel.accept(trainer);
        Trainer.Result tr;
        try {
            tr = trainer.run();
        } catch (TrainingDivergedException e) {
            // Name the term that went first (the trainer knows only the sum).
            String terms = loss.nonFiniteTerms();
            if (terms == null || !e.getMessage().contains("; training stopped")) {
                throw e;
            }
            throw new TrainingDivergedException(
                    e.step(),
                    e.getMessage()
                            .replaceFirst(
                                    "; training stopped",
                                    java.util.regex.Matcher.quoteReplacement(
                                            ": " + terms + "; training stopped")));
        } finally {
            if (engd) {
                points.thaw();
            }
        }
        double train = tr.elapsedSeconds() - evalSeconds[0];
        long steps = tr.lastStep();
        String outcome =
                lbfgs64 != null ? lbfgs64.outcome() : lbfgs != null ? lbfgs.outcome() : null;
        String stop =
                lbfgs == null
                        ? null
                        : outcome != null
                                ? outcome
                                : tr.cancelled() && steps >= opt.steps() ? "cancelled" : null;
        boolean cancelled = cancel.requested();
        if (cancelled) {
            Map<String, Double> m = evaluate();
            history.add(new Evaluation(steps, lastLoss[0], m));
            long lastStep = steps;
            callbacks.forEach(cb -> cb.onEval(lastStep, m));
        }
        Trainer.Result end = adamEnd[0] != null ? adamEnd[0] : tr;
        callbacks.forEach(cb -> cb.onEnd(end));
        Map<String, Double> finalMetrics =
                history.isEmpty() ? evaluate() : history.get(history.size() - 1).metrics();
        return new Result(finalMetrics, history, train, steps, stop, cancelled);
    }

    /**
     * Copies every parameter of {@code from} into {@code to} (same architecture), converting the
     * dtype.
     */
    private static void copyParameters(Module from, Module to) {
        Map<String, Parameter> target = to.parameters();
        from.parameters()
                .forEach(
                        (k, p) -> {
                            Parameter q = target.get(k);
                            q.set(
                                    Tensor.of(
                                            q.value().dtype(),
                                            p.value().toDoubleArray(),
                                            q.shape()));
                        });
    }

    /**
     * Re-fits the constant mode after L-BFGS when no Dirichlet condition pins it. The energy then
     * fixes the constant only through c u and the Robin terms, at a cost quadratic in the offset
     * and small, while the quadrature error of L-BFGS's fixed point set in the linear term (the
     * mean of c u - f over those points) shifts its minimiser: measured on a pure-Neumann
     * reaction-diffusion problem, a near-constant offset that raised the relative L2 error from
     * 1.4e-2 to 7e-2 while the energy fell. The energy is exactly quadratic in a constant shift k
     * of u, so three evaluations on a large independent point set give its minimiser, which is
     * added to the output bias of the network. Only for the Ritz energy (the PINN residual and the
     * Rayleigh quotient do not have this weakness in the same form).
     */
    private void recentre() {
        if (!(problem instanceof PoissonProblem p)
                || o.method() != RitzOptions.Method.RITZ
                || p.boundary().stream()
                        .anyMatch(bc -> bc.type() == BoundaryCondition.Type.DIRICHLET)) {
            return;
        }
        Parameter bias = outputBias();
        if (bias == null) {
            return;
        }
        double h = 0.1, e0 = 0, ep = 0, em = 0;
        // Four independent sets of four times the per-step counts each: sixteen times the points of
        // a
        // step, in pieces no larger than those L-BFGS evaluates (memory).
        for (int block = 2; block < 6; block++) {
            points.freeze(4, block);
            try {
                e0 += heldOut();
                ep += shifted(bias, h);
                em += shifted(bias, -h);
            } finally {
                points.thaw();
            }
        }
        double curvature = (ep - 2 * e0 + em) / (h * h), slope = (ep - em) / (2 * h);
        if (curvature > 0 && Double.isFinite(slope)) {
            shift(bias, -slope / curvature);
        }
    }

    private double shifted(Parameter bias, double k) {
        shift(bias, k);
        try {
            return heldOut();
        } finally {
            shift(bias, -k);
        }
    }

    private static void shift(Parameter bias, double k) {
        double[] v = bias.value().toDoubleArray();
        v[0] += k;
        bias.set(Tensor.of(bias.value().dtype(), v, bias.shape()));
    }

    private double heldOut() {
        try (MemoryScope ignored = MemoryScope.open()) {
            return loss().item();
        }
    }

    /**
     * The bias of the network's output layer ({@link #outputBias(Module, Tensor)}, checked at the
     * domain's lower corner).
     */
    private Parameter outputBias() {
        return outputBias(
                net,
                Tensor.of(o.run().dtype(), problem.domain().lower(), 1, problem.domain().dim()));
    }

    /**
     * The bias of a network's output layer, found by structure: the last {@link Linear} layer of
     * the network (depth first), when it has one output and a bias; null otherwise. Shifting it
     * must shift the network's output by the same amount (nothing follows the layer): checked at
     * the point {@code x} [1, d], else null.
     */
    static Parameter outputBias(Module net, Tensor x) {
        Linear last = null;
        for (Module m : net.modules()) {
            if (m instanceof Linear l) {
                last = l;
            }
        }
        if (last == null || last.bias() == null || last.out() != 1) {
            return null;
        }
        Parameter bias = last.bias();
        try (MemoryScope ignored = MemoryScope.open();
                Grad.Scope off = Grad.noGrad()) {
            double before = net.forward(x).item();
            shift(bias, 1);
            double after;
            try {
                after = net.forward(x).item();
            } finally {
                shift(bias, -1);
            }
            return Math.abs(after - before - 1) <= 1e-3 * Math.max(1, Math.abs(before))
                    ? bias
                    : null;
        }
    }

    /**
     * The loss on a fixed quasi-random set disjoint from the one L-BFGS trains on (for judging its
     * result).
     */
    private double heldOutLoss() {
        points.freeze(4, 1);
        try {
            return heldOut();
        } finally {
            points.thaw();
        }
    }

    /**
     * Energy natural gradient descent as the run's stage (after zero first-order steps): one {@link
     * Engd} step per trainer step, on a set of points drawn for that step ({@link
     * TrainingPoints#hold}: the Gram matrix and the line search must see the same points) or,
     * without resampling, on the run's one fixed set. Fresh points matter for the Ritz energy: on a
     * fixed set no larger than the network, its quadrature is not coercive and the loss falls
     * without bound (measured: -12.8 and falling after 60 steps on poisson-square, whose energy is
     * -2.47). Its checkpoint state is the optimiser's ({@link Engd#stateDict()}); the training
     * points' state is the run's, saved by the trainer.
     */
    private final class EngdStage implements Stage {
        private final Engd engd;
        private final NaturalGradientObjective objective;
        private final long steps;

        EngdStage(long steps) {
            if (!(problem instanceof PoissonProblem p)) {
                throw new IllegalArgumentException(
                        problem.name()
                                + ": optimizer 'engd' solves Poisson problems (Ritz energy or PINN "
                                + "residual), not eigenproblems: use 'adam'");
            }
            this.engd =
                    new Engd(
                            model.parameters(),
                            Engd.Options.defaults().withDamping(o.optimizer().damping()));
            this.objective =
                    new NaturalGradientObjective(
                            p,
                            loss,
                            ansatz,
                            points,
                            o.network().activation(),
                            o.boundary().penalty());
            this.steps = steps;
        }

        @Override
        public String name() {
            return "engd";
        }

        @Override
        public long steps() {
            return steps;
        }

        @Override
        public void begin() {
            fixPoints();
        }

        private void fixPoints() {
            if (!o.sampling().resample()) {
                points.freeze(1, 0);
            }
        }

        @Override
        public double step(long step, Rng rng) {
            if (o.sampling().resample()) {
                points.hold();
            }
            return engd.step(objective).loss();
        }

        @Override
        public boolean finished() {
            return false;
        }

        @Override
        public void end() {
            points.thaw();
        }

        @Override
        public Map<String, Tensor> state() {
            return engd.stateDict();
        }

        @Override
        public void restore(Map<String, Tensor> state) {
            if (state.isEmpty()) {
                throw new IllegalArgumentException(
                        "engd: no optimiser state (the checkpoint was not written by an 'engd' run)");
            }
            engd.loadStateDict(state);
            fixPoints();
        }
    }

    /**
     * L-BFGS of a float32 run, on a float64 twin of its network, points and loss: in float32 the
     * line search fails on rounding (its sufficient-decrease test compares losses that differ in
     * the 7th digit). The twin takes the network's parameters (and refined points) when the stage
     * begins or resumes, and after every iteration the network takes the twin's, rounded, so that
     * evaluations and checkpoints see the current iterate; the exact float64 iterate and the rest
     * of L-BFGS's state are the stage's checkpoint state, so a resume continues in float64 exactly.
     */
    private final class Float64LbfgsStage implements Stage {
        private final RitzSolver twin;
        private final LbfgsStage inner;

        Float64LbfgsStage(RitzSolver twin, LbfgsStage inner) {
            this.twin = twin;
            this.inner = inner;
        }

        private void toTwin() {
            copyParameters(model, twin.model);
            if (points.added() != null && twin.points.added() == null) {
                twin.points.add(points.added().to(DType.FLOAT64));
            }
        }

        @Override
        public String name() {
            return inner.name();
        }

        @Override
        public long steps() {
            return inner.steps();
        }

        @Override
        public void begin() {
            toTwin();
            inner.begin();
        }

        @Override
        public double step(long step, Rng rng) {
            double l = inner.step(step, rng);
            copyParameters(twin.model, model);
            return l;
        }

        @Override
        public boolean finished() {
            return inner.finished();
        }

        @Override
        public void end() {
            inner.end();
            copyParameters(twin.model, model);
        }

        /** As {@link LbfgsStage#outcome()}, marked as run in float64. */
        String outcome() {
            return inner.outcome() == null ? null : inner.outcome() + " (in float64)";
        }

        @Override
        public Map<String, Tensor> state() {
            return inner.state();
        }

        @Override
        public void restore(Map<String, Tensor> state) {
            toTwin();
            inner.restore(state);
            copyParameters(twin.model, model);
        }
    }
}
