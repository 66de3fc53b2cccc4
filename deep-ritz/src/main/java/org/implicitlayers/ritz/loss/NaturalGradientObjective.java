package org.implicitlayers.ritz.loss;

import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.implicitlayers.core.DType;
import org.implicitlayers.core.Grad;
import org.implicitlayers.core.MemoryScope;
import org.implicitlayers.core.Tensor;
import org.implicitlayers.core.nn.Parameter;
import org.implicitlayers.core.optim.Engd;
import org.implicitlayers.ritz.domain.Domain;
import org.implicitlayers.ritz.problem.BoundaryCondition;
import org.implicitlayers.ritz.problem.PoissonProblem;
import org.implicitlayers.ritz.problem.ScalarField;

/**
 * The Ritz energy or the PINN loss of a Poisson problem as an {@link Engd.Objective}: the loss and
 * its gradient from the tape, and a factor A of the Gram matrix G = A^T A, one row per quadrature
 * point and term, from per-sample Jacobians ({@link NetworkJacobian}).
 *
 * <p>The rows, with u = A0 + B N the ansatz (B = 1 without the exact ansatz, see {@link
 * Ansatz#multiplier}), N_i the points' count of each set and d_theta the derivative in the
 * parameters. G is the Hessian of the loss in the function u, evaluated on the tangent vectors
 * d_theta u (Müller and Zeinhofer 2023): for the Ritz energy the energy inner product, a(v, w) =
 * |Omega| mean (a grad v . grad w + c v w) + 2 beta |dOmega| mean_Dirichlet v w + |dOmega|
 * mean_Robin alpha v w, so rows sqrt(a |Omega| / N) d_theta d_k u (k = 1..d), sqrt(c |Omega| / N)
 * d_theta u, and on boundary points sqrt(2 beta |dOmega| / N_b) d_theta u (Dirichlet by penalty) or
 * sqrt(alpha |dOmega| / N_b) d_theta u (Robin, alpha at least 0); Neumann terms are linear in u and
 * add nothing. For the PINN loss, the Gauss-Newton matrix: sqrt(2 / N) d_theta r with r = -a Lap u
 * - grad a . grad u + c u - f, and sqrt(2 beta / N_b) times the derivative of each boundary
 * residual.
 *
 * <p>Both sets of points are those the {@link TrainingPoints} hand out; the caller holds them fixed
 * ({@link TrainingPoints#freeze}) so that the line search sees the points of the Gram matrix.
 */
public final class NaturalGradientObjective implements Engd.Objective {
    private final PoissonProblem problem;
    private final Loss loss;
    private final Ansatz ansatz;
    private final TrainingPoints points;
    private final NetworkJacobian jacobian;
    private final Map<String, Parameter> params;
    private final boolean pinn;
    private final double penalty;
    private final CornerEnrichment corners;
    private final int size;

    /**
     * @param problem the problem
     * @param loss its loss, a {@link RitzEnergy} or {@link PinnResidual}
     * @param ansatz the ansatz the loss is evaluated on
     * @param points the training points (held fixed by the caller)
     * @param activation the network's activation by name
     * @param penalty beta, the loss's boundary weight
     */
    public NaturalGradientObjective(
            PoissonProblem problem,
            Loss loss,
            Ansatz ansatz,
            TrainingPoints points,
            String activation,
            double penalty) {
        if (!(loss instanceof RitzEnergy) && !(loss instanceof PinnResidual)) {
            throw new IllegalArgumentException(
                    "optimizer 'engd': for the Ritz energy or the PINN residual of a Poisson problem");
        }
        this.problem = problem;
        this.loss = loss;
        this.ansatz = ansatz;
        this.points = points;
        this.jacobian = new NetworkJacobian(ansatz.network(), activation);
        this.params = ansatz.parameters();
        this.corners = ansatz.corners();
        this.size = jacobian.size() + (corners == null ? 0 : corners.size());
        this.pinn = loss instanceof PinnResidual;
        this.penalty = penalty;
    }

    /** The parameters P: the network's, then the corner coefficients'. */
    public int size() {
        return size;
    }

    @Override
    public double loss() {
        try (MemoryScope ignored = MemoryScope.open()) {
            return loss.value(ansatz, points).item();
        }
    }

