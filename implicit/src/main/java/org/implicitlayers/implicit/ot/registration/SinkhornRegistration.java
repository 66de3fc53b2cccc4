package org.implicitlayers.implicit.ot.registration;

import org.implicitlayers.core.Grad;
import org.implicitlayers.core.Tensor;
import org.implicitlayers.implicit.ot.Sinkhorn;

/**
 * The objective of registration by optimal transport: the debiased Sinkhorn divergence S_eps(T(x),
 * y) = OT_eps(T x, y) - OT_eps(T x, T x) / 2 - OT_eps(y, y) / 2 between the transformed source and
 * the target, with uniform weights and the squared Euclidean cost. The target's own term is
 * computed once. Its gradient in the transform's parameters runs through Sinkhorn as {@code
 * options.gradient()} says.
 */
public final class SinkhornRegistration {
    private final RegistrationExample problem;
    private final Sinkhorn.Options options;
    private final Tensor a;
    private final Tensor b;
    private final double targetSelf;
    private Sinkhorn.Result lastCross;

    public SinkhornRegistration(RegistrationExample problem, Sinkhorn.Options options) {
        this.problem = problem;
        this.options = options;
        a = Sinkhorn.uniform(problem.source().dtype(), problem.source().shape(0));
        b = Sinkhorn.uniform(problem.target().dtype(), problem.target().shape(0));
        Tensor y = problem.target();
        try (Grad.Scope ignored = Grad.noGrad()) {
            targetSelf =
                    Sinkhorn.selfTransport(Sinkhorn.squaredEuclidean(y, y), b, options)
                            .cost()
                            .item();
        }
    }

    /** The divergence at the transform's current parameters (on the tape). */
    public Tensor loss(SimilarityTransform transform) {
        return divergence(transform.forward(problem.source()));
    }

    /** The divergence for explicit parameters theta [1], t [2], log s [1] (null: s = 1). */
    public Tensor loss(Tensor theta, Tensor t, Tensor logScale) {
        return divergence(SimilarityTransform.apply(problem.source(), theta, t, logScale));
    }

    private Tensor divergence(Tensor moved) {
        Tensor y = problem.target();
        Sinkhorn.Result cross = Sinkhorn.solve(Sinkhorn.squaredEuclidean(moved, y), a, b, options);
        lastCross = cross;
        Tensor self =
                Sinkhorn.selfTransport(Sinkhorn.squaredEuclidean(moved, moved), a, options).cost();
        return cross.cost().sub(self.mul(0.5)).sub(targetSelf * 0.5);
    }

    /**
     * The cross term's solve of the last {@link #loss} call (sweeps, marginal error, backward
     * statistics).
     */
    public Sinkhorn.Result lastCross() {
        return lastCross;
    }

    public RegistrationExample problem() {
        return problem;
    }

    public Sinkhorn.Options options() {
        return options;
    }

    /** How far a transform is from the ground truth. */
    public record Errors(double angleDegrees, double translation, double scaleRelative) {}

    /** |angle - true angle| (wrapped to [0, 180] degrees), |t - true t| and |s / true s - 1|. */
    public Errors errors(SimilarityTransform transform) {
        double d = Math.toDegrees(transform.angle() - problem.angle());
        d = Math.abs(((d % 360) + 540) % 360 - 180);
        double[] t = transform.translation(), tt = problem.translation();
        return new Errors(
                d,
                Math.hypot(t[0] - tt[0], t[1] - tt[1]),
                Math.abs(transform.scale() / problem.scale() - 1));
    }
}
