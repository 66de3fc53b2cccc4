package org.implicitlayers.ritz.loss;

import org.implicitlayers.core.Tensor;
import org.implicitlayers.ritz.problem.PoissonProblem;

/**
 * The Deep Ritz energy (E and Yu 2018): |Omega| mean_i (0.5 a |grad u|^2 + 0.5 c u^2 - f u)(x_i)
 * plus the boundary terms: a Dirichlet penalty beta |dOmega| mean (u - g)^2 (unless the ansatz is
 * exact), and the natural Neumann (-g u) and Robin (0.5 alpha u^2 - g u) integrals.
 */
public final class RitzEnergy implements Loss {
    private final PoissonProblem problem;
    private final BoundaryTerms boundary;
    private final double measure;
    private String nonFinite;

    /**
     * @param problem the problem
     * @param penalty beta, the weight of the Dirichlet penalty
     */
    public RitzEnergy(PoissonProblem problem, double penalty) {
        this.problem = problem;
        this.boundary = new BoundaryTerms(problem, true, penalty);
        this.measure = problem.domain().measure();
    }

    @Override
    public Tensor value(Ansatz ansatz, TrainingPoints points) {
        Interior in = Interior.of(ansatz, points.interior());
        Tensor xd = in.x().detach();
        Tensor grad2 = in.gradSquared();
        Tensor u = in.u();
        Tensor density =
                (problem.a() == null ? grad2 : problem.a().at(xd).mul(grad2))
                        .mul(0.5)
                        .sub(problem.f().at(xd).mul(u));
        if (problem.c() != null) {
            density = density.add(problem.c().at(xd).mul(u.square()).mul(0.5));
        }
        Tensor energy = density.mean().mul(measure), bnd = boundary.value(ansatz, points);
        Tensor total = energy.add(bnd);
        nonFinite =
                Loss.nonFinite(
                        total,
                        new String[] {
                            "the energy term (the integral over the domain)", boundary.describe()
                        },
                        energy,
                        bnd);
        return total;
    }

    @Override
    public String nonFiniteTerms() {
        return nonFinite;
    }
}