    @Override
    public Engd.Linearisation linearise() {
        double value;
        double[] gradient = new double[size];
        try (MemoryScope ignored = MemoryScope.open()) {
            params.values().forEach(Parameter::zeroGrad);
            Tensor l = loss.value(ansatz, points);
            l.backward();
            value = l.item();
            int off = 0;
            for (Parameter p : params.values()) {
                if (p.grad() != null) {
                    double[] g = p.grad().toDoubleArray();
                    System.arraycopy(g, 0, gradient, off, g.length);
                }
                off += p.numel();
            }
            params.values().forEach(Parameter::zeroGrad);
        }
        jacobian.refresh();
        Rows interior = interiorRows();
        Rows boundary = boundaryRows();
        int rows = interior.count + boundary.count;
        double[] factor = new double[rows * size];
        interior.fill(factor, 0);
        boundary.fill(factor, interior.count);
        double[] residual = null;
        if (pinn) {
            // The PINN loss is |rho|^2 / 2 with rho the weighted residuals, in the order of the
            // rows.
            residual = new double[rows];
            System.arraycopy(interiorResidual(), 0, residual, 0, interior.count);
            System.arraycopy(boundaryResidual(), 0, residual, interior.count, boundary.count);
        }
        return new Engd.Linearisation(value, gradient, factor, rows, residual);
    }

    /**
     * Seeds on (u, d_1 u .. d_d u, Lap u) per point, turned into seeds on the network's jet and
     * then into rows.
     */
    private final class Rows {
        final NetworkJacobian.Jets jets;
        final double[][] b; // per point: B, dB/dx_k, Lap B
        final double[][][] seeds; // per point: its u-feature seeds (one per row)
        final double[][][]
                psi; // per point and corner term: psi, d_1 psi .. d_d psi, Lap psi (null without
        // corner terms)
        final int count;

        Rows(NetworkJacobian.Jets jets, double[][] b, double[][][] seeds, double[][][] psi) {
            this.jets = jets;
            this.b = b;
            this.seeds = seeds;
            this.psi = psi;
            int c = 0;
            for (double[][] s : seeds) {
                c += s.length;
            }
            this.count = c;
        }

        void fill(double[] factor, int firstRow) {
            if (count == 0) {
                return;
            }
            int[] start = new int[seeds.length];
            for (int i = 1; i < seeds.length; i++) {
                start[i] = start[i - 1] + seeds[i - 1].length;
            }
            int d = jacobian.dim(), pn = jacobian.size();
            boolean lap = jets.hasLaplacian();
            IntStream.range(0, seeds.length)
                    .parallel()
                    .forEach(
                            i -> {
                                double[] bi = b[i];
                                for (int r = 0; r < seeds[i].length; r++) {
                                    double[] s = seeds[i][r]; // [cu, cg_1..cg_d, cL]
                                    double cl = s.length > 1 + d ? s[1 + d] : 0;
                                    double[] n = new double[lap ? d + 2 : d + 1];
                                    // u = A0 + B N: d u = B dN; d_k u = d_k B N + B d_k N; Lap u =
                                    // Lap B N + 2 grad B . grad N + B Lap N.
                                    n[0] = s[0] * bi[0] + cl * bi[1 + d];
                                    for (int k = 0; k < d; k++) {
                                        n[0] += s[1 + k] * bi[1 + k];
                                        n[1 + k] = s[1 + k] * bi[0] + 2 * cl * bi[1 + k];
                                    }
                                    if (lap) {
                                        n[1 + d] = cl * bi[0];
                                    }
                                    int at = (firstRow + start[i] + r) * size;
                                    jets.row(i, n, factor, at);
                                    if (psi != null) {
                                        // The corner terms are outside B: their column is the seed
                                        // applied to psi's own jet.
                                        for (int k = 0; k < psi[i].length; k++) {
                                            double[] f = psi[i][k];
                                            double v = s[0] * f[0] + cl * f[1 + d];
                                            for (int q = 0; q < d; q++) {
                                                v += s[1 + q] * f[1 + q];
                                            }
                                            factor[at + pn + k] = v;
                                        }
                                    }
                                }
                            });
        }
    }

