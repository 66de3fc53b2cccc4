package org.implicitlayers.ritz.loss;

import java.util.List;
import org.implicitlayers.core.DType;
import org.implicitlayers.core.Grad;
import org.implicitlayers.core.Tensor;
import org.implicitlayers.ritz.domain.Domain;
import org.implicitlayers.ritz.problem.BoundaryCondition;
import org.implicitlayers.ritz.problem.PoissonProblem;

/**
 * The boundary part of the Ritz energy or of the PINN loss. Each boundary point belongs to the
 * first condition whose region contains it. Ritz: Dirichlet beta |dOmega| mean (u - g)^2, Neumann
 * -|dOmega| mean g u, Robin |dOmega| mean (0.5 alpha u^2 - g u). PINN: beta times the mean squared
 * residual (u - g, a du/dn - g, a du/dn + alpha u - g). Dirichlet terms vanish with an exact
 * ansatz.
 */
final class BoundaryTerms {
    private final PoissonProblem problem;
    private final boolean ritz;
    private final double penalty;
    private final double boundaryMeasure;

    BoundaryTerms(PoissonProblem problem, boolean ritz, double penalty) {
        this.problem = problem;
        this.ritz = ritz;
        this.penalty = penalty;
        this.boundaryMeasure = problem.domain().boundaryMeasure();
    }

    /**
     * What the boundary term holds, for messages: "the boundary penalty term" when every condition
     * is Dirichlet.
     */
    String describe() {
        return problem.boundary().stream()
                        .allMatch(b -> b.type() == BoundaryCondition.Type.DIRICHLET)
                ? "the boundary penalty term"
                : "the boundary term (the Dirichlet penalty and the Neumann and Robin data)";
    }

    Tensor value(Ansatz ansatz, TrainingPoints points) {
        DType dtype = points.dtype();
        boolean exact = ansatz.exact();
        List<BoundaryCondition> bcs = problem.boundary();
        boolean needFlux =
                !ritz && bcs.stream().anyMatch(b -> b.type() != BoundaryCondition.Type.DIRICHLET);
        if (exact
                && !needFlux
                && bcs.stream().allMatch(b -> b.type() == BoundaryCondition.Type.DIRICHLET)) {
            return Tensor.zeros(dtype);
        }
        Domain.BoundarySample bs = points.boundary();
        Tensor xb = needFlux ? bs.points().requiringGrad() : bs.points();
        Tensor ub = ansatz.at(xb);
        Tensor dudn = null;
        if (needFlux) {
            Tensor gb = Grad.of(ub.sum(), xb, true);
            dudn = gb.mul(bs.normals()).sum(new int[] {1}, true);
            if (problem.a() != null) {
                dudn = dudn.mul(problem.a().at(bs.points()));
            }
        }
        Tensor xp = bs.points();
        Tensor total = Tensor.zeros(dtype);
        Tensor claimed = Tensor.zeros(dtype, xp.shape(0), 1);
        for (BoundaryCondition bc : bcs) {
            Tensor in =
                    bc.where() == null
                            ? Tensor.ones(dtype, xp.shape(0), 1)
                            : bc.where().at(xp).gt(0.0);
            Tensor w = in.mul(claimed.neg().add(1.0));
            claimed = claimed.add(w);
            Tensor g = bc.g().at(xp);
            Tensor term;
            switch (bc.type()) {
                case DIRICHLET:
                    if (exact) {
                        continue;
                    }
                    term =
                            ub.sub(g)
                                    .square()
                                    .mul(w)
                                    .mean()
                                    .mul(penalty * (ritz ? boundaryMeasure : 1));
                    break;
                case NEUMANN:
                    term =
                            ritz
                                    ? g.mul(ub).mul(w).mean().mul(-boundaryMeasure)
                                    : dudn.sub(g).square().mul(w).mean().mul(penalty);
                    break;
                default:
                    Tensor alpha = bc.alpha().at(xp);
                    term =
                            ritz
                                    ? alpha.mul(ub.square())
                                            .mul(0.5)
                                            .sub(g.mul(ub))
                                            .mul(w)
                                            .mean()
                                            .mul(boundaryMeasure)
                                    : dudn.add(alpha.mul(ub))
                                            .sub(g)
                                            .square()
                                            .mul(w)
                                            .mean()
                                            .mul(penalty);
                    break;
            }
            total = total.add(term);
        }
        return total;
    }
}
