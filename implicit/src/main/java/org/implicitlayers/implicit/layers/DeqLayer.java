package org.implicitlayers.implicit.layers;

import java.util.function.BiFunction;
import java.util.function.UnaryOperator;
import org.implicitlayers.core.Grad;
import org.implicitlayers.core.Rng;
import org.implicitlayers.core.Tensor;
import org.implicitlayers.core.nn.Module;
import org.implicitlayers.implicit.ImplicitDiff;
import org.implicitlayers.implicit.convergence.NonConvergence;
import org.implicitlayers.implicit.convergence.Solution;
import org.implicitlayers.implicit.linear.LinearSolver;
import org.implicitlayers.implicit.solve.Anderson;
import org.implicitlayers.implicit.solve.AsFixedPoint;
import org.implicitlayers.implicit.solve.FixedPointSolver;

/**
 * A deep equilibrium layer (Bai, Kolter and Koltun 2019): z* = f(z*, x) for a cell f, found by a
 * fixed-point solver from z = 0 without recording, then differentiated implicitly: the backward
 * pass solves u = J^T u + g with J = df/dz at z* (by default with the forward solver, as the DEQ
 * papers do). Only one application of f is on the tape, so memory does not grow with iterations.
 *
 * <p>Options: the phantom gradient (Geng et al. 2021) replaces the implicit backward by k damped
 * steps z &lt;- (1 - tau) z + tau f(z, x) from z*, recorded; the Jacobian regulariser (Bai et al.
 * 2021) estimates ||J||_F^2 / d with one Hutchinson probe, to be added to the loss.
 */
public final class DeqLayer extends Module {
    /** The cell: a module whose parameters are this layer's. */
    public interface Cell {
        Tensor apply(Tensor z, Tensor x);
    }

    /**
     * Options.
     *
     * @param forward the fixed-point solver; default Anderson, m = 5, lambda = 1e-4, tol 1e-4, 50
     *     evaluations (as the DEQ code)
     * @param backward the linear solver for the adjoint system; null (the default) uses the forward
     *     solver on u = J^T u + g
     * @param policy when a solve stops unconverged; default {@link NonConvergence#DEFAULT} (warn,
     *     use the last iterate)
     * @param phantomSteps k of the phantom gradient (0, the default: exact implicit gradient)
     * @param phantomDamping tau of the phantom gradient, in (0, 1]; default 0.5
     */
    public record Options(
            FixedPointSolver forward,
            LinearSolver backward,
            NonConvergence policy,
            int phantomSteps,
            double phantomDamping) {
        public Options {
            if (forward == null
                    || policy == null
                    || phantomSteps < 0
                    || !(phantomDamping > 0 && phantomDamping <= 1)) {
                throw new IllegalArgumentException(
                        "DeqLayer.Options: a forward solver and a policy, phantomSteps >= 0 and phantomDamping "
                                + "in (0, 1] required, got "
                                + forward
                                + ", "
                                + policy
                                + ", "
                                + phantomSteps
                                + ", "
                                + phantomDamping);
            }
        }

        public static Options defaults() {
            return new Options(
                    Anderson.defaults().withMaxIter(50).withTol(1e-4),
                    null,
                    NonConvergence.DEFAULT,
                    0,
                    0.5);
        }

        public Options withPhantom(int steps, double damping) {
            return new Options(forward, backward, policy, steps, damping);
        }

        /**
         * The forward solver and the backward linear solver (null: the forward solver in
         * fixed-point form).
         */
        public Options withSolvers(FixedPointSolver f, LinearSolver b) {
            return new Options(f, b, policy, phantomSteps, phantomDamping);
        }

        public Options withPolicy(NonConvergence p) {
            return new Options(forward, backward, p, phantomSteps, phantomDamping);
        }
    }

    private final Module cellModule;
    private final Cell cell;
    private final BiFunction<Tensor, Integer, Tensor> initial;
    private final Options options;
    private Solution lastForward;
    private Solution lastBackward;
    private Tensor lastFixedPoint;
    private Tensor lastInput;

    /**
     * @param cell the module computing f(z, x) (it must implement {@link Cell})
     * @param width size of z per sample (z0 = zeros [batch, width])
     */
    public <C extends Module & Cell> DeqLayer(C cell, int width, Options options) {
        this.cellModule = child("cell", cell);
        this.cell = cell;
        this.initial = (x, b) -> Tensor.zeros(x.dtype(), b, width).to(x.backend());
        this.options = options;
    }

    @Override
    public Tensor forward(Tensor x) {
        UnaryOperator<Tensor> f = z -> cell.apply(z, x);
        Solution s;
        try (Grad.Scope ignored = Grad.noGrad()) {
            s =
                    options.policy()
                            .check(
                                    "DEQ forward solve",
                                    options.forward().solve(f, initial.apply(x, x.shape(0))));
        }
        lastForward = s;
        lastBackward = null;
        Tensor zStar = s.value().detach();
        lastFixedPoint = zStar;
        lastInput = x;
        if (!Grad.isEnabled()) {
            return zStar;
        }
        if (options.phantomSteps() > 0) {
            Tensor z = zStar;
            double tau = options.phantomDamping();
            for (int k = 0; k < options.phantomSteps(); k++) {
                z = z.mul(1 - tau).add(cell.apply(z, x).mul(tau));
            }
            return z;
        }
        Tensor taped = cell.apply(zStar, x);
        if (!taped.requiresGrad()) {
            return taped;
        }
        UnaryOperator<Tensor> jt = ImplicitDiff.vjp(f, zStar);
        LinearSolver ls =
                options.backward() != null
                        ? options.backward()
                        : new AsFixedPoint(options.forward());
        return ImplicitDiff.attach(
                taped, u -> u.sub(jt.apply(u)), ls, options.policy(), sol -> lastBackward = sol);
    }

    /**
     * Hutchinson's estimate of ||df/dz||_F^2 / d at the last fixed point (Bai et al. 2021, eq. 6),
     * differentiable in the cell's parameters: add a multiple of it to the loss.
     */
    public Tensor jacobianPenalty(Rng rng) {
        if (lastFixedPoint == null) {
            throw new IllegalStateException("jacobianPenalty: call forward first");
        }
        Tensor z0 = lastFixedPoint.requiringGrad();
        Tensor fz = cell.apply(z0, lastInput);
        Tensor eps = Tensor.randn(rng, fz.dtype(), fz.shape()).to(fz.backend());
        Tensor jtEps = Grad.of(new Tensor[] {fz}, new Tensor[] {z0}, new Tensor[] {eps}, true)[0];
        return jtEps.square().sum().div(eps.numel());
    }

    /** Statistics of the last forward solve. */
    public Solution lastForward() {
        return lastForward;
    }

    /**
     * Statistics of the last backward solve (null before a backward pass, or with the phantom
     * gradient).
     */
    public Solution lastBackward() {
        return lastBackward;
    }

    public Module cell() {
        return cellModule;
    }
}
