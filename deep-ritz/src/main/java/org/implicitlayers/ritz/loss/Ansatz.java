package org.implicitlayers.ritz.loss;

import org.implicitlayers.core.Tensor;
import org.implicitlayers.core.nn.Module;
import org.implicitlayers.ritz.domain.Domain;
import org.implicitlayers.ritz.problem.ScalarField;

/**
 * The approximate solution built from the network N: N itself, or, with exact Dirichlet
 * conditions, u = g + phi N where phi is the domain's smooth distance to its boundary (zero there)
 * and g the boundary data (Sukumar and Srivastava 2022, the R-function form).
 */
public final class Ansatz {
    private final Module net;
    private final Domain domain;
    private final boolean exact;
    private final ScalarField g;

    /**
     * @param net    the network, [n, d] to [n, 1]
     * @param domain the domain (its distance function is used when {@code exact})
     * @param exact  impose u = g on the boundary through the ansatz
     * @param g      the Dirichlet data when {@code exact}; null for u = 0 on the boundary
     */
    public Ansatz(Module net, Domain domain, boolean exact, ScalarField g) {
        this.net = net;
        this.domain = domain;
        this.exact = exact;
        this.g = g;
    }

    /** u at x [n, d]: [n, 1], differentiable in x and in the network's parameters. */
    public Tensor at(Tensor x) {
        Tensor n = net.forward(x);
        if (exact) {
            n = domain.distance(x).mul(n);
            if (g != null) {
                n = n.add(g.at(x));
            }
        }
        return n;
    }

    /** True when the boundary conditions are built into the ansatz. */
    public boolean exact() {
        return exact;
    }

    public Module network() {
        return net;
    }
}
