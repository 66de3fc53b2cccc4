package org.implicitlayers.ritz.loss;

import org.implicitlayers.core.Grad;
import org.implicitlayers.core.Tensor;
import org.implicitlayers.ritz.problem.PoissonProblem;

/**
 * The physics-informed loss (Raissi, Perdikaris and Karniadakis 2019): the mean squared strong-form
 * residual -div(a grad u) + c u - f on interior points, the divergence by second-order autodiff,
 * plus beta times the mean squared residual of each boundary condition (Dirichlet terms omitted
 * when the ansatz is exact).
 */
public final class PinnResidual implements Loss {
    private final PoissonProblem problem;
    private final BoundaryTerms boundary;
    private String nonFinite;

    /**
     * @param problem the problem
     * @param penalty beta, the weight of the boundary residuals
     */
    public PinnResidual(PoissonProblem problem, double penalty) {
        this.problem = problem;
        this.boundary = new BoundaryTerms(problem, false, penalty);
    }

    @Override
    public Tensor value(Ansatz ansatz, TrainingPoints points) {
        Interior in = Interior.of(ansatz, points.interior());
        Tensor pde = residual(in).square().mean(), bnd = boundary.value(ansatz, points);
        Tensor total = pde.add(bnd);
        nonFinite =
                Loss.nonFinite(
                        total,
                        new String[] {"the PDE residual term", boundary.describe()},
                        pde,
                        bnd);
        return total;
    }

    @Override
    public String nonFiniteTerms() {
        return nonFinite;
    }

    /** The residual at points x [n, d]: [n, 1] (used to place refinement points). */
    public Tensor residual(Ansatz ansatz, Tensor x) {
        return residual(Interior.of(ansatz, x));
    }

    private Tensor residual(Interior in) {
        Tensor xi = in.x();
        Tensor xd = xi.detach();
        // a at the differentiable points: div(a grad u) = a Lap u + grad a . grad u (a detached a
        // would drop the second term).
        Tensor flux = problem.a() == null ? in.du() : problem.a().at(xi).mul(in.du());
        Tensor div = null;
        for (int k = 0; k < xi.shape(1); k++) {
            Tensor dk = Grad.of(flux.select(1, k).sum(), xi, true).slice(1, k, k + 1);
            div = div == null ? dk : div.add(dk);
        }
        Tensor r = div.neg().sub(problem.f().at(xd));
        if (problem.c() != null) {
            r = r.add(problem.c().at(xd).mul(in.u()));
        }
        return r;
    }
}
