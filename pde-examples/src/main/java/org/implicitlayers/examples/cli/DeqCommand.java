package org.implicitlayers.examples.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.UnaryOperator;
import org.implicitlayers.core.DType;
import org.implicitlayers.core.Grad;
import org.implicitlayers.core.Rng;
import org.implicitlayers.core.Tensor;
import org.implicitlayers.core.backend.jvm.JvmBackend;
import org.implicitlayers.core.nn.Linear;
import org.implicitlayers.core.nn.Parameter;
import org.implicitlayers.core.optim.Adam;
import org.implicitlayers.implicit.convergence.NonConvergence;
import org.implicitlayers.implicit.layers.DeqLayer;
import org.implicitlayers.implicit.layers.TanhCell;
import org.implicitlayers.implicit.solve.Anderson;
import org.implicitlayers.implicit.solve.AsFixedPoint;
import org.implicitlayers.plot.ColourMap;
import org.implicitlayers.plot.Figures;
import org.implicitlayers.plot.Grid2;
import org.implicitlayers.plot.HeatMap;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * A deep equilibrium classifier on two interleaved spirals, beside the same cell unrolled for a
 * fixed number of steps and trained by backpropagation through all of them: accuracy, solver
 * iterations, time per step, and the memory the tape holds at the loss.
 */
@Command(
        name = "deq",
        description =
                "Train a DEQ classifier on two spirals and compare it with the unrolled network: accuracy, iterations, tape memory.")
final class DeqCommand implements Callable<Integer> {
    @Option(
            names = "--steps",
            description = "Adam steps (default: ${DEFAULT-VALUE}).",
            defaultValue = "400")
    int steps;

    @Option(
            names = "--width",
            description = "Width of the equilibrium state (default: ${DEFAULT-VALUE}).",
            defaultValue = "64")
    int width;

    @Option(
            names = "--unrolled",
            description = "Steps of the unrolled comparison network (default: ${DEFAULT-VALUE}).",
            defaultValue = "30")
    int unrolled;

    @Option(
            names = "--lr",
            description = "Adam learning rate (default: ${DEFAULT-VALUE}).",
            defaultValue = "0.01")
    double lr;

    @Option(
            names = "--jac-reg",
            description =
                    "Weight of the Jacobian regulariser ||df/dz||_F^2 / d (default: ${DEFAULT-VALUE}).",
            defaultValue = "0")
    double jacReg;

    @Option(
            names = "--out",
            description = "Output folder (default: ${DEFAULT-VALUE}).",
            defaultValue = "out/deq")
    Path out;

    @Option(
            names = "--seed",
            defaultValue = "0",
            description = "Random seed (default: ${DEFAULT-VALUE}).")
    long seed;

    /** Two spirals, n points each, labels 0 and 1, coordinates scaled to about [-1, 1]. */
    static Tensor[] spirals(Rng rng, int n) {
        double[] x = new double[4 * n], y = new double[2 * n * 2];
        for (int c = 0; c < 2; c++) {
            for (int i = 0; i < n; i++) {
                double t = Math.sqrt(rng.nextDouble()) * 3 * Math.PI;
                double r = t / (3 * Math.PI);
                double sign = c == 0 ? 1 : -1;
                int k = c * n + i;
                x[2 * k] = sign * r * Math.cos(t) + 0.02 * rng.nextGaussian();
                x[2 * k + 1] = sign * r * Math.sin(t) + 0.02 * rng.nextGaussian();
                y[2 * k + c] = 1;
            }
        }
        return new Tensor[] {
            Tensor.of(DType.FLOAT32, x, 2 * n, 2), Tensor.of(DType.FLOAT32, y, 2 * n, 2)
        };
    }

