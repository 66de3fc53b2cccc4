package org.implicitlayers.ritz;

import org.implicitlayers.core.DType;
import org.implicitlayers.core.Grad;
import org.implicitlayers.core.MemoryScope;
import org.implicitlayers.core.Tensor;
import org.implicitlayers.ritz.domain.Box;
import org.implicitlayers.ritz.domain.Domain;
import org.implicitlayers.ritz.problem.PoissonProblem;

/**
 * A 2-D solution sampled on the n x n grid of its domain's bounding box (boundary included), for
 * plots and files. Indexing is {@code [i][j]} at {@code (xs[i], ys[j])}; points outside the domain
 * hold NaN.
 *
 * @param xs grid abscissae [n], increasing
 * @param ys grid ordinates [n], increasing
 * @param u the network solution [n][n]
 * @param exact the exact solution [n][n], or null when the problem has none
 * @param error {@code u - exact} [n][n], or null when the problem has no exact solution
 */
public record SolutionGrid(
        double[] xs, double[] ys, double[][] u, double[][] exact, double[][] error) {
    /**
     * Samples the solver's current solution on an n x n grid (n at least 2). Call it on the thread
     * that runs the solve (inside a callback) or after the solve.
     *
     * @throws IllegalArgumentException when the domain is not 2-D
     */
    public static SolutionGrid sample(RitzSolver solver, int n) {
        Domain domain = solver.problem().domain();
        if (domain.dim() != 2 || n < 2) {
            throw new IllegalArgumentException(
                    "a solution grid needs a 2-D domain and n >= 2; got dimension "
                            + domain.dim()
                            + ", n "
                            + n);
        }
        double[] lo = domain.lower(), hi = domain.upper();
        double[] xs = new double[n], ys = new double[n];
        for (int i = 0; i < n; i++) {
            xs[i] = lo[0] + (hi[0] - lo[0]) * i / (n - 1);
            ys[i] = lo[1] + (hi[1] - lo[1]) * i / (n - 1);
        }
        double[] pts = new double[2 * n * n];
        boolean[] inside = new boolean[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                int k = i * n + j;
                pts[2 * k] = xs[i];
                pts[2 * k + 1] = ys[j];
                inside[k] = domain instanceof Box || domain.contains(new double[] {xs[i], ys[j]});
            }
        }
        Tensor x = Tensor.of(DType.FLOAT64, pts, n * n, 2);
        double[] u;
        double[] exact = null;
        try (Grad.Scope s = Grad.noGrad();
                MemoryScope m = MemoryScope.open()) {
            u = solver.solution(x.to(solver.options().run().dtype())).toDoubleArray();
            if (solver.problem() instanceof PoissonProblem p && p.exact() != null) {
                exact = p.exact().at(x).toDoubleArray();
            }
        }
        double[][] uu = new double[n][n];
        double[][] ee = exact == null ? null : new double[n][n];
        double[][] err = exact == null ? null : new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                int k = i * n + j;
                uu[i][j] = inside[k] ? u[k] : Double.NaN;
                if (exact != null) {
                    ee[i][j] = inside[k] ? exact[k] : Double.NaN;
                    err[i][j] = inside[k] ? u[k] - exact[k] : Double.NaN;
                }
            }
        }
        return new SolutionGrid(xs, ys, uu, ee, err);
    }
}
