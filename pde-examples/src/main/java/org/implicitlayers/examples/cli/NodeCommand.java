package org.implicitlayers.examples.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.implicitlayers.core.DType;
import org.implicitlayers.core.Tensor;
import org.implicitlayers.core.io.Npz;
import org.implicitlayers.core.train.CsvMetricsLog;
import org.implicitlayers.core.train.OutputSet;
import org.implicitlayers.core.train.RunContext;
import org.implicitlayers.core.train.TrainingCallback;
import org.implicitlayers.examples.plot.PhasePlot;
import org.implicitlayers.ode.Gradient;
import org.implicitlayers.ode.cnf.FlowTraining;
import org.implicitlayers.ode.cnf.ToyDensity;
import org.implicitlayers.ode.fit.TimeSeries;
import org.implicitlayers.ode.fit.TimeSeriesFit;
import org.implicitlayers.ode.spiral.SpiralProblem;
import org.implicitlayers.ode.spiral.SpiralTraining;
import org.implicitlayers.plot.Figures;
import org.implicitlayers.plot.LossCurve;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Neural ODE examples. */
@Command(
        name = "node",
        description = "Neural ODE examples.",
        subcommands = {NodeCommand.Spiral.class, NodeCommand.Fit.class, NodeCommand.Cnf.class})
