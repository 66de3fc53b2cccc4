package org.implicitlayers.ritz;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.implicitlayers.core.DType;
import org.implicitlayers.core.Grad;
import org.implicitlayers.core.Rng;
import org.implicitlayers.core.Tensor;
import org.implicitlayers.core.nn.Activation;
import org.implicitlayers.core.nn.Init;
import org.implicitlayers.core.nn.Linear;
import org.implicitlayers.core.nn.Mlp;
import org.implicitlayers.core.nn.Module;
import org.implicitlayers.core.nn.ResidualBlock;
import org.implicitlayers.core.nn.Sequential;
import org.implicitlayers.core.optim.Adam;
import org.implicitlayers.core.optim.Lbfgs;
import org.implicitlayers.core.optim.LrSchedule;
import org.implicitlayers.core.train.Trainer;
import org.implicitlayers.core.train.TrainingCallback;
import org.implicitlayers.ritz.domain.Box;
import org.implicitlayers.ritz.domain.Domain;
import org.implicitlayers.ritz.problem.BoundaryCondition;
import org.implicitlayers.ritz.problem.EigenProblem;
import org.implicitlayers.ritz.problem.PoissonProblem;
import org.implicitlayers.ritz.problem.ScalarField;
import org.implicitlayers.ritz.sampling.PointSource;

/**
 * Solves a {@link PoissonProblem} by the Deep Ritz method (E and Yu 2018: minimise the energy
 * int 0.5 a |grad u|^2 + 0.5 c u^2 - f u over the network, with natural Neumann/Robin terms and a
 * Dirichlet penalty or an exact ansatz) or as a PINN (the squared strong-form residual, with the
 * Laplacian from second-order autodiff); or an {@link EigenProblem} by the Rayleigh quotient.
 */
public final class RitzSolver {
    /** One evaluation during training. */
    public record Evaluation(long step, double loss, Map<String, Double> metrics) {
    }

    /** The outcome: final metrics, the evaluation history and the training wall time (evaluations excluded). */
    public record Result(Map<String, Double> metrics, List<Evaluation> history, double trainSeconds, long steps, String lbfgsStop) {
    }

    private final PoissonProblem problem;
    private final EigenProblem eigen;
    private final Domain domain;
    private final RitzOptions o;
    private final Rng rng;
    private final Module net;
    private final PointSource interiorSource;
    private final PointSource boundarySource;
    private final double measure;
    private final double boundaryMeasure;
    private Tensor fixedInterior;
    private Tensor extraInterior;
    private boolean forceFixed;
    private Domain.BoundarySample fixedBoundary;
    private final Tensor testX;
    private Tensor exactU;
    private Tensor exactGrad;

    public RitzSolver(PoissonProblem problem, RitzOptions options) {
        this(problem, null, problem.domain(), options);
    }

    public RitzSolver(EigenProblem eigen, RitzOptions options) {
        this(null, eigen, eigen.domain(), options);
    }

    private RitzSolver(PoissonProblem problem, EigenProblem eigen, Domain domain, RitzOptions options) {
        this.problem = problem;
        this.eigen = eigen;
        this.domain = domain;
        this.o = options.validate();
        if (problem != null && o.bc().equals("exact") && !problem.dirichletEverywhere()) {
            throw new IllegalArgumentException(problem.name() + ": bc 'exact' needs a Dirichlet condition on the whole boundary");
        }
        this.rng = Rng.seeded(o.seed());
        int d = domain.dim();
        this.net = network(d, o, rng);
        this.interiorSource = PointSource.named(o.sampling(), rng, d + 1);
        this.boundarySource = PointSource.named(o.sampling(), rng, d + 1);
        this.measure = domain.measure();
        this.boundaryMeasure = domain.boundaryMeasure();
        this.testX = testPoints(domain);
        if (problem != null && problem.exact() != null) {
            Tensor xt = testX.requiringGrad();
            Tensor ue = problem.exact().at(xt);
            // An exact solution may be constant in x (then its gradient is zero, not an error).
            exactGrad = Grad.of(new Tensor[] {ue.sum()}, new Tensor[] {xt}, null,
                    Grad.Options.defaults().allowUnused(true))[0].detach();
            exactU = ue.detach();
        }
    }

