package org.implicitlayers.ritz.loss;

import java.util.List;
import org.implicitlayers.core.DType;
import org.implicitlayers.core.Tensor;
import org.implicitlayers.core.nn.Module;
import org.implicitlayers.ritz.domain.Domain;
import org.implicitlayers.ritz.problem.BoundaryCondition;
import org.implicitlayers.ritz.problem.ScalarField;
import org.implicitlayers.ritz.sampling.PointSource;

/**
 * The approximate solution built from the network N: N itself, or, with exact Dirichlet conditions,
 * u = G + phi N where phi is the domain's smooth distance to its boundary (zero there) and G a lift
 * of the boundary data (Sukumar and Srivastava 2022, the R-function form).
 *
 * <p>Dirichlet data given piecewise (conditions with a {@code where} selector, as in problem files:
 * the first condition whose selector is positive claims a boundary point, one without a selector
 * claims the rest) is lifted by a smooth blend of the pieces: with s_i = S(where_i / delta_i), S
 * the quintic smoothstep (0 below 0, 1 above 1, C2), delta_i half the largest |where_i| on the
 * boundary (1 without a selector), and weights w_i = s_i prod_{j &lt; i} (1 - s_j), G = sum over
 * the Dirichlet pieces of w_i g_i. It equals each piece's data exactly wherever where_i is at least
 * delta_i or not positive on the boundary, and blends the data of neighbouring pieces only in the
 * band 0 &lt; where_i &lt; delta_i around their junction (where data given in pieces may jump). A
 * wide transition keeps the lift's gradient, which the network must correct, moderate. Where the
 * boundary also has Neumann or Robin parts, phi becomes phi + (1 - W_D) with W_D the sum of the
 * Dirichlet weights: zero only on the Dirichlet parts, so that u is free on the others, whose
 * conditions stay natural terms of the energy.
 */
public final class Ansatz {
    private final Module net;
    private final Domain domain;
    private final boolean exact;
    private final ScalarField g;
    private final List<BoundaryCondition> pieces;
    private final double[] delta;
    private CornerEnrichment corners;

    /**
     * @param net the network, [n, d] to [n, 1]
     * @param domain the domain (its distance function is used when {@code exact})
     * @param exact impose u = g on the boundary through the ansatz
     * @param g the Dirichlet data when {@code exact}; null for u = 0 on the boundary
     */
    public Ansatz(Module net, Domain domain, boolean exact, ScalarField g) {
        this.net = net;
        this.domain = domain;
        this.exact = exact;
        this.g = g;
        this.pieces = null;
        this.delta = null;
    }

    /**
     * The exact-boundary ansatz for boundary conditions given in pieces (see the class comment).
     *
     * @param net the network, [n, d] to [n, 1]
     * @param domain the domain
     * @param conditions the problem's boundary conditions, in order; at least one Dirichlet
     * @throws IllegalArgumentException when no condition is Dirichlet
     */
    public Ansatz(Module net, Domain domain, List<BoundaryCondition> conditions) {
        if (conditions.stream().noneMatch(c -> c.type() == BoundaryCondition.Type.DIRICHLET)) {
            throw new IllegalArgumentException(
                    "bc 'exact': the problem has no Dirichlet condition to impose");
        }
        this.net = net;
        this.domain = domain;
        this.exact = true;
        this.g = null;
        this.pieces = List.copyOf(conditions);
        this.delta = new double[pieces.size()];
        Tensor xb =
                domain.sampleBoundary(512, PointSource.sobol(domain.dim() + 1), DType.FLOAT64)
                        .points();
        for (int i = 0; i < delta.length; i++) {
            ScalarField w = pieces.get(i).where();
            double m = 0;
            if (w != null) {
                for (double v : w.at(xb).toDoubleArray()) {
                    m = Math.max(m, Math.abs(v));
                }
            }
            delta[i] = m > 0 ? 0.5 * m : 1;
        }
    }

    /**
     * Adds corner terms to the solution: u = A + B N + sum_k c_k psi_k (outside the factor B, so
     * that they keep their singular form; they vanish on the boundary, see {@link
     * CornerEnrichment}).
     *
     * @return this ansatz
     */
    public Ansatz withCorners(CornerEnrichment e) {
        if (domain.dim() != 2) {
            throw new IllegalArgumentException(
                    "corner terms: for plane domains, this one has dimension " + domain.dim());
        }
        this.corners = e;
        return this;
    }