    /**
     * Mean cross-entropy of logits against one-hot targets (log-sum-exp shifted by the row
     * maximum).
     */
    static Tensor crossEntropy(Tensor logits, Tensor onehot) {
        Tensor m = logits.max(new int[] {1}, true).detach();
        Tensor lse = logits.sub(m).exp().sum(new int[] {1}, true).log().add(m);
        return lse.sub(logits.mul(onehot).sum(new int[] {1}, true)).mean();
    }

    static double accuracy(Tensor logits, Tensor onehot) {
        double[] l = logits.toDoubleArray(), t = onehot.toDoubleArray();
        int ok = 0, n = l.length / 2;
        for (int i = 0; i < n; i++) {
            ok += (l[2 * i + 1] > l[2 * i]) == (t[2 * i + 1] > 0.5) ? 1 : 0;
        }
        return (double) ok / n;
    }

    @CommandLine.Mixin FigureOptions figureOptions;

    @Override
    public Integer call() throws Exception {
        Figures figures = figureOptions.figures();
        JvmBackend.setThreads(2);
        Files.createDirectories(out);
        Tensor[] train = spirals(Rng.seeded(seed + 1), 200),
                test = spirals(Rng.seeded(seed + 2), 200);
        System.out.printf(
                "Two spirals, 400 training and 400 test points; features x = tanh(MLP(input)), cell z -> tanh(W z + U x + b), width %d; head Linear(%d, 2);"
                        + " Adam %.2g, %d steps; DEQ: Anderson to 1e-4, Jacobian regulariser weight %.2g%n",
                width, width, lr, steps, jacReg);
        Map<String, double[]> rows = new LinkedHashMap<>();
        for (String mode : new String[] {"DEQ (implicit)", "unrolled x" + unrolled}) {
            boolean deqMode = mode.startsWith("DEQ");
            Rng rng = Rng.seeded(seed);
            // Input features by a small MLP (shared design for both models), then the equilibrium
            // cell.
            org.implicitlayers.core.nn.Mlp embed =
                    org.implicitlayers.core.nn.Mlp.builder(2, width, width)
                            .dtype(DType.FLOAT32)
                            .build(rng);
            TanhCell cell = new TanhCell(width, width, rng, DType.FLOAT32);
            Linear head = new Linear(width, 2, rng, DType.FLOAT32);
            Anderson solver = Anderson.defaults().withMaxIter(60).withTol(1e-4);
            DeqLayer deq =
                    new DeqLayer(
                            cell,
                            width,
                            new DeqLayer.Options(
                                    solver,
                                    new AsFixedPoint(solver),
                                    NonConvergence.RETURN_LAST,
                                    0,
                                    0.5));
            UnaryOperator<Tensor> model =
                    input -> {
                        Tensor x = embed.forward(input).tanh();
                        if (deqMode) {
                            return head.forward(deq.forward(x));
                        }
                        Tensor z = Tensor.zeros(DType.FLOAT32, x.shape(0), width);
                        for (int k = 0; k < unrolled; k++) {
                            z = cell.apply(z, x);
                        }
                        return head.forward(z);
                    };
            Map<String, Parameter> ps = new LinkedHashMap<>();
            cell.parameters().forEach((k, v) -> ps.put("cell." + k, v));
            embed.parameters().forEach((k, v) -> ps.put("embed." + k, v));
            head.parameters().forEach((k, v) -> ps.put("head." + k, v));
            Adam adam = new Adam(ps, lr);
            double fwdIt = 0, bwdIt = 0, ms = 0;
            long tapeBytes = 0;
            int tapeOps = 0;
            for (int s = 1; s <= steps; s++) {
                long t0 = System.nanoTime();
                adam.zeroGrad();
                Tensor loss = crossEntropy(model.apply(train[0]), train[1]);
                if (deqMode && jacReg > 0) {
                    // Keeps the cell contractive, so the solver keeps converging (Bai et al. 2021).
                    loss = loss.add(deq.jacobianPenalty(rng).mul(jacReg));
                }
                if (s == steps) {
                    Grad.TapeStats st = Grad.tapeStats(loss);
                    tapeBytes = st.bytes();
                    tapeOps = st.operations();
                }
                loss.backward();
                adam.step();
                if (s > steps / 2) {
                    ms += (System.nanoTime() - t0) / 1e6 / (steps - steps / 2);
                    if (deqMode) {
                        fwdIt += (double) deq.lastForward().evaluations() / (steps - steps / 2);
                        bwdIt += (double) deq.lastBackward().evaluations() / (steps - steps / 2);
                    }
                }
            }
            double trainAcc, testAcc;
            try (Grad.Scope g = Grad.noGrad()) {
                trainAcc = accuracy(model.apply(train[0]), train[1]);
                testAcc = accuracy(model.apply(test[0]), test[1]);
            }
            rows.put(
                    mode,
                    new double[] {
                        trainAcc, testAcc, fwdIt, bwdIt, ms, tapeOps, tapeBytes / 1024.0
                    });
            if (deqMode) {
                plot(figures, model, train[0], out.resolve(figures.fileName("decision")));
            }
        }
        System.out.println();
        System.out.println(
                "model              train acc  test acc  fwd iters  bwd iters  ms/step  tape ops  tape KiB");
        rows.forEach(
                (k, v) ->
                        System.out.printf(
                                Locale.ROOT,
                                "%-18s %9.3f %9.3f %10s %10s %8.2f %9d %9.1f%n",
                                k,
                                v[0],
                                v[1],
                                k.startsWith("DEQ")
                                        ? String.format(Locale.ROOT, "%.1f", v[2])
                                        : "-",
                                k.startsWith("DEQ")
                                        ? String.format(Locale.ROOT, "%.1f", v[3])
                                        : "-",
                                v[4],
                                (int) v[5],
                                v[6]));
        System.out.println(
                "\nThe DEQ keeps one application of the cell on the tape however many solver iterations it takes;"
                        + " the unrolled network keeps all of them.");
        System.out.println("wrote " + out.resolve(figures.fileName("decision")));
        return 0;
    }