    private Rows interiorRows() {
        Tensor x = points.interior().to(DType.FLOAT64);
        int n = x.shape(0), d = x.shape(1);
        double[][] b = multiplier(x, pinn);
        NetworkJacobian.Jets jets = jacobian.forward(x.toDoubleArray(), n, pinn);
        double[] a = field(problem.a(), x, 1), c = field(problem.c(), x, 0);
        double[][] seeds = new double[n][];
        double[][][] all = new double[n][][];
        if (pinn) {
            double[][] ga = problem.a() == null ? null : gradient(problem.a(), x);
            double s = Math.sqrt(2.0 / n);
            for (int i = 0; i < n; i++) {
                double[] seed = new double[d + 2];
                seed[0] = c[i] * s;
                for (int k = 0; k < d; k++) {
                    seed[1 + k] = ga == null ? 0 : -ga[i][k] * s;
                }
                seed[1 + d] = -a[i] * s;
                all[i] = new double[][] {seed};
            }
        } else {
            double w = problem.domain().measure() / n;
            boolean reaction = problem.c() != null;
            for (int i = 0; i < n; i++) {
                double[][] rows = new double[d + (reaction ? 1 : 0)][];
                for (int k = 0; k < d; k++) {
                    rows[k] = new double[d + 1];
                    rows[k][1 + k] = Math.sqrt(Math.max(a[i], 0) * w);
                }
                if (reaction) {
                    rows[d] = new double[d + 1];
                    rows[d][0] = Math.sqrt(Math.max(c[i], 0) * w);
                }
                all[i] = rows;
            }
        }
        return new Rows(jets, b, all, cornerJets(x, pinn));
    }

    private Rows boundaryRows() {
        List<BoundaryCondition> bcs = problem.boundary();
        boolean exact = ansatz.exact();
        boolean any = false;
        for (BoundaryCondition bc : bcs) {
            boolean rows =
                    switch (bc.type()) {
                        case DIRICHLET -> !exact;
                        case NEUMANN -> pinn;
                        case ROBIN -> true;
                    };
            any |= rows;
        }
        int d = jacobian.dim();
        if (!any) {
            return new Rows(
                    jacobian.forward(new double[0], 0, false),
                    new double[0][],
                    new double[0][][],
                    null);
        }
        Domain.BoundarySample bs = points.boundary();
        Tensor x = bs.points().to(DType.FLOAT64);
        int n = x.shape(0);
        double[] xn = bs.normals().to(DType.FLOAT64).toDoubleArray();
        double[][] b = multiplier(x, false);
        NetworkJacobian.Jets jets = jacobian.forward(x.toDoubleArray(), n, false);
        double[] a = field(problem.a(), x, 1);
        int[] owner = owners(x);
        double[][] alpha = new double[bcs.size()][];
        for (int j = 0; j < bcs.size(); j++) {
            if (bcs.get(j).type() == BoundaryCondition.Type.ROBIN) {
                alpha[j] = bcs.get(j).alpha().at(x).toDoubleArray();
            }
        }
        double measure = problem.domain().boundaryMeasure();
        double[][][] all = new double[n][][];
        for (int i = 0; i < n; i++) {
            all[i] = new double[0][];
            if (owner[i] < 0) {
                continue;
            }
            BoundaryCondition bc = bcs.get(owner[i]);
            double[] seed = new double[d + 1];
            switch (bc.type()) {
                case DIRICHLET -> {
                    if (exact) {
                        continue;
                    }
                    seed[0] = Math.sqrt(2 * penalty * (pinn ? 1 : measure) / n);
                }
                case NEUMANN -> {
                    if (!pinn) {
                        continue;
                    }
                    double s = Math.sqrt(2 * penalty / n);
                    for (int k = 0; k < d; k++) {
                        seed[1 + k] = a[i] * xn[i * d + k] * s;
                    }
                }
                default -> {
                    double al = alpha[owner[i]][i];
                    if (pinn) {
                        double s = Math.sqrt(2 * penalty / n);
                        seed[0] = al * s;
                        for (int k = 0; k < d; k++) {
                            seed[1 + k] = a[i] * xn[i * d + k] * s;
                        }
                    } else {
                        seed[0] = Math.sqrt(Math.max(al, 0) * measure / n);
                    }
                }
            }
            all[i] = new double[][] {seed};
        }
        return new Rows(jets, b, all, cornerJets(x, false));
    }