    /** The corner terms, or null without them. */
    public CornerEnrichment corners() {
        return corners;
    }

    /**
     * Every trainable parameter of the solution, in the order the optimisers flatten them: the
     * network's, then the corner coefficients (absent without corner terms).
     */
    public java.util.Map<String, org.implicitlayers.core.nn.Parameter> parameters() {
        java.util.Map<String, org.implicitlayers.core.nn.Parameter> all =
                new java.util.LinkedHashMap<>();
        net.parameters().forEach((k, p) -> all.put("net." + k, p));
        if (corners != null) {
            corners.parameters().forEach((k, p) -> all.put("corners." + k, p));
        }
        return all;
    }

    /** u at x [n, d]: [n, 1], differentiable in x and in the network's parameters. */
    public Tensor at(Tensor x) {
        Tensor u = withoutCorners(x);
        return corners == null ? u : u.add(corners.forward(x));
    }

    private Tensor withoutCorners(Tensor x) {
        Tensor n = net.forward(x);
        if (pieces != null) {
            return piecewise(x, n);
        }
        if (exact) {
            n = domain.distance(x).mul(n);
            if (g != null) {
                n = n.add(g.at(x));
            }
        }
        return n;
    }

    /**
     * The factor B in u = A + B N (A the lift, independent of the network): 1 without the exact
     * ansatz, phi with it, phi + (1 - W_D) where data in pieces leave parts of the boundary free.
     * At x [n, d]: [n, 1], differentiable in x.
     */
    public Tensor multiplier(Tensor x) {
        if (pieces != null) {
            return piecewiseParts(x, Tensor.onesLike(x.slice(1, 0, 1)))[0];
        }
        return exact ? domain.distance(x) : Tensor.onesLike(x.slice(1, 0, 1));
    }

    private Tensor piecewise(Tensor x, Tensor n) {
        Tensor[] parts = piecewiseParts(x, n);
        return parts[0].mul(n).add(parts[1]);
    }

    /** {phi, lift} of the piecewise ansatz; {@code n} gives the shape and dtype. */
    private Tensor[] piecewiseParts(Tensor x, Tensor n) {
        Tensor unclaimed = null; // prod_{j < i} (1 - s_j), null for 1
        Tensor lift = null, dirichletWeight = null;
        boolean free = false;
        for (int i = 0; i < pieces.size(); i++) {
            BoundaryCondition bc = pieces.get(i);
            Tensor s = bc.where() == null ? null : smoothstep(bc.where().at(x).mul(1 / delta[i]));
            Tensor w = s == null ? unclaimed : unclaimed == null ? s : s.mul(unclaimed);
            if (bc.type() == BoundaryCondition.Type.DIRICHLET) {
                Tensor gw = w == null ? bc.g().at(x) : bc.g().at(x).mul(w);
                lift = lift == null ? gw : lift.add(gw);
                Tensor wd = w == null ? Tensor.onesLike(n) : w;
                dirichletWeight = dirichletWeight == null ? wd : dirichletWeight.add(wd);
            } else {
                free = true;
            }
            if (s == null) {
                break; // claims everything that is left
            }
            unclaimed = unclaimed == null ? s.neg().add(1.0) : unclaimed.mul(s.neg().add(1.0));
        }
        Tensor phi = domain.distance(x);
        if (free || unclaimed != null) {
            phi = phi.add(dirichletWeight.neg().add(1.0));
        }
        return new Tensor[] {phi, lift};
    }

    /** 0 below 0, 1 above 1, t^3 (10 - 15 t + 6 t^2) between: twice continuously differentiable. */
    private static Tensor smoothstep(Tensor t) {
        Tensor c = t.maximum(Tensor.zerosLike(t)).minimum(Tensor.onesLike(t));
        return c.mul(c).mul(c).mul(c.mul(6.0).sub(15.0).mul(c).add(10.0));
    }

    /** True when the boundary conditions are built into the ansatz. */
    public boolean exact() {
        return exact;
    }

    public Module network() {
        return net;
    }
}
