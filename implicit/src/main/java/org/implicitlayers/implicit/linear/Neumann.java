package org.implicitlayers.implicit.linear;

import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.implicitlayers.core.Tensor;
import org.implicitlayers.implicit.solve.Solution;

/**
 * The Neumann series x = sum_k M^k b with M = I - A: converges when the spectral radius of M is
 * below 1 (for A = I - J^T, a contractive layer). Truncated after {@code terms} terms, or earlier
 * when a term's norm falls below tol ||b||.
 */
public record Neumann(int terms, double tol) implements LinearSolver {
    @Override
    public Solution solve(UnaryOperator<Tensor> a, Tensor b, Tensor x0) {
        double bn = Math.max(LinearSolver.norm(b), 1e-300);
        Tensor term = b, x = b;
        List<Double> res = new ArrayList<>();
        for (int k = 1; k < terms; k++) {
            term = term.sub(a.apply(term));
            x = x.add(term);
            double rel = LinearSolver.norm(term) / bn;
            res.add(rel);
            if (rel < tol) {
                return new Solution(x, k, res, true);
            }
        }
        return new Solution(x, terms - 1, res, false);
    }
}