    /**
     * sqrt(2 / N) times the strong-form residual at each interior point (one row each with the PINN
     * loss).
     */
    private double[] interiorResidual() {
        Tensor x = points.interior().to(DType.FLOAT64);
        double s = Math.sqrt(2.0 / x.shape(0));
        try (MemoryScope ignored = MemoryScope.open()) {
            double[] r = ((PinnResidual) loss).residual(ansatz, x).toDoubleArray();
            for (int i = 0; i < r.length; i++) {
                r[i] *= s;
            }
            return r;
        }
    }

    /**
     * With the PINN loss, sqrt(2 beta / N_b) times the residual of the condition that owns each
     * boundary point (u - g, a du/dn - g, a du/dn + alpha u - g), for the points that have a row,
     * in order.
     */
    private double[] boundaryResidual() {
        List<BoundaryCondition> bcs = problem.boundary();
        Domain.BoundarySample bs = points.boundary();
        Tensor x = bs.points().to(DType.FLOAT64);
        int n = x.shape(0), d = x.shape(1);
        double[] out = new double[n];
        int k = 0;
        try (MemoryScope ignored = MemoryScope.open()) {
            Tensor xr = x.requiringGrad();
            Tensor u = ansatz.at(xr);
            boolean flux = bcs.stream().anyMatch(b -> b.type() != BoundaryCondition.Type.DIRICHLET);
            double[] uv = u.detach().toDoubleArray();
            double[] gu =
                    flux
                            ? Grad.of(
                                    new Tensor[] {u.sum()},
                                    new Tensor[] {xr},
                                    null,
                                    Grad.Options.defaults().withAllowUnused(true))[0]
                                    .toDoubleArray()
                            : null;
            double[] xn = bs.normals().to(DType.FLOAT64).toDoubleArray();
            double[] a = field(problem.a(), x, 1);
            int[] owner = owners(x);
            double[][] gv = new double[bcs.size()][], av = new double[bcs.size()][];
            for (int j = 0; j < bcs.size(); j++) {
                gv[j] = bcs.get(j).g().at(x).toDoubleArray();
                av[j] =
                        bcs.get(j).type() == BoundaryCondition.Type.ROBIN
                                ? bcs.get(j).alpha().at(x).toDoubleArray()
                                : null;
            }
            double s = Math.sqrt(2 * penalty / n);
            for (int i = 0; i < n; i++) {
                if (owner[i] < 0) {
                    continue;
                }
                BoundaryCondition bc = bcs.get(owner[i]);
                if (bc.type() == BoundaryCondition.Type.DIRICHLET && ansatz.exact()) {
                    continue;
                }
                double g = gv[owner[i]][i];
                double dudn = 0;
                if (gu != null) {
                    for (int q = 0; q < d; q++) {
                        dudn += gu[i * d + q] * xn[i * d + q];
                    }
                    dudn *= a[i];
                }
                out[k++] =
                        s
                                * switch (bc.type()) {
                                    case DIRICHLET -> uv[i] - g;
                                    case NEUMANN -> dudn - g;
                                    case ROBIN -> dudn + av[owner[i]][i] * uv[i] - g;
                                };
            }
        }
        return java.util.Arrays.copyOf(out, k);
    }

    /**
     * The index of the condition that owns each boundary point (the first whose selector is
     * positive), -1 for none.
     */
    private int[] owners(Tensor x) {
        List<BoundaryCondition> bcs = problem.boundary();
        int n = x.shape(0);
        int[] owner = new int[n];
        java.util.Arrays.fill(owner, -1);
        for (int j = 0; j < bcs.size(); j++) {
            ScalarField where = bcs.get(j).where();
            double[] in = where == null ? null : where.at(x).toDoubleArray();
            for (int i = 0; i < n; i++) {
                if (owner[i] < 0 && (in == null || in[i] > 0)) {
                    owner[i] = j;
                }
            }
        }
        return owner;
    }