final class NodeCommand implements Runnable {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.err);
    }

    static final class GradientConverter implements CommandLine.ITypeConverter<Gradient> {
        @Override
        public Gradient convert(String v) {
            try {
                return Gradient.byName(v);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(
                        "'" + v + "': expected direct, adjoint or checkpointed");
            }
        }
    }

    @Command(
            name = "spiral",
            description =
                    "Learn the dynamics of torchdiffeq's cubic spiral from 10-point segments: progress, loss,"
                            + " function evaluations, phase-plane and loss PNGs, checkpoints (--resume continues). Output folder: out/node/spiral.")
    static final class Spiral implements Callable<Integer> {
        @Option(
                names = "--iters",
                description = "Training steps (default: ${DEFAULT-VALUE}).",
                defaultValue = "1000")
        int iters;

        @Option(
                names = "--gradient",
                description = "direct, adjoint or checkpointed (default: ${DEFAULT-VALUE}).",
                defaultValue = "adjoint",
                converter = GradientConverter.class)
        Gradient gradient;

        @Option(
                names = "--dtype",
                description = "float32 or float64 (default: ${DEFAULT-VALUE}).",
                defaultValue = "float32",
                converter = BenchCommand.DTypeConverter.class)
        DType dtype;

        @Option(
                names = "--eval-every",
                description =
                        "Full-trajectory loss every so many steps (default: ${DEFAULT-VALUE}).",
                defaultValue = "20")
        int evalEvery;

        @CommandLine.Mixin RunOptions run;

        @CommandLine.Mixin FigureOptions figureOptions;

        private Figures figures;

        @Override
        public Integer call() throws Exception {
            run.applyThreads();
            figures = figureOptions.figures();
            SpiralProblem problem = new SpiralProblem(dtype);
            // The guard outermost, the run inside it: the run's lock is released before an
            // interrupted JVM may exit.
            try (OnInterrupt interrupt = new OnInterrupt();
                    RunContext ctx = run.open(Path.of("out", "node", "spiral"), "node spiral")) {
                SpiralTraining training =
                        new SpiralTraining(
                                problem,
                                SpiralTraining.Options.defaults()
                                        .withIters(iters)
                                        .withGradient(gradient)
                                        .withDtype(dtype)
                                        .withSeed(run.seed(0))
                                        .withEvalEvery(evalEvery)
                                        .withCheckpoint(ctx.checkpoint())
                                        .withResume(ctx.resume()));
                ctx.onCancel(training::cancel);
                interrupt.cancels(ctx::cancel);
                return trainAndReport(problem, training, ctx, interrupt);
            }
        }

        private int trainAndReport(
                SpiralProblem problem,
                SpiralTraining training,
                RunContext ctx,
                OnInterrupt interrupt)
                throws IOException {
            Path out = ctx.folder();
            List<TrainingCallback> cbs = new ArrayList<>();
            if (!run.quiet) {
                cbs.add(new ProgressBarCallback(System.err, "node spiral"));
            }
            cbs.add(new CsvMetricsLog(out.resolve("metrics.csv"), out.resolve("eval.csv"), 1));
            SpiralTraining.Result r = training.run(cbs);
            Tensor fit = training.fittedTrajectory();
            Tensor truth = problem.trueTrajectory();
            double[] t = problem.times().toDoubleArray();
            double[] yt = truth.toDoubleArray();
            double[] yf = fit.toDoubleArray();
            List<String> wrote;
            try (OutputSet files = ctx.outputs()) {
                try (PrintWriter w =
                        new PrintWriter(Files.newBufferedWriter(files.path("trajectory.csv")))) {
                    w.println("t,y1_true,y2_true,y1_fit,y2_fit");
                    for (int i = 0; i < t.length; i++) {
                        w.printf(
                                Locale.ROOT,
                                "%.6g,%.8g,%.8g,%.8g,%.8g%n",
                                t[i],
                                yt[2 * i],
                                yt[2 * i + 1],
                                yf[2 * i],
                                yf[2 * i + 1]);
                    }
                    if (w.checkError()) {
                        throw new IOException(files.finalPath("trajectory.csv") + ": cannot write");
                    }
                }
                Npz.write(files.path("params.npz"), training.model().stateDict());
                PhasePlot.write(
                        figures,
                        files.path(figures.fileName("phase")),
                        "spiral: true vs learned ("
                                + gradient.name()
                                + " gradients, "
                                + r.training().lastStep()
                                + " steps)",
                        t,
                        yt,
                        yf,
                        points -> {
                            try (org.implicitlayers.core.Grad.Scope ignored =
                                    org.implicitlayers.core.Grad.noGrad()) {
                                return training.model()
                                        .field()
                                        .forward(Tensor.of(dtype, points, points.length / 2, 2))
                                        .toDoubleArray();
                            }
                        });
                LossCurve.write(
                        out.resolve("metrics.csv"),
                        out.resolve("eval.csv"),
                        figures,
                        files.path(figures.fileName("loss")),
                        "node spiral (batch L1; full-trajectory L1)");
                wrote = new ArrayList<>(files.commit());
            }
            wrote.add("metrics.csv");
            wrote.add("eval.csv");
            if (Files.exists(ctx.checkpoint())) {
                wrote.add(RunContext.CHECKPOINT);
            }
            int[] nf =
                    r.steps().stream()
                            .mapToInt(SpiralTraining.StepRecord::nfeForward)
                            .sorted()
                            .toArray();
            int[] nb =
                    r.steps().stream()
                            .mapToInt(SpiralTraining.StepRecord::nfeBackward)
                            .sorted()
                            .toArray();
            double ms =
                    r.steps().stream()
                                    .mapToDouble(SpiralTraining.StepRecord::seconds)
                                    .sorted()
                                    .skip(r.steps().size() / 2)
                                    .findFirst()
                                    .orElse(Double.NaN)
                            * 1e3;
            System.out.printf(
                    Locale.ROOT,
                    "full-trajectory L1 loss %.4f; function evaluations per step (median) %s forward, %s backward;"
                            + " %.2f ms per step (median)%n",
                    r.finalLoss(),
                    median(nf),
                    median(nb),
                    ms);
            System.out.println("wrote " + out + "/{" + String.join(", ", wrote) + "}");
            if (r.training().cancelled()) {
                System.out.println(
                        (interrupt.interrupted() ? "interrupted" : "stopped")
                                + " at step "
                                + r.training().lastStep()
                                + "; continue with --resume");
                return 130;
            }
            return 0;
        }

        private static String median(int[] sorted) {
            return sorted.length == 0 ? "-" : Integer.toString(sorted[sorted.length / 2]);
        }
    }

    @Command(
            name = "fit",
            description =
                    "Fit a neural ODE dy/dt = MLP(y) to a time series FILE.csv (columns t, y1..yn): reports the RMSE,"
                            + " writes the fitted trajectories (CSV, PNG).")
    static final class Fit implements Callable<Integer> {
        @CommandLine.Parameters(
                paramLabel = "FILE.csv",
                description = "Columns t, y1, ..., yn (header optional), times increasing.")
        Path file;

        @Option(
                names = "--steps",
                description = "Adam steps (default: ${DEFAULT-VALUE}).",
                defaultValue = "600")
        int steps;

        @Option(
                names = "--hidden",
                description = "Width of the two hidden layers (default: ${DEFAULT-VALUE}).",
                defaultValue = "64")
        int hidden;

        @Option(
                names = "--lr",
                description = "Learning rate (default: ${DEFAULT-VALUE}).",
                defaultValue = "3e-3")
        double lr;

        @Option(
                names = "--gradient",
                description = "direct, adjoint or checkpointed (default: ${DEFAULT-VALUE}).",
                defaultValue = "adjoint",
                converter = GradientConverter.class)
        Gradient gradient;

        @CommandLine.Mixin RunOptions run;

        @CommandLine.Mixin FigureOptions figureOptions;

        private Figures figures;

        @Override
        public Integer call() throws Exception {
            run.applyThreads();
            figures = figureOptions.figures();
            TimeSeries data;
            try {
                data = TimeSeries.readCsv(file);
            } catch (java.nio.file.NoSuchFileException e) {
                // As every command's bad input: one message (the tool's error handler prefixes the
                // command), exit 1.
                throw new IllegalArgumentException(
                        file
                                + ": no such file; expected a CSV time series (t, y1, y2, ... per row)");
            }
            Path fallback =
                    Path.of(
                            "out",
                            "node",
                            "fit",
                            file.getFileName().toString().replaceFirst("\\.[^.]*$", ""));
            // The guard outermost, the run inside it: the run's lock is released before an
            // interrupted JVM may exit.
            try (OnInterrupt interrupt = new OnInterrupt();
                    RunContext ctx = run.open(fallback, "node fit")) {
                TimeSeriesFit.Options o =
                        TimeSeriesFit.Options.defaults()
                                .withHidden(hidden)
                                .withSteps(steps)
                                .withLr(lr)
                                .withGradient(gradient)
                                .withSeed(run.seed(0))
                                .withCheckpoint(ctx.checkpoint())
                                .withResume(ctx.resume());
                TimeSeriesFit fit = new TimeSeriesFit(data, o);
                // Ctrl-C (SIGINT) or SIGTERM: stop after the current step, write the checkpoint and
                // the outputs.
                ctx.onCancel(fit::cancel);
                interrupt.cancels(ctx::cancel);
                return fitAndReport(fit, data, ctx);
            }
        }

        private int fitAndReport(TimeSeriesFit fit, TimeSeries data, RunContext ctx)
                throws IOException {
            Path dir = ctx.folder();
            List<TrainingCallback> cbs = new ArrayList<>();
            if (!run.quiet) {
                cbs.add(new ProgressBarCallback(System.err, "node fit"));
            }
            cbs.add(new CsvMetricsLog(dir.resolve("metrics.csv"), dir.resolve("eval.csv"), 1));
            TimeSeriesFit.Result r = fit.run(cbs);
            List<String> wrote;
            try (OutputSet files = ctx.outputs()) {
                try (PrintWriter w =
                        new PrintWriter(Files.newBufferedWriter(files.path("fitted.csv")))) {
                    StringBuilder h = new StringBuilder("t");
                    for (String n : data.names()) {
                        h.append(',').append(n).append(',').append(n).append("_fit");
                    }
                    w.println(h);
                    for (int i = 0; i < data.rows(); i++) {
                        StringBuilder row =
                                new StringBuilder(String.format(Locale.ROOT, "%.8g", data.t()[i]));
                        for (int c = 0; c < data.dim(); c++) {
                            row.append(
                                    String.format(
                                            Locale.ROOT,
                                            ",%.8g,%.8g",
                                            data.y()[i][c],
                                            r.fitted()[i][c]));
                        }
                        w.println(row);
                    }
                    if (w.checkError()) {
                        throw new IOException(files.finalPath("fitted.csv") + ": cannot write");
                    }
                }
                Npz.write(files.path("params.npz"), fit.model().stateDict());
                PhasePlot.writeSeries(
                        figures,
                        files.path(figures.fileName("fit")),
                        "neural ODE fit of " + file.getFileName(),
                        data.t(),
                        data.y(),
                        r.fitted(),
                        data.names());
                LossCurve.write(
                        dir.resolve("metrics.csv"),
                        dir.resolve("eval.csv"),
                        figures,
                        files.path(figures.fileName("loss")),
                        "node fit (segment MSE; whole-series RMSE)");
                wrote = new ArrayList<>(files.commit());
            }
            wrote.add("metrics.csv");
            wrote.add("eval.csv");
            if (Files.exists(ctx.checkpoint())) {
                wrote.add(RunContext.CHECKPOINT);
            }
            StringBuilder per = new StringBuilder();
            for (int c = 0; c < data.dim(); c++) {
                per.append(c == 0 ? "" : ", ")
                        .append(data.names().get(c))
                        .append(String.format(Locale.ROOT, " %.4g", r.rmsePerComponent()[c]));
            }
            System.out.printf(
                    Locale.ROOT,
                    "fit of %d observations of %d components, integrated from the first: RMSE %.4g (%s)%n",
                    data.rows(),
                    data.dim(),
                    r.rmse(),
                    per);
            System.out.println("wrote " + dir + "/{" + String.join(", ", wrote) + "}");
            if (r.cancelled()) {
                System.out.println("stopped at step " + r.lastStep() + "; continue with --resume");
                return 130;
            }
            if (r.resumedFrom() >= steps) {
                System.out.println(
                        "the checkpoint in "
                                + dir
                                + " is already at step "
                                + r.resumedFrom()
                                + " of "
                                + steps
                                + ": nothing trained (raise --steps to train on); the outputs are those of that model");
            }
            return 0;
        }
    }

    @Command(
            name = "cnf",
            description =
                    "A continuous normalising flow on a 2-D toy density (two-moons or eight-gaussians): log-likelihood,"
                            + " PNGs of the learned density and of samples.")
    static final class Cnf implements Callable<Integer> {
        @Option(
                names = "--density",
                description = "two-moons or eight-gaussians (default: ${DEFAULT-VALUE}).",
                defaultValue = "two-moons")
        String density;

        @Option(
                names = "--steps",
                description = "Adam steps (default: ${DEFAULT-VALUE}).",
                defaultValue = "400")
        int steps;

        @Option(
                names = "--hutchinson",
                description = "Hutchinson's trace estimator instead of the exact trace.")
        boolean hutchinson;

        @Option(
                names = "--gradient",
                description = "direct, adjoint or checkpointed (default: ${DEFAULT-VALUE}).",
                defaultValue = "adjoint",
                converter = GradientConverter.class)
        Gradient gradient;

        @CommandLine.Mixin RunOptions run;

        @CommandLine.Mixin FigureOptions figureOptions;

        private Figures figures;

        @Override
        public Integer call() throws Exception {
            run.applyThreads();
            figures = figureOptions.figures();
            ToyDensity d;
            try {
                d = ToyDensity.byName(density);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(
                        new CommandLine(this), "--density: " + e.getMessage());
            }
            Path fallback =
                    Path.of(
                            "out",
                            "node",
                            "cnf",
                            d.name().toLowerCase(Locale.ROOT).replace('_', '-'));
            try (OnInterrupt interrupt = new OnInterrupt();
                    RunContext ctx = run.open(fallback, "node cnf")) {
                FlowTraining t =
                        new FlowTraining(
                                FlowTraining.Options.defaults()
                                        .withDensity(d)
                                        .withSteps(steps)
                                        .withHutchinson(hutchinson)
                                        .withGradient(gradient)
                                        .withSeed(run.seed(0))
                                        .withCheckpoint(ctx.checkpoint())
                                        .withResume(ctx.resume()));
                ctx.onCancel(t::cancel);
                interrupt.cancels(ctx::cancel);
                return trainAndReport(t, d, ctx);
            }
        }

        private int trainAndReport(FlowTraining t, ToyDensity d, RunContext ctx)
                throws IOException {
            Path dir = ctx.folder();
            List<TrainingCallback> cbs = new ArrayList<>();
            if (!run.quiet) {
                cbs.add(new ProgressBarCallback(System.err, "node cnf"));
            }
            cbs.add(new CsvMetricsLog(dir.resolve("metrics.csv"), dir.resolve("eval.csv"), 1));
            org.implicitlayers.core.train.Trainer.Result tr = t.run(cbs);
            double ll = t.heldOutLogLikelihood(2048, 777);
            int n = 81;
            double[] xs = new double[n];
            double[] ys = new double[n];
            for (int i = 0; i < n; i++) {
                xs[i] = -3 + 6.0 * i / (n - 1);
                ys[i] = -3 + 6.0 * i / (n - 1);
            }
            double[][] lp = t.flow().logDensityGrid(xs, ys);
            double mass = 0;
            double[][] p = new double[n][n];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    p[i][j] = Math.exp(lp[i][j]);
                    mass += p[i][j] * (6.0 / (n - 1)) * (6.0 / (n - 1));
                }
            }
            long seed = run.seed(0);
            double[] s =
                    t.flow()
                            .sample(org.implicitlayers.core.Rng.seeded(seed + 1), 2000)
                            .toDoubleArray();
            double[] data =
                    d.sample(org.implicitlayers.core.Rng.seeded(seed + 2), 2000, DType.FLOAT32)
                            .toDoubleArray();
            List<String> wrote;
            try (OutputSet files = ctx.outputs()) {
                Npz.write(files.path("params.npz"), t.flow().stateDict());
                figures.writeFitted(
                        org.implicitlayers.plot.HeatMap.of(
                                        new org.implicitlayers.plot.Grid2(xs, ys, p))
                                .title(
                                        "learned density, "
                                                + d.name()
                                                        .toLowerCase(Locale.ROOT)
                                                        .replace('_', '-'))
                                .axes("x1", "x2")
                                .valueLabel("p(x)")
                                .chart(),
                        files.path(figures.fileName("density")),
                        560);
                PhasePlot.writeScatter(
                        figures,
                        files.path(figures.fileName("samples")),
                        d.name().toLowerCase(Locale.ROOT).replace('_', '-') + ", 2000 points",
                        data,
                        s,
                        -3,
                        3);
                LossCurve.write(
                        dir.resolve("metrics.csv"),
                        dir.resolve("eval.csv"),
                        figures,
                        files.path(figures.fileName("loss")),
                        "node cnf (negative log-likelihood)");
                wrote = new ArrayList<>(files.commit());
            }
            wrote.add("metrics.csv");
            wrote.add("eval.csv");
            if (Files.exists(ctx.checkpoint())) {
                wrote.add(RunContext.CHECKPOINT);
            }
            System.out.printf(
                    Locale.ROOT,
                    "held-out log-likelihood %.4f nats per point (2048 fresh samples, exact trace); probability mass on"
                            + " [-3, 3]^2 %.4f%n",
                    ll,
                    mass);
            System.out.println("wrote " + dir + "/{" + String.join(", ", wrote) + "}");
            if (tr.cancelled()) {
                System.out.println("stopped at step " + tr.lastStep() + "; continue with --resume");
                return 130;
            }
            return 0;
        }
    }
}
