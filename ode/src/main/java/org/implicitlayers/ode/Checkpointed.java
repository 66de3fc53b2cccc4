package org.implicitlayers.ode;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.implicitlayers.core.Grad;
import org.implicitlayers.core.Tensor;
import org.implicitlayers.ode.solver.ButcherTableau;
import org.implicitlayers.ode.solver.RungeKutta;

/**
 * Backpropagation through the solver with a bounded number of stored states. The forward pass keeps
 * the start states of evenly spaced accepted steps: every step at first, and whenever more than
 * {@code maxCheckpoints} would be held, every other one is dropped and the spacing doubles (so at
 * most {@code maxCheckpoints} states are held, spaced {@code s} steps apart with {@code s < 2 N /
 * maxCheckpoints} for N steps). Step times and sizes (two numbers per step) are all kept, so a
 * replay takes exactly the forward's steps.
 *
 * <p>Going backwards, each segment between stored states is reversed with the slots left free
 * (those of the earlier segments' start states stay taken): a segment that fits is replayed once
 * with every state stored; one that does not is cut in two (recursive bisection, as in Griewank's
 * checkpointing): the first half is replayed to the midpoint, whose state takes a slot while the
 * second half is reversed, then the first half is reversed with the slot given back. With no slot
 * free, each step is replayed from the segment's start. Each step is then evaluated on a fresh tape
 * from its start state and the adjoint pulled through it. The result equals backpropagating through
 * the whole solve (the discrete adjoint, {@link Direct}) to rounding; only one step's tape is alive
 * at a time, and the state is never integrated backwards. The replays cost extra evaluations of f:
 * about {@code log2(s)} forward passes over a segment of s steps when the free slots allow
 * bisection.
 *
 * @param maxCheckpoints the most states held at once, forward and backward together, counting the
 *     initial state; at least 1; default {@value #DEFAULT_MAX_CHECKPOINTS}
 */
public record Checkpointed(int maxCheckpoints) implements Gradient {
    /** The default bound on stored states. */
    public static final int DEFAULT_MAX_CHECKPOINTS = 64;

    public Checkpointed {
        if (maxCheckpoints < 1) {
            throw new IllegalArgumentException(
                    "Checkpointed gradient: maxCheckpoints must be at least 1 (the initial state), got "
                            + maxCheckpoints);
        }
    }

    /** At most {@value #DEFAULT_MAX_CHECKPOINTS} states. */
    public static Checkpointed defaults() {
        return new Checkpointed(DEFAULT_MAX_CHECKPOINTS);
    }

    public Checkpointed withMaxCheckpoints(int m) {
        return new Checkpointed(m);
    }

    @Override
    public String name() {
        return "checkpointed";
    }

    @Override
    public Tensor solve(
            Dynamics f,
            Tensor y0,
            double[] times,
            Tensor[] params,
            OdeSolve.Options o,
            SolveStats stats) {
        Store store = new Store(maxCheckpoints);
        RungeKutta.Result[] fwd = new RungeKutta.Result[1];
        return new SolveNode("odeint_checkpointed") {
            @Override
            protected Tensor forward(Tensor[] in) {
                fwd[0] = RungeKutta.integrate(f, in[0], times, o.forward(), store);
                stats.forward(fwd[0].nfe(), fwd[0].accepted(), fwd[0].rejected());
                stats.checkpoints(store.peak);
                return Tensor.stack(0, fwd[0].outputs());
            }

            @Override
            Tensor[] pullBack(Tensor out, Tensor g) {
                Reverse r = new Reverse(f, times, params, fwd[0], g, o, store);
                Tensor[] grads = r.run();
                stats.backward(r.nfe[0], store.count);
                stats.checkpoints(store.peak);
                return grads;
            }
        }.apply(SolveNode.concat(y0, params));
    }

    /** The forward pass's evenly thinned checkpoints, and the step grid. */
    static final class Store implements RungeKutta.StepObserver {
        private final int max;
        private double[] t = new double[16];
        private double[] h = new double[16];
        private int count;
        private int stride = 1;

        /** Checkpoint step indices (ascending) and their states. */
        private final List<Integer> index = new ArrayList<>();

        private final List<Tensor> state = new ArrayList<>();

        /** States held now (checkpoints plus those of a replay) and the most ever held. */
        int held;

        int peak;

        Store(int max) {
            this.max = max;
        }

        @Override
        public void accepted(int i, double ti, double hi, Tensor y) {
            if (count == t.length) {
                t = Arrays.copyOf(t, 2 * count);
                h = Arrays.copyOf(h, 2 * count);
            }
            t[count] = ti;
            h[count] = hi;
            count++;
            if (i % stride != 0) {
                return;
            }
            if (index.size() == max) {
                // Thin: keep every other checkpoint (those at multiples of the doubled stride).
                stride *= 2;
                for (int k = index.size() - 1; k >= 0; k--) {
                    if (index.get(k) % stride != 0) {
                        index.remove(k);
                        state.remove(k);
                    }
                }
                held = index.size();
                if (i % stride != 0) {
                    return;
                }
            }
            index.add(i);
            state.add(y);
            take();
        }

        void take() {
            held++;
            peak = Math.max(peak, held);
        }

        void release() {
            held--;
        }
    }

