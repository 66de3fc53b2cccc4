package org.implicitlayers.examples.cli;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import org.implicitlayers.core.DType;
import org.implicitlayers.core.Grad;
import org.implicitlayers.core.Rng;
import org.implicitlayers.core.Tensor;
import org.implicitlayers.core.io.Npz;
import org.implicitlayers.core.nn.Activation;
import org.implicitlayers.core.nn.Mlp;
import org.implicitlayers.core.optim.Adam;
import org.implicitlayers.core.optim.LrSchedule;
import org.implicitlayers.core.train.CsvMetricsLog;
import org.implicitlayers.core.train.OutputSet;
import org.implicitlayers.core.train.RunContext;
import org.implicitlayers.core.train.Trainer;
import org.implicitlayers.plot.Figures;
import org.implicitlayers.plot.LossCurve;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Fits f(x, y) = sin(pi x) cos(pi y) on [-1, 1]^2 from 2000 noisy samples with an MLP: the training
 * loop with its progress bar, CSV metrics, PNG loss curve and checkpoints. Interrupt it (Ctrl-C
 * writes a checkpoint; even a kill -9 loses at most the steps since the last one) and run it again
 * with {@code --resume} to continue exactly where it stopped.
 */
@Command(
        name = "train-demo",
        description =
                "Fit a small regression with the training loop: progress, CSV log, PNG loss curve, checkpoints, resume.")
final class TrainDemoCommand implements Callable<Integer> {
    @Option(
            names = "--steps",
            description = "Optimiser steps (default: ${DEFAULT-VALUE}).",
            defaultValue = "20000")
    long steps;

    @Option(
            names = "--checkpoint-every",
            description = "Steps between checkpoints (default: ${DEFAULT-VALUE}).",
            defaultValue = "1000")
    long checkpointEvery;

    @CommandLine.Mixin RunOptions run;

    @CommandLine.Mixin FigureOptions figureOptions;

    private Figures figures;

    static double target(double x, double y) {
        return Math.sin(Math.PI * x) * Math.cos(Math.PI * y);
    }

    @Override
    public Integer call() throws Exception {
        run.applyThreads();
        figures = figureOptions.figures();
        // The lock first: a second start in the folder of a running one must fail before it touches
        // anything.
        // The interrupt guard outermost: resources close in reverse order, so the lock file is
        // removed
        // before the guard lets an interrupted JVM exit.
        try (OnInterrupt interrupt = new OnInterrupt();
                RunContext ctx = run.open(Path.of("out", "train-demo"), "train-demo")) {
            interrupt.cancels(ctx::cancel);
            return train(ctx);
        }
    }

    private int train(RunContext ctx) throws Exception {
        long seed = run.seed(0);
        Path out = ctx.folder();
        // The data set is fixed by the seed; minibatches come from the run's generator.
        Rng data = Rng.seeded(seed + 1000);
        int n = 2000, nv = 1000;
        double[] xs = new double[2 * n],
                ys = new double[n],
                xv = new double[2 * nv],
                yv = new double[nv];
        for (int i = 0; i < n; i++) {
            xs[2 * i] = 2 * data.nextDouble() - 1;
            xs[2 * i + 1] = 2 * data.nextDouble() - 1;
            ys[i] = target(xs[2 * i], xs[2 * i + 1]) + 0.01 * data.nextGaussian();
        }
        for (int i = 0; i < nv; i++) {
            xv[2 * i] = 2 * data.nextDouble() - 1;
            xv[2 * i + 1] = 2 * data.nextDouble() - 1;
            yv[i] = target(xv[2 * i], xv[2 * i + 1]);
        }
        Tensor x = Tensor.of(DType.FLOAT32, xs, n, 2), y = Tensor.of(DType.FLOAT32, ys, n, 1);
        Tensor xVal = Tensor.of(DType.FLOAT32, xv, nv, 2),
                yVal = Tensor.of(DType.FLOAT32, yv, nv, 1);

        Rng rng = Rng.seeded(seed);
        Mlp net =
                Mlp.builder(2, 32, 32, 1)
                        .activation(Activation.tanh())
                        .dtype(DType.FLOAT32)
                        .build(rng);
        Adam adam = new Adam(net.parameters(), 3e-3);
        int batch = 128;
        Trainer.Builder trainer =
                Trainer.builder(net, adam, rng)
                        .loss(
                                (step, r) -> {
                                    int[] idx = new int[batch];
                                    for (int i = 0; i < batch; i++) {
                                        idx[i] = r.nextInt(n);
                                    }
                                    return net.forward(x.index(0, idx))
                                            .sub(y.index(0, idx))
                                            .square()
                                            .mean();
                                })
                        .schedule(LrSchedule.cosine(3e-3, 100, steps, 1e-5))
                        .evaluator(
                                step -> {
                                    try (Grad.Scope s = Grad.noGrad()) {
                                        return Map.of(
                                                "validation_rmse",
                                                Math.sqrt(
                                                        net.forward(xVal)
                                                                .sub(yVal)
                                                                .square()
                                                                .mean()
                                                                .item()));
                                    }
                                })
                        .options(
                                Trainer.Options.defaults()
                                        .withSteps(steps)
                                        .withEvalEvery(500)
                                        .withCheckpointEvery(checkpointEvery))
                        .callback(
                                new CsvMetricsLog(
                                        out.resolve("metrics.csv"), out.resolve("eval.csv"), 1));
        if (!run.quiet) {
            trainer.callback(new ProgressBarCallback(System.err, "train-demo"));
        }
        // The run's checkpoint, resume flag and cancel request (Ctrl-C, SIGTERM: stop after the
        // current step, write a
        // checkpoint and the outputs).
        return trainAndReport(trainer.context(ctx).build(), net, xVal, yVal, ctx);
    }

    private int trainAndReport(Trainer trainer, Mlp net, Tensor xVal, Tensor yVal, RunContext ctx)
            throws Exception {
        Trainer.Result r = trainer.run();
        Path out = ctx.folder();
        Path ckpt = ctx.checkpoint();
        Path png = out.resolve(figures.fileName("loss"));
        try (OutputSet files = ctx.outputs()) {
            Npz.write(files.path("params.npz"), net.stateDict());
            LossCurve.write(
                    out.resolve("metrics.csv"),
                    out.resolve("eval.csv"),
                    figures,
                    files.path(figures.fileName("loss")),
                    "train-demo: sin(pi x) cos(pi y), MLP 2-32-32-1");
            files.commit();
        }
        if (r.cancelled()) {
            System.out.printf(
                    "stopped at step %d; checkpoint %s; continue with --resume%n",
                    r.lastStep(), ckpt);
            return 130;
        }
        double rmse;
        try (Grad.Scope s = Grad.noGrad()) {
            rmse = Math.sqrt(net.forward(xVal).sub(yVal).square().mean().item());
        }
        if (r.resumedFrom() == r.lastStep()) {
            System.out.printf(
                    "the checkpoint in %s is already at step %d of %d: nothing to do (raise --steps to train on)%n",
                    out, r.lastStep(), steps);
        }
        System.out.printf(
                "done: %d steps%s in %.1f s, validation RMSE %.4f (noise level 0.01)%n",
                r.lastStep(),
                r.resumedFrom() > 0 ? " (resumed from step " + r.resumedFrom() + ")" : "",
                r.elapsedSeconds(),
                rmse);
        System.out.println(
                "wrote "
                        + out.resolve("metrics.csv")
                        + ", "
                        + out.resolve("eval.csv")
                        + ", "
                        + png
                        + ", "
                        + out.resolve("params.npz")
                        + ", "
                        + ckpt);
        return 0;
    }
}