    /**
     * Per point and corner term: psi, its gradient and (with {@code laplacian}) its Laplacian, by
     * automatic differentiation of {@link CornerEnrichment#features}; null without corner terms.
     */
    private double[][][] cornerJets(Tensor x, boolean laplacian) {
        if (corners == null) {
            return null;
        }
        int n = x.shape(0), d = x.shape(1), k = corners.size();
        double[][][] out = new double[n][k][d + 2];
        try (MemoryScope ignored = MemoryScope.open()) {
            Tensor xr = x.requiringGrad();
            Tensor f = corners.features(xr);
            for (int j = 0; j < k; j++) {
                Tensor fj = f.slice(1, j, j + 1);
                Tensor g =
                        Grad.of(
                                new Tensor[] {fj.sum()},
                                new Tensor[] {xr},
                                null,
                                Grad.Options.defaults()
                                        .withCreateGraph(laplacian)
                                        .withRetainGraph(true)
                                        .withAllowUnused(true))[0];
                double[] fv = fj.detach().toDoubleArray(), gv = g.detach().toDoubleArray();
                double[] lv = new double[n];
                if (laplacian) {
                    for (int q = 0; q < d; q++) {
                        Tensor h =
                                Grad.of(
                                        new Tensor[] {g.slice(1, q, q + 1).sum()},
                                        new Tensor[] {xr},
                                        null,
                                        Grad.Options.defaults()
                                                .withCreateGraph(false)
                                                .withRetainGraph(true)
                                                .withAllowUnused(true))[0];
                        double[] hv = h.toDoubleArray();
                        for (int i = 0; i < n; i++) {
                            lv[i] += hv[i * d + q];
                        }
                    }
                }
                for (int i = 0; i < n; i++) {
                    out[i][j][0] = fv[i];
                    for (int q = 0; q < d; q++) {
                        out[i][j][1 + q] = gv[i * d + q];
                    }
                    out[i][j][1 + d] = lv[i];
                }
            }
        }
        return out;
    }

    /** Per point: B, dB/dx_1..d and (with {@code laplacian}) Lap B of the ansatz's multiplier. */
    private double[][] multiplier(Tensor x, boolean laplacian) {
        int n = x.shape(0), d = x.shape(1);
        double[][] out = new double[n][d + 2];
        if (!ansatz.exact()) {
            for (double[] r : out) {
                r[0] = 1;
            }
            return out;
        }
        try (MemoryScope ignored = MemoryScope.open()) {
            Tensor xr = x.requiringGrad();
            Tensor bt = ansatz.multiplier(xr);
            Tensor g =
                    Grad.of(
                            new Tensor[] {bt.sum()},
                            new Tensor[] {xr},
                            null,
                            Grad.Options.defaults()
                                    .withCreateGraph(laplacian)
                                    .withAllowUnused(true))[0];
            double[] bv = bt.detach().toDoubleArray(), gv = g.detach().toDoubleArray();
            double[] lv = new double[n];
            if (laplacian) {
                for (int k = 0; k < d; k++) {
                    Tensor gk = g.slice(1, k, k + 1).sum();
                    if (!gk.requiresGrad()) {
                        continue;
                    }
                    Tensor h =
                            Grad.of(
                                    new Tensor[] {gk},
                                    new Tensor[] {xr},
                                    null,
                                    Grad.Options.defaults()
                                            .withCreateGraph(false)
                                            .withRetainGraph(true)
                                            .withAllowUnused(true))[0];
                    double[] hv = h.toDoubleArray();
                    for (int i = 0; i < n; i++) {
                        lv[i] += hv[i * d + k];
                    }
                }
            }
            for (int i = 0; i < n; i++) {
                out[i][0] = bv[i];
                for (int k = 0; k < d; k++) {
                    out[i][1 + k] = gv[i * d + k];
                }
                out[i][1 + d] = lv[i];
            }
        }
        return out;
    }

    private static double[] field(ScalarField f, Tensor x, double absent) {
        if (f == null) {
            double[] v = new double[x.shape(0)];
            java.util.Arrays.fill(v, absent);
            return v;
        }
        try (MemoryScope ignored = MemoryScope.open()) {
            return f.at(x).toDoubleArray();
        }
    }

    private static double[][] gradient(ScalarField f, Tensor x) {
        int n = x.shape(0), d = x.shape(1);
        try (MemoryScope ignored = MemoryScope.open()) {
            Tensor xr = x.requiringGrad();
            Tensor g =
                    Grad.of(
                            new Tensor[] {f.at(xr).sum()},
                            new Tensor[] {xr},
                            null,
                            Grad.Options.defaults().withAllowUnused(true))[0];
            double[] gv = g.toDoubleArray();
            double[][] out = new double[n][d];
            for (int i = 0; i < n; i++) {
                System.arraycopy(gv, i * d, out[i], 0, d);
            }
            return out;
        }
    }
}
