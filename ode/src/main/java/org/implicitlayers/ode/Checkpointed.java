package org.implicitlayers.ode;

import java.util.ArrayList;
import java.util.List;
import org.implicitlayers.core.Grad;
import org.implicitlayers.core.Tensor;
import org.implicitlayers.ode.solver.ButcherTableau;
import org.implicitlayers.ode.solver.RungeKutta;

/**
 * Backpropagation through the solver one step at a time: the forward pass kept each accepted
 * step's start state; going backwards, each step (and the outputs inside it) is evaluated again
 * on a fresh tape from its start state and the adjoint is pulled through it. The result equals
 * backpropagating through the whole solve (the discrete adjoint); only one step's tape is alive at
 * a time, and the state is never integrated backwards in time.
 */
final class Checkpointed {
    private Checkpointed() {
    }

    static Tensor[] backward(Dynamics f, double[] times, Tensor[] params, RungeKutta.Result fwd, Tensor g, ButcherTableau m,
                             SolveStats stats) {
        List<RungeKutta.Step> steps = fwd.steps();
        int T = times.length;
        Tensor a = null;
        Tensor[] gp = new Tensor[params.length];
        int[] nfe = {0};
        int out = T - 1;
        for (int si = steps.size() - 1; si >= 0; si--) {
            RungeKutta.Step st = steps.get(si);
            List<Tensor> outs = new ArrayList<>();
            List<Tensor> seeds = new ArrayList<>();
            Tensor[] wrt = new Tensor[params.length + 1];
            System.arraycopy(params, 0, wrt, 1, params.length);
            Tensor[] res;
            try (Grad.Scope ignored = Grad.enableGrad()) {
                Tensor y = st.y().requiringGrad();
                wrt[0] = y;
                Tensor[] k = RungeKutta.stages(f, m, st.t(), y, countedEval(f, st.t(), y, nfe), st.h(), nfe);
                Tensor y1 = RungeKutta.advance(m, st.h(), y, k);
                Tensor seed1 = a;
                Tensor f1 = m.fsal() ? k[k.length - 1] : null;
                for (; out >= 1 && fwd.outputStep()[out] == si; out--) {
                    Tensor gi = g.select(0, out);
                    if (fwd.outputTheta()[out] == 1.0 || times[out] == st.t() + st.h()) {
                        seed1 = seed1 == null ? gi : seed1.add(gi);
                    } else {
                        if (f1 == null) {
                            f1 = countedEval(f, st.t() + st.h(), y1, nfe);
                        }
                        outs.add(RungeKutta.dense(m, st.h(), y, k, f1, fwd.outputTheta()[out]));
                        seeds.add(gi);
                    }
                }
                if (seed1 != null) {
                    outs.add(y1);
                    seeds.add(seed1);
                }
                if (outs.isEmpty()) {
                    continue;
                }
                res = Grad.of(outs.toArray(new Tensor[0]), wrt, seeds.toArray(new Tensor[0]), Adjoint.UNUSED_ARE_ZERO);
            }
            a = res[0].detach();
            for (int p = 0; p < params.length; p++) {
                gp[p] = gp[p] == null ? res[p + 1].detach() : gp[p].add(res[p + 1].detach());
            }
        }
        stats.backward(nfe[0], steps.size());
        Tensor g0 = g.select(0, 0);
        Tensor[] grads = new Tensor[params.length + 1];
        grads[0] = a == null ? g0 : a.add(g0);
        for (int p = 0; p < params.length; p++) {
            grads[p + 1] = gp[p] == null ? Tensor.zerosLike(params[p]) : gp[p];
        }
        return grads;
    }

    private static Tensor countedEval(Dynamics f, double t, Tensor y, int[] nfe) {
        nfe[0]++;
        return f.apply(t, y);
    }
}