    /** The backward pass over the forward's steps, last to first. */
    private static final class Reverse {
        private final Dynamics f;
        private final double[] times;
        private final Tensor[] params;
        private final RungeKutta.Result fwd;
        private final Tensor g;
        private final OdeSolve.Options o;
        private final ButcherTableau m;
        private final Store store;
        private final int[] nfe = {0};
        private Tensor a;
        private final Tensor[] gp;
        private int out;

        Reverse(
                Dynamics f,
                double[] times,
                Tensor[] params,
                RungeKutta.Result fwd,
                Tensor g,
                OdeSolve.Options o,
                Store store) {
            this.f = f;
            this.times = times;
            this.params = params;
            this.fwd = fwd;
            this.g = g;
            this.o = o;
            this.m = o.method();
            this.store = store;
            this.gp = new Tensor[params.length];
            this.out = times.length - 1;
        }

        Tensor[] run() {
            int segments = store.index.size();
            int end = store.count;
            for (int k = segments - 1; k >= 0; k--) {
                int start = store.index.get(k);
                // Slots taken: the start states of segments 0..k; the rest are free for this
                // segment's replay.
                reverse(start, store.state.get(k), end, store.max - (k + 1));
                store.release();
                end = start;
            }
            Tensor g0 = g.select(0, 0);
            Tensor[] grads = new Tensor[params.length + 1];
            grads[0] = a == null ? g0 : a.add(g0);
            for (int p = 0; p < params.length; p++) {
                grads[p + 1] = gp[p] == null ? Tensor.zerosLike(params[p]) : gp[p];
            }
            return grads;
        }

        /**
         * Reverses steps [from, to) given the (held) state at step {@code from}, with {@code free}
         * more slots.
         */
        private void reverse(int from, Tensor y, int to, int free) {
            int len = to - from;
            if (len <= 0) {
                return;
            }
            if (len == 1) {
                backStep(from, y);
            } else if (len - 1 <= free) {
                Tensor[] ys = new Tensor[len];
                ys[0] = y;
                for (int i = 1; i < len; i++) {
                    ys[i] = replay(from + i - 1, ys[i - 1]);
                    store.take();
                }
                for (int i = len - 1; i >= 0; i--) {
                    backStep(from + i, ys[i]);
                    if (i > 0) {
                        ys[i] = null;
                        store.release();
                    }
                }
            } else if (free == 0) {
                for (int j = to - 1; j >= from; j--) {
                    Tensor yj = y;
                    for (int i = from; i < j; i++) {
                        yj = replay(i, yj);
                    }
                    backStep(j, yj);
                }
            } else {
                int mid = from + (len + 1) / 2;
                Tensor ym = y;
                for (int i = from; i < mid; i++) {
                    ym = replay(i, ym);
                }
                store.take();
                reverse(mid, ym, to, free - 1);
                store.release();
                reverse(from, y, mid, free);
            }
        }

        /** The state after step i from its start state y, off the tape. */
        private Tensor replay(int i, Tensor y) {
            try (Grad.Scope ignored = Grad.noGrad()) {
                double t = store.t[i];
                double h = store.h[i];
                Tensor[] k = RungeKutta.stages(f, m, o.implicitStages(), t, y, eval(t, y), h, nfe);
                return RungeKutta.advance(m, h, y, k).detach();
            }
        }

        /**
         * Pulls the adjoint through step si from its start state, adding the gradients of the
         * outputs inside it.
         */
        private void backStep(int si, Tensor start) {
            double t = store.t[si];
            double h = store.h[si];
            List<Tensor> outs = new ArrayList<>();
            List<Tensor> seeds = new ArrayList<>();
            Tensor[] wrt = new Tensor[params.length + 1];
            System.arraycopy(params, 0, wrt, 1, params.length);
            Tensor[] res;
            try (Grad.Scope ignored = Grad.enableGrad()) {
                Tensor y = start.requiringGrad();
                wrt[0] = y;
                Tensor[] k = RungeKutta.stages(f, m, o.implicitStages(), t, y, eval(t, y), h, nfe);
                Tensor y1 = RungeKutta.advance(m, h, y, k);
                Tensor seed1 = a;
                Tensor f1 = m.fsal() ? k[k.length - 1] : null;
                for (; out >= 1 && fwd.outputStep()[out] == si; out--) {
                    Tensor gi = g.select(0, out);
                    if (fwd.outputTheta()[out] == 1.0 || times[out] == t + h) {
                        seed1 = seed1 == null ? gi : seed1.add(gi);
                    } else {
                        if (f1 == null) {
                            f1 = eval(t + h, y1);
                        }
                        outs.add(RungeKutta.dense(m, h, y, k, f1, fwd.outputTheta()[out]));
                        seeds.add(gi);
                    }
                }
                if (seed1 != null) {
                    outs.add(y1);
                    seeds.add(seed1);
                }
                if (outs.isEmpty()) {
                    return;
                }
                res =
                        Grad.of(
                                outs.toArray(new Tensor[0]),
                                wrt,
                                seeds.toArray(new Tensor[0]),
                                Adjoint.UNUSED_ARE_ZERO);
            }
            a = res[0].detach();
            for (int p = 0; p < params.length; p++) {
                gp[p] = gp[p] == null ? res[p + 1].detach() : gp[p].add(res[p + 1].detach());
            }
        }

        private Tensor eval(double t, Tensor y) {
            nfe[0]++;
            return f.apply(t, y);
        }
    }
}
