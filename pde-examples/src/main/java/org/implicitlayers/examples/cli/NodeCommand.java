package org.implicitlayers.examples.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.implicitlayers.core.DType;
import org.implicitlayers.core.Tensor;
import org.implicitlayers.core.backend.jvm.JvmBackend;
import org.implicitlayers.core.io.Npz;
import org.implicitlayers.core.train.CsvMetricsLog;
import org.implicitlayers.examples.plot.LossCurve;
import org.implicitlayers.examples.plot.PhasePlot;
import org.implicitlayers.ode.Gradient;
import org.implicitlayers.ode.cnf.FlowTraining;
import org.implicitlayers.ode.cnf.ToyDensity;
import org.implicitlayers.ode.fit.TimeSeries;
import org.implicitlayers.ode.fit.TimeSeriesFit;
import org.implicitlayers.ode.spiral.SpiralProblem;
import org.implicitlayers.ode.spiral.SpiralTraining;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Neural ODE examples. */
@Command(name = "node", description = "Neural ODE examples.", subcommands = {NodeCommand.Spiral.class, NodeCommand.Fit.class, NodeCommand.Cnf.class})
final class NodeCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.err);
    }

    static final class GradientConverter implements CommandLine.ITypeConverter<Gradient> {
        @Override
        public Gradient convert(String v) {
            try {
                return Gradient.valueOf(v.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException("'" + v + "': expected direct, adjoint or checkpointed");
            }
        }
    }

    @Command(name = "spiral", description = "Learn the dynamics of torchdiffeq's cubic spiral from 10-point segments: progress, loss,"
            + " function evaluations, phase-plane and loss PNGs, checkpoints (--resume continues).")
    static final class Spiral implements Callable<Integer> {
        @Option(names = "--iters", description = "Training steps (default: ${DEFAULT-VALUE}).", defaultValue = "1000")
        int iters;

        @Option(names = "--gradient", description = "direct, adjoint or checkpointed (default: ${DEFAULT-VALUE}).", defaultValue = "adjoint",
                converter = GradientConverter.class)
        Gradient gradient;

        @Option(names = "--dtype", description = "float32 or float64 (default: ${DEFAULT-VALUE}).", defaultValue = "float32",
                converter = BenchCommand.DTypeConverter.class)
        DType dtype;

        @Option(names = "--seed", description = "Random seed (default: ${DEFAULT-VALUE}).", defaultValue = "0")
        long seed;

        @Option(names = "--eval-every", description = "Full-trajectory loss every so many steps (default: ${DEFAULT-VALUE}).", defaultValue = "20")
        int evalEvery;

        @Option(names = "--out", description = "Output folder (default: ${DEFAULT-VALUE}).", defaultValue = "out/node/spiral")
        Path out;

        @Option(names = "--resume", description = "Continue from the checkpoint in the output folder.")
        boolean resume;

        @Option(names = "--threads", description = "Kernel threads (default: ${DEFAULT-VALUE}).", defaultValue = "2")
        int threads;

        @Override
        public Integer call() throws Exception {
            JvmBackend.setThreads(threads);
            Files.createDirectories(out);
            Path ckpt = out.resolve("checkpoint.npz");
            if (!resume && Files.exists(ckpt)) {
                Files.delete(ckpt);
            }
            SpiralProblem problem = new SpiralProblem(dtype);
            SpiralTraining training = new SpiralTraining(problem,
                    new SpiralTraining.Options(iters, gradient, dtype, seed, 1e-3, evalEvery, ckpt, resume));
            CountDownLatch finished = new CountDownLatch(1);
            Thread hook = new Thread(() -> {
                training.cancel();
                try {
                    finished.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            Runtime.getRuntime().addShutdownHook(hook);
            try {
                return trainAndReport(problem, training, ckpt);
            } finally {
                finished.countDown();
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException shuttingDown) {
                    // the hook is running and has waited for us
                }
            }
        }

        private int trainAndReport(SpiralProblem problem, SpiralTraining training, Path ckpt) throws IOException {
            SpiralTraining.Result r = training.run(List.of(new ProgressBarCallback(System.err, "node spiral"),
                    new CsvMetricsLog(out.resolve("metrics.csv"), out.resolve("eval.csv"), 1)));
            Tensor fit = training.fittedTrajectory();
            Tensor truth = problem.trueTrajectory();
            double[] t = problem.times().toDoubleArray();
            double[] yt = truth.toDoubleArray();
            double[] yf = fit.toDoubleArray();
            Path csv = out.resolve("trajectory.csv");
            try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(csv))) {
                w.println("t,y1_true,y2_true,y1_fit,y2_fit");
                for (int i = 0; i < t.length; i++) {
                    w.printf(Locale.ROOT, "%.6g,%.8g,%.8g,%.8g,%.8g%n", t[i], yt[2 * i], yt[2 * i + 1], yf[2 * i], yf[2 * i + 1]);
                }
            }
            Path phase = out.resolve("phase.png");
            PhasePlot.write(phase, "spiral: true vs learned (" + gradient.name().toLowerCase(Locale.ROOT) + " gradients, "
                    + (r.steps().isEmpty() ? 0 : r.steps().get(r.steps().size() - 1).step()) + " steps)", t, yt, yf, points -> {
                        try (org.implicitlayers.core.Grad.Scope ignored = org.implicitlayers.core.Grad.noGrad()) {
                            return training.model().field().forward(Tensor.of(dtype, points, points.length / 2, 2)).toDoubleArray();
                        }
                    });
            Path loss = out.resolve("loss.png");
            LossCurve.write(out.resolve("metrics.csv"), out.resolve("eval.csv"), loss, "node spiral (batch L1; full-trajectory L1)");
            Npz.write(out.resolve("params.npz"), training.model().stateDict());
            int[] nf = r.steps().stream().mapToInt(SpiralTraining.StepRecord::nfeForward).sorted().toArray();
            int[] nb = r.steps().stream().mapToInt(SpiralTraining.StepRecord::nfeBackward).sorted().toArray();
            double ms = r.steps().stream().mapToDouble(SpiralTraining.StepRecord::seconds).sorted().skip(r.steps().size() / 2).findFirst()
                    .orElse(Double.NaN) * 1e3;
            System.out.printf(Locale.ROOT, "full-trajectory L1 loss %.4f; function evaluations per step (median) %s forward, %s backward;"
                            + " %.2f ms per step (median)%n", r.finalLoss(), median(nf), median(nb), ms);
            System.out.println("wrote " + phase + ", " + loss + ", " + csv + ", " + out.resolve("metrics.csv") + ", "
                    + out.resolve("params.npz") + ", " + ckpt);
            return 0;
        }

        private static String median(int[] sorted) {
            return sorted.length == 0 ? "-" : Integer.toString(sorted[sorted.length / 2]);
        }
    }

    @Command(name = "fit", description = "Fit a neural ODE dy/dt = MLP(y) to a time series FILE.csv (columns t, y1..yn): reports the RMSE,"
            + " writes the fitted trajectories (CSV, PNG).")
    static final class Fit implements Callable<Integer> {
        @CommandLine.Parameters(paramLabel = "FILE.csv", description = "Columns t, y1, ..., yn (header optional), times increasing.")
        Path file;

        @Option(names = "--steps", description = "Adam steps (default: ${DEFAULT-VALUE}).", defaultValue = "600")
        int steps;

        @Option(names = "--hidden", description = "Width of the two hidden layers (default: ${DEFAULT-VALUE}).", defaultValue = "64")
        int hidden;

        @Option(names = "--lr", description = "Learning rate (default: ${DEFAULT-VALUE}).", defaultValue = "3e-3")
        double lr;

        @Option(names = "--gradient", description = "direct, adjoint or checkpointed (default: ${DEFAULT-VALUE}).", defaultValue = "adjoint",
                converter = GradientConverter.class)
        Gradient gradient;

        @Option(names = "--seed", description = "Random seed (default: ${DEFAULT-VALUE}).", defaultValue = "0")
        long seed;

        @Option(names = "--out", description = "Output folder (default: out/node/fit/NAME).")
        Path out;

        @Option(names = "--resume", description = "Continue from the checkpoint in the output folder.")
        boolean resume;

        @Option(names = "--threads", description = "Kernel threads (default: ${DEFAULT-VALUE}).", defaultValue = "2")
        int threads;

        @Override
        public Integer call() throws Exception {
            JvmBackend.setThreads(threads);
            TimeSeries data;
            try {
                data = TimeSeries.readCsv(file);
            } catch (java.nio.file.NoSuchFileException e) {
                // As every command's bad input: one message (the tool's error handler prefixes the command), exit 1.
                throw new IllegalArgumentException(file + ": no such file; expected a CSV time series (t, y1, y2, ... per row)");
            }
            Path dir = out != null ? out : Path.of("out", "node", "fit", file.getFileName().toString().replaceFirst("\\.[^.]*$", ""));
            Files.createDirectories(dir);
            Path ckpt = dir.resolve("checkpoint.npz");
            if (!resume && Files.exists(ckpt)) {
                Files.delete(ckpt);
            }
            if (resume && !Files.exists(ckpt)) {
                System.err.println("node fit: --resume: no checkpoint in " + dir + "; starting from step 0");
            }
            TimeSeriesFit.Options o = new TimeSeriesFit.Options(hidden, steps, lr, 10, 16, gradient, 1e-6, 1e-8, seed, 50, ckpt, resume);
            TimeSeriesFit fit = new TimeSeriesFit(data, o);
            // Ctrl-C (SIGINT) or SIGTERM: stop after the current step, write the checkpoint and the outputs.
            try (OnInterrupt guard = new OnInterrupt(fit::cancel)) {
                return fitAndReport(fit, data, dir, ckpt);
            }
        }

        private int fitAndReport(TimeSeriesFit fit, TimeSeries data, Path dir, Path ckpt) throws IOException {
            TimeSeriesFit.Result r = fit.run(List.of(new ProgressBarCallback(System.err, "node fit"),
                    new CsvMetricsLog(dir.resolve("metrics.csv"), dir.resolve("eval.csv"), 1)));
            Path csv = dir.resolve("fitted.csv");
            try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(csv))) {
                StringBuilder h = new StringBuilder("t");
                for (String n : data.names()) {
                    h.append(',').append(n).append(',').append(n).append("_fit");
                }
                w.println(h);
                for (int i = 0; i < data.rows(); i++) {
                    StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "%.8g", data.t()[i]));
                    for (int c = 0; c < data.dim(); c++) {
                        row.append(String.format(Locale.ROOT, ",%.8g,%.8g", data.y()[i][c], r.fitted()[i][c]));
                    }
                    w.println(row);
                }
            }
            Path png = dir.resolve("fit.png");
            PhasePlot.writeSeries(png, "neural ODE fit of " + file.getFileName(), data.t(), data.y(), r.fitted(), data.names());
            LossCurve.write(dir.resolve("metrics.csv"), dir.resolve("eval.csv"), dir.resolve("loss.png"), "node fit (segment MSE; whole-series RMSE)");
            Npz.write(dir.resolve("params.npz"), fit.model().stateDict());
            StringBuilder per = new StringBuilder();
            for (int c = 0; c < data.dim(); c++) {
                per.append(c == 0 ? "" : ", ").append(data.names().get(c)).append(String.format(Locale.ROOT, " %.4g", r.rmsePerComponent()[c]));
            }
            System.out.printf(Locale.ROOT, "fit of %d observations of %d components, integrated from the first: RMSE %.4g (%s)%n",
                    data.rows(), data.dim(), r.rmse(), per);
            System.out.println("wrote " + csv + ", " + png + ", " + dir.resolve("loss.png") + ", " + dir.resolve("params.npz") + ", " + ckpt);
            if (r.cancelled()) {
                System.out.println("stopped at step " + r.lastStep() + "; continue with --resume");
                return 130;
            }
            if (r.resumedFrom() >= steps) {
                System.out.println("the checkpoint in " + dir + " is already at step " + r.resumedFrom() + " of " + steps
                        + ": nothing trained (raise --steps to train on); the outputs are those of that model");
            }
            return 0;
        }
    }

    @Command(name = "cnf", description = "A continuous normalising flow on a 2-D toy density (two-moons or eight-gaussians): log-likelihood,"
            + " PNGs of the learned density and of samples.")
    static final class Cnf implements Callable<Integer> {
        @Option(names = "--density", description = "two-moons or eight-gaussians (default: ${DEFAULT-VALUE}).", defaultValue = "two-moons")
        String density;

        @Option(names = "--steps", description = "Adam steps (default: ${DEFAULT-VALUE}).", defaultValue = "400")
        int steps;

        @Option(names = "--hutchinson", description = "Hutchinson's trace estimator instead of the exact trace.")
        boolean hutchinson;

        @Option(names = "--gradient", description = "direct, adjoint or checkpointed (default: ${DEFAULT-VALUE}).", defaultValue = "adjoint",
                converter = GradientConverter.class)
        Gradient gradient;

        @Option(names = "--seed", description = "Random seed (default: ${DEFAULT-VALUE}).", defaultValue = "0")
        long seed;

        @Option(names = "--out", description = "Output folder (default: out/node/cnf/DENSITY).")
        Path out;

        @Option(names = "--resume", description = "Continue from the checkpoint in the output folder.")
        boolean resume;

        @Option(names = "--threads", description = "Kernel threads (default: ${DEFAULT-VALUE}).", defaultValue = "2")
        int threads;

        @Override
        public Integer call() throws Exception {
            JvmBackend.setThreads(threads);
            ToyDensity d;
            try {
                d = ToyDensity.byName(density);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(new CommandLine(this), "--density: " + e.getMessage());
            }
            Path dir = out != null ? out : Path.of("out", "node", "cnf", d.name().toLowerCase(Locale.ROOT).replace('_', '-'));
            Files.createDirectories(dir);
            Path ckpt = dir.resolve("checkpoint.npz");
            if (!resume && Files.exists(ckpt)) {
                Files.delete(ckpt);
            }
            FlowTraining t = new FlowTraining(new FlowTraining.Options(d, steps, 256, 32, 5e-3, hutchinson, gradient, 1e-5, seed, ckpt, resume));
            t.run(List.of(new ProgressBarCallback(System.err, "node cnf"), new CsvMetricsLog(dir.resolve("metrics.csv"), dir.resolve("eval.csv"), 1)));
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
            Path density = dir.resolve("density.png");
            org.implicitlayers.plot.Png.writeFitted(org.implicitlayers.plot.HeatMap.of(new org.implicitlayers.plot.Grid2(xs, ys, p))
                    .title("learned density, " + d.name().toLowerCase(Locale.ROOT).replace('_', '-')).axes("x1", "x2").valueLabel("p(x)")
                    .chart(), density, 560);
            Path samples = dir.resolve("samples.png");
            double[] s = t.flow().sample(org.implicitlayers.core.Rng.seeded(seed + 1), 2000).toDoubleArray();
            double[] data = d.sample(org.implicitlayers.core.Rng.seeded(seed + 2), 2000, DType.FLOAT32).toDoubleArray();
            PhasePlot.writeScatter(samples, d.name().toLowerCase(Locale.ROOT).replace('_', '-') + ", 2000 points", data, s, -3, 3);
            LossCurve.write(dir.resolve("metrics.csv"), dir.resolve("eval.csv"), dir.resolve("loss.png"), "node cnf (negative log-likelihood)");
            Npz.write(dir.resolve("params.npz"), t.flow().stateDict());
            System.out.printf(Locale.ROOT, "held-out log-likelihood %.4f nats per point (2048 fresh samples, exact trace); probability mass on"
                    + " [-3, 3]^2 %.4f%n", ll, mass);
            System.out.println("wrote " + density + ", " + samples + ", " + dir.resolve("loss.png") + ", " + dir.resolve("params.npz") + ", " + ckpt);
            return 0;
        }
    }
}
