package org.implicitlayers.sdf.render;

import java.util.List;
import org.implicitlayers.core.Grad;
import org.implicitlayers.core.Tensor;
import org.implicitlayers.implicit.ImplicitDiff;
import org.implicitlayers.implicit.convergence.NonConvergence;
import org.implicitlayers.implicit.convergence.Solution;
import org.implicitlayers.implicit.linear.LinearSolver;
import org.implicitlayers.sdf.net.NetworkField;
import org.implicitlayers.sdf.net.SdfNetwork;

/**
 * The first intersection of rays with the zero level set of a network, as an implicit layer (Yariv
 * et al. 2020, IDR, eq. 3; Niemeyer et al. 2020, DVR): the hit distance t* solves F(t, theta) = f(o
 * + t d; theta) = 0. It is found without a tape (sphere tracing, then Newton steps t -= F / F_t
 * with F_t = grad f . d from autodiff, in the network's dtype), and its gradient with respect to
 * the parameters comes from the implicit function theorem, dt/dtheta = -F_theta / F_t at t*,
 * attached with {@link ImplicitDiff} to one application of F on the tape: nothing is differentiated
 * through the tracing steps.
 */
public final class RaySurface {
    private RaySurface() {}

    /**
     * Intersections of the rays that hit.
     *
     * @param hits indices of the rays that hit, ascending
     * @param t hit distances [m, 1], on the tape of the network's parameters
     * @param points hit points o + t d [m, 3], on the same tape
     */
    public record Hits(int[] hits, Tensor t, Tensor points) {}

    /**
     * @param origins [n, 3] ray origins (constants)
     * @param dirs [n, 3] unit directions (constants)
     */
    public static Hits intersect(
            SdfNetwork net, Tensor origins, Tensor dirs, SphereTracer.Options o, int newtonSteps) {
        int n = origins.shape(0);
        double[] od = origins.toDoubleArray(), dd = dirs.toDoubleArray();
        double[] t0 = SphereTracer.trace(new NetworkField(net, origins.dtype()), od, dd, o);
        int m = 0;
        int[] hit = new int[n];
        for (int i = 0; i < n; i++) {
            if (!Double.isNaN(t0[i])) {
                hit[m++] = i;
            }
        }
        int[] hits = java.util.Arrays.copyOf(hit, m);
        if (m == 0) {
            return new Hits(
                    hits, Tensor.zeros(origins.dtype(), 0, 1), Tensor.zeros(origins.dtype(), 0, 3));
        }
        Tensor oh = origins.index(0, hits), dh = dirs.index(0, hits);
        double[] tv = new double[m];
        for (int a = 0; a < m; a++) {
            tv[a] = t0[hits[a]];
        }
        Tensor t = Tensor.of(origins.dtype(), tv, m, 1);
        // Newton on F(t) = f(o + t d) with the exact slope, in the network's precision.
        for (int it = 0; it < newtonSteps; it++) {
            Tensor tt = t.detach().requiringGrad();
            Tensor f;
            Tensor slope;
            try (Grad.Scope ignored = Grad.enableGrad()) {
                f = net.forward(oh.add(dh.mul(tt)));
                slope = Grad.of(f.sum(), tt, false);
            }
            try (Grad.Scope ignored = Grad.noGrad()) {
                t = tt.detach().sub(f.detach().div(slope.detach()));
            }
        }
        Tensor tStar = t.detach();
        // Root form as in Roots: taped = t* - F(t*, theta) has the value t* and the parameters'
        // graph.
        Tensor taped = tStar.sub(net.forward(oh.add(dh.mul(tStar))));
        if (!taped.requiresGrad()) {
            return new Hits(hits, tStar, oh.add(dh.mul(tStar)));
        }
        java.util.function.UnaryOperator<Tensor> ftT =
                ImplicitDiff.vjp(z -> net.forward(oh.add(dh.mul(z))), tStar);
        Tensor tAttached = ImplicitDiff.attach(taped, ftT, DIAGONAL, NonConvergence.RAISE, null);
        return new Hits(hits, tAttached, oh.add(dh.mul(tAttached)));
    }

    /**
     * F_t is diagonal (one ray, one unknown): read the diagonal off A applied to ones and divide.
     */
    static final LinearSolver DIAGONAL =
            (a, b, x0) -> {
                Tensor diag = a.apply(Tensor.onesLike(b));
                Tensor x = b.div(diag);
                return new Solution(x, 1, List.of(0.0), true);
            };
}