    /**
     * The probability of the second spiral over the plane, with the training points (first half
     * class 1, second half class 2) over it.
     */
    private static void plot(Figures figures, UnaryOperator<Tensor> model, Tensor points, Path png)
            throws Exception {
        int n = 121;
        double[] xs = new double[n], pts = new double[2 * n * n];
        for (int i = 0; i < n; i++) {
            xs[i] = -1.2 + 2.4 * i / (n - 1);
        }
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                pts[2 * (i * n + j)] = xs[i];
                pts[2 * (i * n + j) + 1] = xs[j];
            }
        }
        double[] l;
        try (Grad.Scope g = Grad.noGrad()) {
            l = model.apply(Tensor.of(DType.FLOAT32, pts, n * n, 2)).toDoubleArray();
        }
        double[][] p = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                int k = i * n + j;
                p[i][j] = 1 / (1 + Math.exp(l[2 * k] - l[2 * k + 1]));
            }
        }
        double[] pts2 = points.toDoubleArray();
        int m = pts2.length / 4;
        double[][] a = new double[2][m], b = new double[2][m];
        for (int k = 0; k < m; k++) {
            a[0][k] = pts2[2 * k];
            a[1][k] = pts2[2 * k + 1];
            b[0][k] = pts2[2 * (m + k)];
            b[1][k] = pts2[2 * (m + k) + 1];
        }
        // P = 0.5 is the decision boundary: a diverging map from blue (first spiral) to red
        // (second), white between.
        figures.writeFitted(
                HeatMap.of(new Grid2(xs, xs, p))
                        .colours(ColourMap.BLUE_WHITE_RED)
                        .range(0, 1)
                        .contour(0.5)
                        .title("DEQ classifier: P(second spiral)")
                        .valueLabel("P(second spiral)")
                        .points("first spiral (training)", a[0], a[1])
                        .points("second spiral (training)", b[0], b[1])
                        .chart(),
                png,
                620);
    }
}
