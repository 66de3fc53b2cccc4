package org.implicitlayers.ode.spiral;

import org.implicitlayers.core.DType;
import org.implicitlayers.core.Grad;
import org.implicitlayers.core.Rng;
import org.implicitlayers.core.Tensor;
import org.implicitlayers.core.nn.Init;
import org.implicitlayers.core.nn.Linear;
import org.implicitlayers.core.nn.Module;
import org.implicitlayers.ode.OdeSolve;
import org.implicitlayers.ode.solver.Tableaus;

/**
 * The cubic spiral of torchdiffeq's {@code examples/ode_demo.py}: true dynamics {@code dy/dt = y^3
 * A}, A = [[-0.1, 2], [-2, -0.1]], y0 = [2, 0], observed at 1000 times in [0, 25]; a network f(y) =
 * W2 tanh(W1 y^3 + b1) + b2 (widths 2-50-2, weights N(0, 0.1^2), zero biases) learns the dynamics
 * from random 10-point segments. The data, the model, the batches and the losses live here so that
 * the command line and the GUI drive the same code.
 */
public final class SpiralProblem {
    /** Observation times: {@code linspace(0, 25, dataSize)}. */
    public static final int DATA_SIZE = 1000;

    /** Points per training segment. */
    public static final int BATCH_TIME = 10;

    /** Segments per batch. */
    public static final int BATCH_SIZE = 20;

    private static final double[] A = {-0.1, 2.0, -2.0, -0.1};

    private final DType dtype;
    private final Tensor t;
    private final Tensor trueY;
    private final Tensor y0;
    private final Tensor batchT;

    /**
     * The data: the true trajectory [1000, 1, 2] by Dormand-Prince 5(4) (rtol 1e-7, atol 1e-9) in
     * float64, stored in dtype.
     */
    public SpiralProblem(DType dtype) {
        this.dtype = dtype;
        Tensor a = Tensor.of(A, 2, 2);
        Tensor t64 = Tensor.linspace(DType.FLOAT64, 0, 25, DATA_SIZE);
        Tensor ys;
        try (Grad.Scope ignored = Grad.noGrad()) {
            ys =
                    OdeSolve.solve(
                                    (tt, y) -> y.pow(3).matmul(a),
                                    Tensor.of(new double[] {2, 0}, 1, 2),
                                    t64,
                                    OdeSolve.Options.defaults()
                                            .withMethod(Tableaus.DOPRI5)
                                            .withTolerances(1e-7, 1e-9))
                            .ys();
        }
        this.t = t64.to(dtype);
        this.trueY = ys.to(dtype);
        this.y0 = trueY.select(0, 0);
        this.batchT = t.slice(0, 0, BATCH_TIME);
    }

    /** The model of the benchmark: Linear(2, 50), tanh, Linear(50, 2) applied to y^3. */
    public static final class Field extends Module {
        private final Linear l1;
        private final Linear l2;

        public Field(Rng rng, DType dtype) {
            Init init =
                    new Init() {
                        @Override
                        public Tensor weight(Rng r, DType dt, int out, int in) {
                            return Tensor.randn(r, dt, out, in).mul(0.1);
                        }

                        @Override
                        public Tensor bias(Rng r, DType dt, int out, int in) {
                            return Tensor.zeros(dt, out);
                        }
                    };
            l1 = child("l1", new Linear(2, 50, true, init, rng, dtype));
            l2 = child("l2", new Linear(50, 2, true, init, rng, dtype));
        }

        @Override
        public Tensor forward(Tensor y) {
            return l2.forward(l1.forward(y.pow(3)).tanh());
        }
    }

    /** A training batch: initial states [M, 2], times [T], targets [T, M, 2]. */
    public record Batch(Tensor y0, Tensor t, Tensor y) {}

    /**
     * Draws {@link #BATCH_SIZE} distinct start indices from [0, DATA_SIZE - BATCH_TIME) and cuts
     * the segments.
     */
    public Batch batch(Rng rng) {
        int range = DATA_SIZE - BATCH_TIME;
        int[] pool = new int[range];
        for (int i = 0; i < range; i++) {
            pool[i] = i;
        }
        int[] s = new int[BATCH_SIZE];
        for (int i = 0; i < BATCH_SIZE; i++) {
            int j = i + rng.nextInt(range - i);
            int tmp = pool[i];
            pool[i] = pool[j];
            pool[j] = tmp;
            s[i] = pool[i];
        }
        Tensor flat = trueY.reshape(DATA_SIZE, 2);
        Tensor[] segs = new Tensor[BATCH_TIME];
        for (int k = 0; k < BATCH_TIME; k++) {
            int[] idx = new int[BATCH_SIZE];
            for (int i = 0; i < BATCH_SIZE; i++) {
                idx[i] = s[i] + k;
            }
            segs[k] = flat.index(0, idx);
        }
        return new Batch(segs[0], batchT, Tensor.stack(0, segs));
    }

    /** Mean absolute error between a prediction and the targets (the benchmark's L1 loss). */
    public static Tensor l1(Tensor pred, Tensor target) {
        return pred.sub(target).abs().mean();
    }

    /** Observation times [1000]. */
    public Tensor times() {
        return t;
    }

    /** The true trajectory [1000, 1, 2]. */
    public Tensor trueTrajectory() {
        return trueY;
    }

    /** The initial state [1, 2]. */
    public Tensor initialState() {
        return y0;
    }

    public DType dtype() {
        return dtype;
    }
}
