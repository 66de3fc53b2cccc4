package org.implicitlayers.implicit.solve;

import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.implicitlayers.core.Grad;
import org.implicitlayers.core.Tensor;
import org.implicitlayers.implicit.convergence.Residuals;
import org.implicitlayers.implicit.convergence.Solution;
import org.implicitlayers.implicit.linear.Gmres;

/**
 * Newton's method for F(z) = 0 with each step J d = -F solved by GMRES, using exact Jacobian-vector
 * products: J v is the derivative of the vector-Jacobian product u -> J^T u in u (the "double
 * backward" trick), so only reverse mode is needed. A backtracking line search on ||F|| (Armijo,
 * halving) keeps it from diverging far from the root.
 *
 * @param maxIter Newton iterations at most (at least 1); default 50
 * @param tol on the root residual ({@link Residuals#root}); default 1e-10
 * @param krylov GMRES restart length and iteration limit per Newton step; default 30
 * @param krylovTol GMRES tolerance per Newton step; default 1e-8
 */
public record NewtonKrylov(int maxIter, double tol, int krylov, double krylovTol)
        implements RootSolver {
    public NewtonKrylov {
        if (maxIter < 1 || krylov < 1 || !(tol >= 0) || !(krylovTol >= 0)) {
            throw new IllegalArgumentException(
                    "NewtonKrylov: maxIter >= 1, krylov >= 1 and tolerances >= 0 required, got "
                            + maxIter
                            + ", "
                            + krylov
                            + ", "
                            + tol
                            + ", "
                            + krylovTol);
        }
    }

    /** 50 iterations, tol 1e-10, GMRES(30) to 1e-8 per step. */
    public static NewtonKrylov defaults() {
        return new NewtonKrylov(50, 1e-10, 30, 1e-8);
    }

    public NewtonKrylov withMaxIter(int n) {
        return new NewtonKrylov(n, tol, krylov, krylovTol);
    }

    public NewtonKrylov withTol(double t) {
        return new NewtonKrylov(maxIter, t, krylov, krylovTol);
    }

    /** GMRES restart length and tolerance of each Newton step. */
    public NewtonKrylov withKrylov(int k, double t) {
        return new NewtonKrylov(maxIter, tol, k, t);
    }

    @Override
    public Solution solveRoot(UnaryOperator<Tensor> F, Tensor z0) {
        Tensor z = z0.detach();
        List<Double> res = new ArrayList<>();
        int evals = 0;
        try (Grad.Scope ignored = Grad.enableGrad()) {
            for (int it = 0; it < maxIter; it++) {
                Tensor zl = z.requiringGrad();
                Tensor fz = F.apply(zl);
                evals++;
                double fn = fz.norm().item();
                double r = Residuals.root(fn, z);
                res.add(r);
                if (r < tol) {
                    return new Solution(z, evals, res, true);
                }
                // J^T u as a graph in u, so that J v = d/du <J^T u, v>.
                Tensor u = Tensor.zerosLike(fz).requiringGrad();
                Tensor jtu =
                        Grad.of(new Tensor[] {fz}, new Tensor[] {zl}, new Tensor[] {u}, true)[0];
                Grad.Options retain =
                        Grad.Options.defaults()
                                .withRetainGraph(true); // one pass per Krylov iteration
                UnaryOperator<Tensor> jvp =
                        v ->
                                Grad.of(
                                        new Tensor[] {jtu},
                                        new Tensor[] {u},
                                        new Tensor[] {v},
                                        retain)[0];
                Tensor rhs = fz.detach().neg();
                Solution lin;
                try (Grad.Scope g = Grad.noGrad()) {
                    lin =
                            new Gmres(krylov, krylov, krylovTol)
                                    .solve(jvp, rhs, Tensor.zerosLike(rhs));
                }
                evals += lin.evaluations();
                Tensor d = lin.value();
                double t = 1;
                Tensor next = z.add(d);
                try (Grad.Scope g = Grad.noGrad()) {
                    for (int ls = 0; ls < 10; ls++) {
                        Tensor fn2 = F.apply(next);
                        evals++;
                        if (fn2.norm().item() <= (1 - 1e-4 * t) * fn) {
                            break;
                        }
                        t *= 0.5;
                        next = z.add(d.mul(t));
                    }
                }
                z = next.detach();
            }
        }
        return new Solution(z, evals, res, false);
    }
}
