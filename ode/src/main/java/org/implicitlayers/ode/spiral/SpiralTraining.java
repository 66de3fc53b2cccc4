package org.implicitlayers.ode.spiral;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.implicitlayers.core.DType;
import org.implicitlayers.core.Grad;
import org.implicitlayers.core.Rng;
import org.implicitlayers.core.Tensor;
import org.implicitlayers.core.optim.RmsProp;
import org.implicitlayers.core.train.Trainer;
import org.implicitlayers.core.train.TrainingCallback;
import org.implicitlayers.ode.Gradient;
import org.implicitlayers.ode.NeuralOde;
import org.implicitlayers.ode.OdeSolve;
import org.implicitlayers.ode.solver.Tableaus;

/**
 * Trains the spiral's neural ODE as torchdiffeq's demo does: RMSprop (lr 1e-3, alpha 0.99, eps
 * 1e-8), Dormand-Prince 5(4) at rtol 1e-7, atol 1e-9, L1 loss on batches of 20 segments. Runs on
 * core's {@link Trainer}: checkpoints, resume and callbacks as for every other model.
 */
public final class SpiralTraining {
    /**
     * Options; start from {@link #defaults()} and change what differs with the withers.
     *
     * @param iters optimiser steps (default 300)
     * @param gradient how the solves are differentiated (default {@link Gradient#direct()})
     * @param dtype float32 (default) or float64
     * @param seed seed of the initial weights and the batches (default 0)
     * @param lr RMSprop learning rate (default 1e-3)
     * @param evalEvery full-trajectory loss every so many steps (0: only at the end; default 20)
     * @param checkpoint checkpoint file, or null (the default) for none
     * @param resume continue from the checkpoint when it exists (default false)
     */
    public record Options(
            int iters,
            Gradient gradient,
            DType dtype,
            long seed,
            double lr,
            int evalEvery,
            Path checkpoint,
            boolean resume) {
        public Options {
            if (gradient == null || dtype == null) {
                throw new IllegalArgumentException(
                        "spiral training: gradient and dtype must be set");
            }
            if (iters < 0 || !(lr > 0) || evalEvery < 0) {
                throw new IllegalArgumentException(
                        "spiral training: expected iters >= 0, lr > 0, evalEvery >= 0; got iters "
                                + iters
                                + ", lr "
                                + lr
                                + ", evalEvery "
                                + evalEvery);
            }
        }

        public static Options defaults() {
            return new Options(300, Gradient.direct(), DType.FLOAT32, 0, 1e-3, 20, null, false);
        }

        public Options withIters(int v) {
            return new Options(v, gradient, dtype, seed, lr, evalEvery, checkpoint, resume);
        }

        public Options withGradient(Gradient v) {
            return new Options(iters, v, dtype, seed, lr, evalEvery, checkpoint, resume);
        }

        public Options withDtype(DType v) {
            return new Options(iters, gradient, v, seed, lr, evalEvery, checkpoint, resume);
        }

        public Options withSeed(long v) {
            return new Options(iters, gradient, dtype, v, lr, evalEvery, checkpoint, resume);
        }

        public Options withLr(double v) {
            return new Options(iters, gradient, dtype, seed, v, evalEvery, checkpoint, resume);
        }

        public Options withEvalEvery(int v) {
            return new Options(iters, gradient, dtype, seed, lr, v, checkpoint, resume);
        }

        public Options withCheckpoint(Path v) {
            return new Options(iters, gradient, dtype, seed, lr, evalEvery, v, resume);
        }

        public Options withResume(boolean v) {
            return new Options(iters, gradient, dtype, seed, lr, evalEvery, checkpoint, v);
        }
    }

    /** Per-step figures, as the steps finish. */
    public record StepRecord(
            long step, double loss, double seconds, int nfeForward, int nfeBackward) {}

    /**
     * How a run went.
     *
     * @param steps one record per step run (a resumed run has only the steps after the checkpoint)
     * @param evals (step, full-trajectory L1 loss) pairs
     * @param finalLoss the full-trajectory L1 loss at the end
     * @param model the trained neural ODE
     * @param training how the training loop ended: the last step, whether it was cancelled, where
     *     it resumed from
     */
    public record Result(
            List<StepRecord> steps,
            List<double[]> evals,
            double finalLoss,
            NeuralOde model,
            Trainer.Result training) {}

