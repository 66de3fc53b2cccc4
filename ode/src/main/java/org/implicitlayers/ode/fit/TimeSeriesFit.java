package org.implicitlayers.ode.fit;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.implicitlayers.core.DType;
import org.implicitlayers.core.Grad;
import org.implicitlayers.core.Rng;
import org.implicitlayers.core.Tensor;
import org.implicitlayers.core.nn.Activation;
import org.implicitlayers.core.nn.Mlp;
import org.implicitlayers.core.optim.Adam;
import org.implicitlayers.core.train.CancelRequest;
import org.implicitlayers.core.train.Trainer;
import org.implicitlayers.core.train.TrainingCallback;
import org.implicitlayers.ode.Gradient;
import org.implicitlayers.ode.NeuralOde;
import org.implicitlayers.ode.OdeSolve;

/**
 * Fits a neural ODE dy/dt = MLP(y) to a {@link TimeSeries}. Each component is standardised (mean 0,
 * standard deviation 1) for training; each step fits a batch of random segments of consecutive
 * observations, each segment solved at its own observation times (so the times need not be evenly
 * spaced); the fit is reported on the whole series integrated from its first observation, in the
 * data's units.
 */
public final class TimeSeriesFit {
    /**
     * Options; start from {@link #defaults()} and change what differs with the withers.
     *
     * @param hidden width of the two hidden tanh layers (default 64)
     * @param steps Adam steps (default 600)
     * @param lr Adam learning rate (default 3e-3)
     * @param segment observations per training segment, at least 2 (default 10)
     * @param batch segments per step (default 16)
     * @param gradient how the solves are differentiated (default {@link Gradient#adjoint()})
     * @param rtol solver relative tolerance (default 1e-6)
     * @param atol solver absolute tolerance, in standardised units (default 1e-8)
     * @param seed seed of the weights and the segments (default 0)
     * @param evalEvery whole-series RMSE every so many steps (0: only at the end; default 50)
     * @param checkpoint checkpoint file, or null (the default) for none
     * @param resume continue from the checkpoint (default false)
     */
    public record Options(
            int hidden,
            int steps,
            double lr,
            int segment,
            int batch,
            Gradient gradient,
            double rtol,
            double atol,
            long seed,
            int evalEvery,
            Path checkpoint,
            boolean resume) {
        public Options {
            if (gradient == null) {
                throw new IllegalArgumentException("time-series fit: gradient must be set");
            }
            if (hidden < 1
                    || steps < 0
                    || !(lr > 0)
                    || segment < 2
                    || batch < 1
                    || !(rtol > 0)
                    || !(atol > 0)
                    || evalEvery < 0) {
                throw new IllegalArgumentException(
                        "time-series fit: expected hidden >= 1, steps >= 0, lr > 0, segment >= 2, batch >= 1,"
                                + " positive tolerances, evalEvery >= 0");
            }
        }

        public static Options defaults() {
            return new Options(
                    64, 600, 3e-3, 10, 16, Gradient.adjoint(), 1e-6, 1e-8, 0, 50, null, false);
        }

        public Options withHidden(int v) {
            return new Options(
                    v,
                    steps,
                    lr,
                    segment,
                    batch,
                    gradient,
                    rtol,
                    atol,
                    seed,
                    evalEvery,
                    checkpoint,
                    resume);
        }

        public Options withSteps(int v) {
            return new Options(
                    hidden,
                    v,
                    lr,
                    segment,
                    batch,
                    gradient,
                    rtol,
                    atol,
                    seed,
                    evalEvery,
                    checkpoint,
                    resume);
        }

        public Options withLr(double v) {
            return new Options(
                    hidden,
                    steps,
                    v,
                    segment,
                    batch,
                    gradient,
                    rtol,
                    atol,
                    seed,
                    evalEvery,
                    checkpoint,
                    resume);
        }

        public Options withSegment(int v) {
            return new Options(
                    hidden,
                    steps,
                    lr,
                    v,
                    batch,
                    gradient,
                    rtol,
                    atol,
                    seed,
                    evalEvery,
                    checkpoint,
                    resume);
        }

        public Options withBatch(int v) {
            return new Options(
                    hidden,
                    steps,
                    lr,
                    segment,
                    v,
                    gradient,
                    rtol,
                    atol,
                    seed,
                    evalEvery,
                    checkpoint,
                    resume);
        }

        public Options withGradient(Gradient v) {
            return new Options(
                    hidden,
                    steps,
                    lr,
                    segment,
                    batch,
                    v,
                    rtol,
                    atol,
                    seed,
                    evalEvery,
                    checkpoint,
                    resume);
        }

        public Options withRtol(double v) {
            return new Options(
                    hidden,
                    steps,
                    lr,
                    segment,
                    batch,
                    gradient,
                    v,
                    atol,
                    seed,
                    evalEvery,
                    checkpoint,
                    resume);
        }

        public Options withAtol(double v) {
            return new Options(
                    hidden,
                    steps,
                    lr,
                    segment,
                    batch,
                    gradient,
                    rtol,
                    v,
                    seed,
                    evalEvery,
                    checkpoint,
                    resume);
        }

        public Options withSeed(long v) {
            return new Options(
                    hidden,
                    steps,
                    lr,
                    segment,
                    batch,
                    gradient,
                    rtol,
                    atol,
                    v,
                    evalEvery,
                    checkpoint,
                    resume);
        }

        public Options withEvalEvery(int v) {
            return new Options(
                    hidden,
                    steps,
                    lr,
                    segment,
                    batch,
                    gradient,
                    rtol,
                    atol,
                    seed,
                    v,
                    checkpoint,
                    resume);
        }

        public Options withCheckpoint(Path v) {
            return new Options(
                    hidden, steps, lr, segment, batch, gradient, rtol, atol, seed, evalEvery, v,
                    resume);
        }

        public Options withResume(boolean v) {
            return new Options(
                    hidden,
                    steps,
                    lr,
                    segment,
                    batch,
                    gradient,
                    rtol,
                    atol,
                    seed,
                    evalEvery,
                    checkpoint,
                    v);
        }
    }