    /** The networks of the method: the Deep Ritz residual network or a plain MLP. */
    static Module network(int d, RitzOptions o, Rng rng) {
        Activation act = Activation.parse(o.activation());
        if (o.network().equals("mlp")) {
            int[] widths = new int[o.depth() + 2];
            java.util.Arrays.fill(widths, o.width());
            widths[0] = d;
            widths[widths.length - 1] = 1;
            return Mlp.builder(widths).activation(act).dtype(o.dtype()).build(rng);
        }
        Object[] layers = new Object[o.depth() + 2];
        layers[0] = new Linear(d, o.width(), rng, o.dtype());
        for (int b = 0; b < o.depth(); b++) {
            layers[b + 1] = new ResidualBlock(o.width(), act, Init.pytorchDefault(), rng, o.dtype());
        }
        layers[layers.length - 1] = new Linear(o.width(), 1, rng, o.dtype());
        return new Sequential(layers);
    }

    /** 2-D: the 101 x 101 grid of the bounding box (all of it for a box, boundary included; else the inside); else 4096 Sobol points. */
    static Tensor testPoints(Domain domain) {
        int d = domain.dim();
        double[] lo = domain.lower(), hi = domain.upper();
        List<double[]> pts = new ArrayList<>();
        if (d <= 2) {
            int n = d == 1 ? 1001 : 101;
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < (d == 2 ? n : 1); j++) {
                    double[] x = d == 1 ? new double[] {lo[0] + (hi[0] - lo[0]) * i / (n - 1)}
                            : new double[] {lo[0] + (hi[0] - lo[0]) * i / (n - 1), lo[1] + (hi[1] - lo[1]) * j / (n - 1)};
                    if (domain instanceof Box || domain.contains(x)) {
                        pts.add(x);
                    }
                }
            }
        } else {
            PointSource s = PointSource.sobol(d + 1);
            Tensor t = domain.sampleInterior(4096, s, DType.FLOAT64);
            return t;
        }
        double[] flat = new double[pts.size() * d];
        for (int i = 0; i < pts.size(); i++) {
            System.arraycopy(pts.get(i), 0, flat, i * d, d);
        }
        return Tensor.of(flat, pts.size(), d);
    }

    public Module network() {
        return net;
    }

    public Rng rng() {
        return rng;
    }

    public Tensor testPoints() {
        return testX;
    }

    /** The approximate solution at x [n, d]: the network, or g + phi N with the exact Dirichlet ansatz. */
    public Tensor solution(Tensor x) {
        Tensor n = net.forward(x);
        if (o.bc().equals("exact")) {
            Tensor phi = domain.distance(x);
            n = phi.mul(n);
            if (problem != null) {
                n = n.add(problem.boundary().get(0).g().at(x));
            }
        }
        return n;
    }

    private Tensor interior() {
        Tensor base;
        if (!o.resample() || forceFixed) {
            if (fixedInterior == null) {
                fixedInterior = domain.sampleInterior(o.interior(), interiorSource, o.dtype());
            }
            base = fixedInterior;
        } else {
            base = domain.sampleInterior(o.interior(), interiorSource, o.dtype());
        }
        return extraInterior == null ? base : Tensor.concat(0, base, extraInterior);
    }

    private Domain.BoundarySample boundary() {
        if (!o.resample() || forceFixed) {
            if (fixedBoundary == null) {
                fixedBoundary = domain.sampleBoundary(o.boundary(), boundarySource, o.dtype());
            }
            return fixedBoundary;
        }
        return domain.sampleBoundary(o.boundary(), boundarySource, o.dtype());
    }

    private static Tensor field(ScalarField f, Tensor x, double dflt) {
        return f == null ? Tensor.full(x.dtype(), dflt, x.shape(0), 1) : f.at(x);
    }

    /** The training loss on freshly drawn (or the fixed) points. */
    public Tensor loss() {
        Tensor xi = interior().requiringGrad();
        Tensor u = solution(xi);
        Tensor du = Grad.of(u.sum(), xi, true);
        Tensor grad2 = du.square().sum(new int[] {1}, true);
        if (eigen != null) {
            return eigenLoss(u, grad2);
        }
        Tensor xd = xi.detach();
        Tensor a = problem.a() == null ? null : problem.a().at(xd);
        Tensor c = problem.c() == null ? null : problem.c().at(xd);
        Tensor f = problem.f().at(xd);
        Tensor loss;
        if (o.method().equals("ritz")) {
            Tensor density = (a == null ? grad2 : a.mul(grad2)).mul(0.5).sub(f.mul(u));
            if (c != null) {
                density = density.add(c.mul(u.square()).mul(0.5));
            }
            loss = density.mean().mul(measure);
        } else {
            loss = residual(xi, u, du).square().mean();
        }
        return loss.add(boundaryLoss());
    }

    /** The strong-form residual -div(a grad u) + c u - f at xi, with the divergence from second-order autodiff. */
    private Tensor residual(Tensor xi, Tensor u, Tensor du) {
        Tensor xd = xi.detach();
        Tensor flux = problem.a() == null ? du : problem.a().at(xd).mul(du);
        Tensor div = null;
        for (int k = 0; k < xi.shape(1); k++) {
            Tensor dk = Grad.of(flux.select(1, k).sum(), xi, true).slice(1, k, k + 1);
            div = div == null ? dk : div.add(dk);
        }
        Tensor r = div.neg().sub(problem.f().at(xd));
        if (problem.c() != null) {
            r = r.add(problem.c().at(xd).mul(u));
        }
        return r;
    }

    /**
     * Residual-based adaptive refinement (Lu et al. 2021, DeepXDE): among 8x the interior count of
     * candidate points, the {@code rarPoints} with the largest |residual| join the training set for good.
     */
    void refine() {
        Tensor cand = domain.sampleInterior(8 * o.interior(), interiorSource, o.dtype()).requiringGrad();
        Tensor u = solution(cand);
        Tensor du = Grad.of(u.sum(), cand, true);
        double[] r = residual(cand, u, du).abs().toDoubleArray();
        Integer[] order = new Integer[r.length];
        for (int i = 0; i < r.length; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, (i, j) -> Double.compare(r[j], r[i]));
        int[] top = new int[Math.min(o.rarPoints(), r.length)];
        for (int i = 0; i < top.length; i++) {
            top[i] = order[i];
        }
        Tensor added = cand.detach().index(0, top);
        extraInterior = extraInterior == null ? added : Tensor.concat(0, extraInterior, added);
    }

    /** Points added by refinement so far (null when none). */
    public Tensor refinedPoints() {
        return extraInterior;
    }

    private Tensor boundaryLoss() {
        boolean exact = o.bc().equals("exact");
        boolean ritz = o.method().equals("ritz");
        List<BoundaryCondition> bcs = problem.boundary();
        boolean needFlux = !ritz && bcs.stream().anyMatch(b -> b.type() != BoundaryCondition.Type.DIRICHLET);
        if (exact && !needFlux && bcs.stream().allMatch(b -> b.type() == BoundaryCondition.Type.DIRICHLET)) {
            return Tensor.zeros(o.dtype());
        }
        Domain.BoundarySample bs = boundary();
        Tensor xb = needFlux ? bs.points().requiringGrad() : bs.points();
        Tensor ub = solution(xb);
        Tensor dudn = null;
        if (needFlux) {
            Tensor gb = Grad.of(ub.sum(), xb, true);
            dudn = gb.mul(bs.normals()).sum(new int[] {1}, true);
            if (problem.a() != null) {
                dudn = dudn.mul(problem.a().at(bs.points()));
            }
        }
        Tensor xp = bs.points();
        Tensor total = Tensor.zeros(o.dtype());
        Tensor claimed = Tensor.zeros(o.dtype(), xp.shape(0), 1);
        for (BoundaryCondition bc : bcs) {
            // Each point belongs to the first condition whose region contains it.
            Tensor in = bc.where() == null ? Tensor.ones(o.dtype(), xp.shape(0), 1) : bc.where().at(xp).gt(0.0);
            Tensor w = in.mul(claimed.neg().add(1.0));
            claimed = claimed.add(w);
            Tensor g = bc.g().at(xp);
            Tensor term;
            switch (bc.type()) {
                case DIRICHLET:
                    if (exact) {
                        continue;
                    }
                    term = ub.sub(g).square().mul(w).mean().mul(o.penalty() * (ritz ? boundaryMeasure : 1));
                    break;
                case NEUMANN:
                    term = ritz ? g.mul(ub).mul(w).mean().mul(-boundaryMeasure)
                            : dudn.sub(g).square().mul(w).mean().mul(o.penalty());
                    break;
                default:
                    Tensor alpha = bc.alpha().at(xp);
                    term = ritz ? alpha.mul(ub.square()).mul(0.5).sub(g.mul(ub)).mul(w).mean().mul(boundaryMeasure)
                            : dudn.add(alpha.mul(ub)).sub(g).square().mul(w).mean().mul(o.penalty());
                    break;
            }
            total = total.add(term);
        }
        return total;
    }

    /** Rayleigh quotient (plus the boundary penalty unless exact) and the normalisation penalty (int u^2 = 1). */
    private Tensor eigenLoss(Tensor u, Tensor grad2) {
        Tensor u2 = u.square().mean();
        Tensor num = grad2.mean();
        if (!o.bc().equals("exact")) {
            Tensor ub = solution(boundary().points());
            num = num.add(ub.square().mean().mul(o.penalty() * boundaryMeasure / measure));
        }
        return num.div(u2).add(u2.mul(measure).sub(1.0).square().mul(o.penalty()));
    }

    /** Errors on the test set: rel_l2 and rel_h1 (gradient) against the exact solution; for eigenproblems, the eigenvalue. */
    public Map<String, Double> evaluate() {
        Map<String, Double> m = new LinkedHashMap<>();
        Tensor xt = testX.to(o.dtype()).requiringGrad();
        Tensor u = solution(xt);
        Tensor du = Grad.of(u.sum(), xt, false);
        try (Grad.Scope ignored = Grad.noGrad()) {
            Tensor ud = u.detach().to(DType.FLOAT64), dud = du.to(DType.FLOAT64);
            if (eigen != null) {
                // Rayleigh quotient on the test set, which for a box includes its boundary (where u should vanish).
                double lambda = dud.square().sum().item() / ud.square().sum().item();
                m.put("eigenvalue", lambda);
                if (!Double.isNaN(eigen.exactEigenvalue())) {
                    m.put("eigenvalue_rel_error", Math.abs(lambda - eigen.exactEigenvalue()) / eigen.exactEigenvalue());
                }
            } else if (exactU != null) {
                m.put("rel_l2", ud.sub(exactU).norm().item() / exactU.norm().item());
                m.put("rel_h1", dud.sub(exactGrad).norm().item() / exactGrad.norm().item());
            }
        }
        return m;
    }

    /** Trains (Adam, then L-BFGS if asked); callbacks see every step and evaluation. */
    public Result solve(List<TrainingCallback> callbacks, Path checkpoint, boolean resume) throws IOException {
        return solve(callbacks, checkpoint, resume, 0);
    }

    /**
     * As {@link #solve(List, Path, boolean)}, within a wall-clock budget (0: none): Adam gets a third of
     * it when L-BFGS follows, all of it otherwise; L-BFGS stops after the iteration that crosses it.
     */
    public Result solve(List<TrainingCallback> callbacks, Path checkpoint, boolean resume, double budgetSeconds) throws IOException {
        long start = System.nanoTime();
        List<Evaluation> history = new ArrayList<>();
        double[] evalSeconds = {0};
        double[] lastLoss = {Double.NaN};
        Adam adam = new Adam(net.parameters(), o.lr());
        Trainer.Builder b = Trainer.builder(net, adam, rng)
                .loss((step, r) -> loss())
                .evaluator(step -> {
                    long t0 = System.nanoTime();
                    Map<String, Double> m = evaluate();
                    evalSeconds[0] += (System.nanoTime() - t0) / 1e9;
                    history.add(new Evaluation(step, lastLoss[0], m));
                    return m;
                })
                .options(new Trainer.Options(o.steps(), o.evalEvery(), checkpoint == null ? 0 : 1000, checkpoint, resume))
                .callback(new TrainingCallback() {
                    @Override
                    public void onStep(Trainer.StepInfo info) {
                        lastLoss[0] = info.loss();
                        if (o.rarEvery() > 0 && info.step() % o.rarEvery() == 0 && info.step() < o.steps()) {
                            refine();
                        }
                    }
                });
        if (o.lrDecay() < 1) {
            b.schedule(LrSchedule.cosine(o.lr(), Math.min(100, o.steps() / 10 + 1), Math.max(o.steps(), 2), o.lr() * o.lrDecay()));
        }
        callbacks.forEach(b::callback);
        Trainer[] trainer = new Trainer[1];
        if (budgetSeconds > 0) {
            double adamBudget = o.lbfgs() > 0 ? budgetSeconds / 3 : budgetSeconds;
            b.callback(new TrainingCallback() {
                @Override
                public void onStep(Trainer.StepInfo info) {
                    if ((System.nanoTime() - start) / 1e9 > adamBudget) {
                        trainer[0].cancel();
                    }
                }
            });
        }
        trainer[0] = b.build();
        Trainer.Result tr = trainer[0].run();
        double train = tr.elapsedSeconds() - evalSeconds[0];
        String stop = null;
        long steps = tr.lastStep();
        if (o.lbfgs() > 0 && (!tr.cancelled() || budgetSeconds > 0)) {
            long t0 = System.nanoTime();
            Lbfgs lbfgs = new Lbfgs(net.parameters(), Lbfgs.Options.defaults().withMaxIterations(o.lbfgs()).withTolerances(1e-12, 1e-15));
            if (budgetSeconds > 0) {
                lbfgs.withTimeBudget(budgetSeconds - (System.nanoTime() - start) / 1e9);
            }
            Lbfgs.Result lr = withFixedPoints(o.resample(), () -> lbfgs.minimize(() -> {
                Tensor l = loss();
                l.backward();
                return l;
            }));
            train += (System.nanoTime() - t0) / 1e9;
            stop = lr.reason() + " after " + lr.iterations() + " iterations";
            steps += lr.iterations();
            history.add(new Evaluation(steps, lr.loss(), evaluate()));
        }
        Map<String, Double> finalMetrics = history.isEmpty() ? evaluate() : history.get(history.size() - 1).metrics();
        return new Result(finalMetrics, history, train, steps, stop);
    }

    /** L-BFGS needs a deterministic objective: one fixed point set (4x the per-step counts, quasi-random). */
    private <T> T withFixedPoints(boolean resampled, java.util.function.Supplier<T> body) {
        if (resampled) {
            PointSource s = PointSource.halton(domain.dim() + 1);
            fixedInterior = domain.sampleInterior(4 * o.interior(), s, o.dtype());
            fixedBoundary = o.boundary() > 0 ? domain.sampleBoundary(4 * o.boundary(), PointSource.sobol(domain.dim() + 1), o.dtype()) : null;
        }
        try {
            forceFixed = true;
            return body.get();
        } finally {
            forceFixed = false;
        }
    }

}
