package org.implicitlayers.ode.cnf;

import org.implicitlayers.core.DType;
import org.implicitlayers.core.Grad;
import org.implicitlayers.core.Rng;
import org.implicitlayers.core.Tensor;
import org.implicitlayers.core.nn.Activation;
import org.implicitlayers.core.nn.Mlp;
import org.implicitlayers.core.nn.Module;
import org.implicitlayers.core.nn.Parameter;
import org.implicitlayers.ode.Dynamics;
import org.implicitlayers.ode.OdeSolve;

/**
 * A continuous normalising flow in the plane (Chen et al. 2018; Grathwohl et al. 2019, FFJORD):
 * data x flows along dz/dt = f(t, z) from t = 0 to t = 1 into a standard normal, and the
 * instantaneous change of variables gives {@code log p(x) = log N(z(1); 0, I) + integral_0^1
 * tr(df/dz) dt}. The trace is exact (two reverse-mode passes in 2-D) or Hutchinson's estimator
 * {@code eps^T (df/dz) eps} with one Rademacher eps per sample, fixed during a solve. The network
 * sees (z, t).
 */
public final class ContinuousFlow extends Module {
    private final Mlp net;
    private final boolean hutchinson;
    private final OdeSolve.Options options;

    /**
     * @param hidden width of the three hidden tanh layers
     * @param hutchinson Hutchinson's trace estimator instead of the exact trace
     * @param options solver options (tolerances, gradient mode)
     */
    public ContinuousFlow(
            int hidden, boolean hutchinson, OdeSolve.Options options, Rng rng, DType dtype) {
        this.net =
                child(
                        "net",
                        Mlp.builder(3, hidden, hidden, hidden, 2)
                                .activation(Activation.tanh())
                                .dtype(dtype)
                                .build(rng));
        this.hutchinson = hutchinson;
        this.options = options;
    }

    /** f(t, z) for z [n, 2]. */
    public Tensor velocity(double t, Tensor z) {
        return net.forward(Tensor.concat(1, z, Tensor.full(z.dtype(), t, z.shape(0), 1)));
    }

    @Override
    public Tensor forward(Tensor x) {
        return logDensity(x, null);
    }

    private Tensor[] params() {
        return net.parameters().values().stream().map(Parameter::value).toArray(Tensor[]::new);
    }

    /** The augmented dynamics of s = [z, integral of the trace] ([n, 3]). */
    private Dynamics augmented(Tensor eps) {
        return (t, s) -> {
            Tensor z = s.slice(1, 0, 2);
            // Recording (direct gradients, or the adjoint's vector-Jacobian products): the trace
            // must stay differentiable.
            boolean taped = Grad.isEnabled();
            Tensor zz = z.requiresGrad() ? z : z.detach().requiringGrad();
            Tensor fz;
            Tensor tr;
            try (Grad.Scope ignored = Grad.enableGrad()) {
                fz = velocity(t, zz);
                if (eps != null) {
                    Tensor vjp =
                            Grad.of(
                                    new Tensor[] {fz},
                                    new Tensor[] {zz},
                                    new Tensor[] {eps},
                                    taped)[0];
                    tr = vjp.mul(eps).sum(new int[] {1}, true);
                } else {
                    // Two passes over one graph: the first keeps it.
                    Grad.Options first =
                            Grad.Options.defaults().withCreateGraph(taped).withRetainGraph(true);
                    Tensor d0 =
                            Grad.of(
                                    new Tensor[] {fz.slice(1, 0, 1).sum()},
                                    new Tensor[] {zz},
                                    null,
                                    first)[0]
                                    .slice(1, 0, 1);
                    Tensor d1 =
                            Grad.of(
                                    new Tensor[] {fz.slice(1, 1, 2).sum()},
                                    new Tensor[] {zz},
                                    null,
                                    taped)[0]
                                    .slice(1, 1, 2);
                    tr = d0.add(d1);
                }
            }
            Tensor out = Tensor.concat(1, fz, tr);
            return taped ? out : out.detach();
        };
    }

    /**
     * log p(x) for points x [n, 2] (a tensor [n] on the tape when recording).
     *
     * @param rng the generator of Hutchinson's probe vectors (null: exact trace whatever the
     *     option)
     */
    public Tensor logDensity(Tensor x, Rng rng) {
        int n = x.shape(0);
        Tensor eps = null;
        if (hutchinson && rng != null) {
            double[] e = new double[2 * n];
            for (int i = 0; i < e.length; i++) {
                e[i] = rng.nextDouble() < 0.5 ? -1 : 1;
            }
            eps = Tensor.of(x.dtype(), e, n, 2);
        }
        Tensor s0 = Tensor.concat(1, x, Tensor.zeros(x.dtype(), n, 1));
        Tensor s1 =
                OdeSolve.solve(
                                augmented(eps),
                                s0,
                                Tensor.of(x.dtype(), new double[] {0, 1}, 2),
                                params(),
                                options)
                        .ys()
                        .select(0, 1);
        Tensor z = s1.slice(1, 0, 2);
        Tensor logNormal = z.square().sum(1).mul(-0.5).sub(Math.log(2 * Math.PI));
        return logNormal.add(s1.slice(1, 2, 3).reshape(n));
    }

    /** Samples: z ~ N(0, I) carried from t = 1 back to t = 0 ([n, 2], no tape). */
    public Tensor sample(Rng rng, int n) {
        DType dt = net.layer(0).weight().value().dtype();
        try (Grad.Scope ignored = Grad.noGrad()) {
            Tensor z = Tensor.randn(rng, dt, n, 2);
            return OdeSolve.solve(this::velocity, z, Tensor.of(dt, new double[] {1, 0}, 2), options)
                    .ys()
                    .select(0, 1);
        }
    }

    /** log p on a grid: values[i][j] at (xs[i], ys[j]), no tape. */
    public double[][] logDensityGrid(double[] xs, double[] ys) {
        DType dt = net.layer(0).weight().value().dtype();
        double[] pts = new double[2 * xs.length * ys.length];
        int k = 0;
        for (double x : xs) {
            for (double y : ys) {
                pts[k++] = x;
                pts[k++] = y;
            }
        }
        double[] lp;
        try (Grad.Scope ignored = Grad.noGrad()) {
            lp = logDensity(Tensor.of(dt, pts, xs.length * ys.length, 2), null).toDoubleArray();
        }
        double[][] v = new double[xs.length][ys.length];
        for (int i = 0; i < xs.length; i++) {
            for (int j = 0; j < ys.length; j++) {
                v[i][j] = lp[i * ys.length + j];
            }
        }
        return v;
    }

    public OdeSolve.Options options() {
        return options;
    }
}