    /**
     * @param fitted the fitted trajectory at the observation times, [rows][n], in the data's units
     * @param rmse root-mean-square error over all observations and components
     * @param rmsePerComponent per component
     * @param model the trained neural ODE (on standardised data)
     * @param cancelled whether {@link #cancel()} stopped the run before its last step
     * @param lastStep the last step taken (the checkpoint's, when there is one)
     * @param resumedFrom the checkpoint's step the run continued from (0 for a fresh run)
     */
    public record Result(
            double[][] fitted,
            double rmse,
            double[] rmsePerComponent,
            NeuralOde model,
            boolean cancelled,
            long lastStep,
            long resumedFrom) {}

    private final CancelRequest cancel = new CancelRequest();

    /**
     * Stops the run after its current step; the checkpoint (if any) is written first and {@link
     * #run} returns with {@code cancelled()}. Callable from any thread (an interrupt handler, a
     * GUI's Cancel button), also before the run starts, which then takes no step.
     */
    public void cancel() {
        cancel.cancel();
    }

    private final TimeSeries data;
    private final Options options;
    private final double[] mean;
    private final double[] std;
    private final Tensor ys;
    private final Tensor ts;
    private final NeuralOde model;
    private final Rng rng;

    public TimeSeriesFit(TimeSeries data, Options options) {
        this.data = data;
        this.options = options;
        int n = data.rows();
        int d = data.dim();
        mean = new double[d];
        std = new double[d];
        double[] flat = new double[n * d];
        for (int c = 0; c < d; c++) {
            double s = 0;
            double s2 = 0;
            for (double[] row : data.y()) {
                s += row[c];
                s2 += row[c] * row[c];
            }
            mean[c] = s / n;
            std[c] = Math.sqrt(Math.max(s2 / n - mean[c] * mean[c], 0));
            if (std[c] == 0) {
                std[c] = 1;
            }
            for (int i = 0; i < n; i++) {
                flat[i * d + c] = (data.y()[i][c] - mean[c]) / std[c];
            }
        }
        ys = Tensor.of(DType.FLOAT64, flat, n, d);
        ts = Tensor.of(DType.FLOAT64, data.t(), n);
        rng = Rng.seeded(options.seed());
        Mlp field =
                Mlp.builder(d, options.hidden(), options.hidden(), d)
                        .activation(Activation.tanh())
                        .dtype(DType.FLOAT64)
                        .build(rng);
        model =
                new NeuralOde(
                        field,
                        OdeSolve.Options.defaults()
                                .withTolerances(options.rtol(), options.atol())
                                .withGradient(options.gradient()));
    }