    private final SpiralProblem problem;
    private final Options options;
    private final NeuralOde model;
    private final Rng rng;
    private volatile Trainer trainer;
    private volatile boolean cancelled;

    public SpiralTraining(SpiralProblem problem, Options options) {
        this.problem = problem;
        this.options = options;
        this.rng = Rng.seeded(options.seed());
        OdeSolve.Options solver =
                OdeSolve.Options.defaults()
                        .withMethod(Tableaus.DOPRI5)
                        .withTolerances(1e-7, 1e-9)
                        .withGradient(options.gradient());
        this.model = new NeuralOde(new SpiralProblem.Field(rng, options.dtype()), solver);
    }

    public NeuralOde model() {
        return model;
    }

    /** The L1 loss over the whole trajectory from y0 (no tape). */
    public double fullLoss() {
        try (Grad.Scope ignored = Grad.noGrad()) {
            Tensor pred =
                    model.solve(
                                    problem.initialState(),
                                    problem.times(),
                                    model.options().withGradient(Gradient.direct()))
                            .ys();
            return SpiralProblem.l1(pred, problem.trueTrajectory()).item();
        }
    }

    /** The fitted trajectory [1000, 1, 2] from the true y0. */
    public Tensor fittedTrajectory() {
        try (Grad.Scope ignored = Grad.noGrad()) {
            return model.solve(
                            problem.initialState(),
                            problem.times(),
                            model.options().withGradient(Gradient.direct()))
                    .ys();
        }
    }

    /**
     * Stops a running training after its current step (a checkpoint is written when one is
     * configured); safe from any thread.
     */
    public void cancel() {
        cancelled = true;
        Trainer t = trainer;
        if (t != null) {
            t.cancel();
        }
    }

    /**
     * Runs the training; callbacks see every step (progress bars, logs, cancellation through {@link
     * Trainer}).
     */
    public Result run(List<TrainingCallback> callbacks) throws IOException {
        List<StepRecord> steps = new ArrayList<>();
        List<double[]> evals = new ArrayList<>();
        RmsProp opt =
                new RmsProp(model.parameters(), RmsProp.Options.defaults().withLr(options.lr()));
        long[] startNs = {0};
        int[] nfeF = {0};
        Trainer.Builder b =
                Trainer.builder(model, opt, rng)
                        .loss(
                                (step, r) -> {
                                    startNs[0] = System.nanoTime();
                                    SpiralProblem.Batch batch = problem.batch(r);
                                    OdeSolve.Solution s = model.solve(batch.y0(), batch.t());
                                    nfeF[0] = s.stats().nfeForward();
                                    return SpiralProblem.l1(s.ys(), batch.y());
                                })
                        .evaluator(
                                step -> {
                                    double l = fullLoss();
                                    evals.add(new double[] {step, l});
                                    return Map.of("full_l1", l);
                                })
                        .options(
                                Trainer.Options.defaults()
                                        .withSteps(options.iters())
                                        .withEvalEvery(options.evalEvery())
                                        .withCheckpointEvery(options.evalEvery() * 5L)
                                        .withCheckpoint(options.checkpoint())
                                        .withResume(options.resume()))
                        .callback(
                                new TrainingCallback() {
                                    @Override
                                    public void onStep(Trainer.StepInfo info) {
                                        double sec = (System.nanoTime() - startNs[0]) / 1e9;
                                        steps.add(
                                                new StepRecord(
                                                        info.step(),
                                                        info.loss(),
                                                        sec,
                                                        nfeF[0],
                                                        model.lastStats().nfeBackward()));
                                    }
                                });
        for (TrainingCallback cb : callbacks) {
            b.callback(cb);
        }
        trainer = b.build();
        if (cancelled) {
            trainer.cancel();
        }
        b = null;
        Trainer.Result end = trainer.run();
        double last = evals.isEmpty() ? fullLoss() : evals.get(evals.size() - 1)[1];
        return new Result(steps, evals, last, model, end);
    }
}
