package org.implicitlayers.implicit.solve;

import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.implicitlayers.core.Tensor;
import org.implicitlayers.implicit.convergence.Residuals;
import org.implicitlayers.implicit.convergence.Solution;

/**
 * Broyden's "good" method with a limited-memory inverse Jacobian (as in Bai et al. 2019, DEQ): H =
 * -I + sum u_i v_i^T for g(z) = f(z) - z, updated by Sherman-Morrison. At most {@code memory} pairs
 * are kept (memory use is bounded); when full, the approximation restarts from -I at the current
 * iterate (dropping only the oldest pair leaves an inconsistent approximation that can diverge). As
 * a fixed-point solver it reports {@link Residuals#fixedPoint}, as a root solver {@link
 * Residuals#root}.
 *
 * @param maxIter evaluations at most (at least 1); default 100
 * @param tol on the residual of the kind of solve; default 1e-6
 * @param memory update pairs kept before a restart (at least 1); default 30
 */
public record Broyden(int maxIter, double tol, int memory) implements FixedPointSolver, RootSolver {
    public Broyden {
        if (maxIter < 1 || memory < 1 || !(tol >= 0)) {
            throw new IllegalArgumentException(
                    "Broyden: maxIter >= 1, memory >= 1 and tol >= 0 required, got "
                            + maxIter
                            + ", "
                            + memory
                            + ", "
                            + tol);
        }
    }

    /** 100 evaluations, tol 1e-6, 30 pairs. */
    public static Broyden defaults() {
        return new Broyden(100, 1e-6, 30);
    }

    public Broyden withMaxIter(int n) {
        return new Broyden(n, tol, memory);
    }

    public Broyden withTol(double t) {
        return new Broyden(maxIter, t, memory);
    }

    public Broyden withMemory(int m) {
        return new Broyden(maxIter, tol, m);
    }

    private static double dot(Tensor a, Tensor b) {
        return a.mul(b).sum().item();
    }

    @Override
    public Solution solve(UnaryOperator<Tensor> f, Tensor z0) {
        return solveRootOf(z -> f.apply(z).sub(z), z0, true, f);
    }

    @Override
    public Solution solveRoot(UnaryOperator<Tensor> F, Tensor z0) {
        // H0 = -I suits g = f(z) - z, whose Jacobian is close to -I; for a general F use g = -F.
        return solveRootOf(z -> F.apply(z).neg(), z0, false, null);
    }

    private Solution solveRootOf(
            UnaryOperator<Tensor> g, Tensor z0, boolean fixedPoint, UnaryOperator<Tensor> f) {
        List<Tensor> us = new ArrayList<>(), vs = new ArrayList<>();
        Tensor z = z0;
        Tensor gz = g.apply(z);
        int evals = 1;
        List<Double> res = new ArrayList<>();
        while (true) {
            // The residual of the kind of solve (Residuals), from g = f(z) - z or g = -F(z).
            double r =
                    fixedPoint
                            ? gz.norm().item() / (Residuals.EPS + gz.add(z).norm().item())
                            : Residuals.root(gz.norm().item(), z);
            res.add(r);
            if (!Double.isFinite(r)) {
                return new Solution(z, evals, res, false);
            }
            if (r < tol) {
                return new Solution(fixedPoint ? z.add(gz) : z, evals, res, true);
            }
            if (evals >= maxIter) {
                return new Solution(z, evals, res, false);
            }
            Tensor dx = apply(us, vs, gz).neg();
            Tensor zNew = z.add(dx);
            Tensor gNew = g.apply(zNew);
            evals++;
            Tensor dg = gNew.sub(gz);
            Tensor hdg = apply(us, vs, dg);
            double denom = dot(dx, hdg);
            if (us.size() == memory) {
                us.clear();
                vs.clear();
            } else if (Math.abs(denom) > 1e-12 * dx.norm().item() * hdg.norm().item()) {
                Tensor u = dx.sub(hdg).div(denom);
                Tensor v = applyTransposed(us, vs, dx);
                us.add(u);
                vs.add(v);
            }
            z = zNew;
            gz = gNew;
        }
    }

    /** H y = -y + sum u_i (v_i . y). */
    private static Tensor apply(List<Tensor> us, List<Tensor> vs, Tensor y) {
        Tensor out = y.neg();
        for (int i = 0; i < us.size(); i++) {
            out = out.add(us.get(i).mul(dot(vs.get(i), y)));
        }
        return out;
    }

    /** H^T y = -y + sum v_i (u_i . y). */
    private static Tensor applyTransposed(List<Tensor> us, List<Tensor> vs, Tensor y) {
        Tensor out = y.neg();
        for (int i = 0; i < us.size(); i++) {
            out = out.add(vs.get(i).mul(dot(us.get(i), y)));
        }
        return out;
    }
}