    public NeuralOde model() {
        return model;
    }

    /** The whole series from its first observation, in the data's units, [rows][n]. */
    public double[][] fitted() {
        Tensor pred;
        try (Grad.Scope ignored = Grad.noGrad()) {
            pred = model.solve(ys.slice(0, 0, 1), ts).ys();
        }
        int n = data.rows();
        int d = data.dim();
        double[] p = pred.toDoubleArray();
        double[][] out = new double[n][d];
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < d; c++) {
                out[i][c] = p[i * d + c] * std[c] + mean[c];
            }
        }
        return out;
    }

    private double[] rmsePerComponent(double[][] fit) {
        int d = data.dim();
        double[] e = new double[d];
        for (int i = 0; i < data.rows(); i++) {
            for (int c = 0; c < d; c++) {
                double r = fit[i][c] - data.y()[i][c];
                e[c] += r * r;
            }
        }
        for (int c = 0; c < d; c++) {
            e[c] = Math.sqrt(e[c] / data.rows());
        }
        return e;
    }

    private static double total(double[] perComponent) {
        double s = 0;
        for (double v : perComponent) {
            s += v * v;
        }
        return Math.sqrt(s / perComponent.length);
    }

    /** Trains (callbacks see every step and evaluation: progress, logs) and reports the fit. */
    public Result run(List<TrainingCallback> callbacks) throws IOException {
        int n = data.rows();
        int len = Math.min(options.segment(), n);
        int starts = n - len + 1;
        Adam adam = new Adam(model.parameters(), options.lr());
        Trainer.Builder b =
                Trainer.builder(model, adam, rng)
                        .loss(
                                (step, r) -> {
                                    int m = Math.min(options.batch(), starts);
                                    int[] s = new int[m];
                                    for (int i = 0; i < m; i++) {
                                        s[i] = r.nextInt(starts);
                                    }
                                    Tensor y0 = ys.index(0, s);
                                    Tensor[] segT = new Tensor[len];
                                    Tensor[] segY = new Tensor[len];
                                    for (int k = 0; k < len; k++) {
                                        int[] idx = new int[m];
                                        for (int i = 0; i < m; i++) {
                                            idx[i] = s[i] + k;
                                        }
                                        segT[k] = ts.index(0, idx);
                                        segY[k] = ys.index(0, idx);
                                    }
                                    Tensor pred =
                                            OdeSolve.solveBatched(
                                                            (t, y) -> model.field().forward(y),
                                                            y0,
                                                            Tensor.stack(0, segT),
                                                            model
                                                                    .field()
                                                                    .parameters()
                                                                    .values()
                                                                    .stream()
                                                                    .map(p -> p.value())
                                                                    .toArray(Tensor[]::new),
                                                            model.options())
                                                    .ys();
                                    return pred.sub(Tensor.stack(0, segY)).square().mean();
                                })
                        .evaluator(step -> Map.of("rmse", total(rmsePerComponent(fitted()))))
                        .options(
                                Trainer.Options.defaults()
                                        .withSteps(options.steps())
                                        .withEvalEvery(options.evalEvery())
                                        .withCheckpointEvery(options.evalEvery() * 4L)
                                        .withCheckpoint(options.checkpoint())
                                        .withResume(options.resume()));
        for (TrainingCallback cb : callbacks) {
            b.callback(cb);
        }
        Trainer t = b.build();
        cancel.accept(t);
        Trainer.Result tr = t.run();
        double[][] fit = fitted();
        double[] per = rmsePerComponent(fit);
        return new Result(
                fit, total(per), per, model, tr.cancelled(), tr.lastStep(), tr.resumedFrom());
    }
}
