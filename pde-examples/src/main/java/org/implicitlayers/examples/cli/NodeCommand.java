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
import org.implicitlayers.core.train.ProgressBarCallback;
import org.implicitlayers.examples.plot.LossCurve;
import org.implicitlayers.examples.plot.PhasePlot;
import org.implicitlayers.ode.Gradient;
import org.implicitlayers.ode.spiral.SpiralProblem;
import org.implicitlayers.ode.spiral.SpiralTraining;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Neural ODE examples. */
@Command(name = "node", description = "Neural ODE examples.", subcommands = {NodeCommand.Spiral.class})
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
            PhasePlot.write(phase, "spiral: true vs learned dynamics (" + gradient.name().toLowerCase(Locale.ROOT) + " gradients, "
                    + (r.steps().isEmpty() ? 0 : r.steps().get(r.steps().size() - 1).step()) + " steps)", t, yt, yf);
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
}
