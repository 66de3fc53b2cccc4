package org.implicitlayers.ritz.loss;

import org.implicitlayers.core.Tensor;
import org.implicitlayers.ritz.problem.EigenProblem;

/**
 * The smallest Dirichlet eigenvalue of -Laplace by the Rayleigh quotient (E and Yu 2018, sec. 3.3):
 * mean |grad u|^2 / mean u^2, plus beta (|Omega| mean u^2 - 1)^2 to fix the normalisation, plus,
 * unless the ansatz is exact, the boundary penalty beta (|dOmega| / |Omega|) mean u(b_j)^2.
 */
public final class RayleighQuotient implements Loss {
    private final double penalty;
    private final double measure;
    private final double boundaryMeasure;

    /**
     * @param problem the eigenproblem
     * @param penalty beta, the weight of the normalisation and boundary penalties
     */
    public RayleighQuotient(EigenProblem problem, double penalty) {
        this.penalty = penalty;
        this.measure = problem.domain().measure();
        this.boundaryMeasure = problem.domain().boundaryMeasure();
    }

    @Override
    public Tensor value(Ansatz ansatz, TrainingPoints points) {
        Interior in = Interior.of(ansatz, points.interior());
        Tensor u2 = in.u().square().mean();
        Tensor num = in.gradSquared().mean();
        if (!ansatz.exact()) {
            Tensor ub = ansatz.at(points.boundary().points());
            num = num.add(ub.square().mean().mul(penalty * boundaryMeasure / measure));
        }
        return num.div(u2).add(u2.mul(measure).sub(1.0).square().mul(penalty));
    }
}
