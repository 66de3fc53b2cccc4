package org.implicitlayers.examples.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.UnaryOperator;
import org.implicitlayers.core.DType;
import org.implicitlayers.core.Grad;
import org.implicitlayers.core.Rng;
import org.implicitlayers.core.Tensor;
import org.implicitlayers.core.backend.jvm.JvmBackend;
import org.implicitlayers.core.optim.Adam;
import org.implicitlayers.implicit.convex.ConvexLayer;
import org.implicitlayers.implicit.convex.Expr;
import org.implicitlayers.implicit.convex.Parameter;
import org.implicitlayers.implicit.convex.Problem;
import org.implicitlayers.implicit.convex.Variable;
import org.implicitlayers.implicit.layers.Projections;
import org.implicitlayers.plot.Curves;
import org.implicitlayers.plot.Figures;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Sparsemax (Martins and Astudillo 2016) written as a convex problem in three lines, p = argmin ||p
 * - z||^2 s.t. p &gt;= 0, sum p = 1, and trained as the output layer of a linear classifier (Brier
 * loss, so that the gradient goes through the layer). The same classifier with the closed-form
 * sorting algorithm is trained from the same start: the two runs must agree.
 */
@Command(
        name = "sparsemax",
        description =
                "A sparsemax layer written as a convex problem, trained in a classifier, checked against the closed form.")
final class ConvexSparsemaxCommand implements Callable<Integer> {
    @Option(
            names = "--steps",
            defaultValue = "60",
            description = "Adam steps (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(
            names = "--out",
            defaultValue = "out/convex-sparsemax",
            description = "Output folder (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(
            names = "--seed",
            defaultValue = "0",
            description = "Seed of the data and the initialisation (default: ${DEFAULT-VALUE}).")
    long seed;

    static final int CLASSES = 5, FEATURES = 6;

    /**
     * Gaussian blobs around random class means, overlapping enough that probabilities are not all
     * one-hot.
     */
    static Tensor[] blobs(Rng rng, Tensor means, int count) {
        double[] x = new double[count * FEATURES], y = new double[count * CLASSES];
        double[] mu = means.toDoubleArray();
        for (int i = 0; i < count; i++) {
            int k = rng.nextInt(CLASSES);
            y[i * CLASSES + k] = 1;
            for (int j = 0; j < FEATURES; j++) {
                x[i * FEATURES + j] = mu[k * FEATURES + j] + rng.nextGaussian();
            }
        }
        return new Tensor[] {
            Tensor.of(DType.FLOAT64, x, count, FEATURES),
            Tensor.of(DType.FLOAT64, y, count, CLASSES)
        };
    }

    static double accuracy(Tensor p, Tensor y) {
        double[] pv = p.toDoubleArray(), yv = y.toDoubleArray();
        int n = p.shape(0), right = 0;
        for (int i = 0; i < n; i++) {
            int best = 0, truth = 0;
            for (int k = 1; k < CLASSES; k++) {
                if (pv[i * CLASSES + k] > pv[i * CLASSES + best]) {
                    best = k;
                }
                if (yv[i * CLASSES + k] > yv[i * CLASSES + truth]) {
                    truth = k;
                }
            }
            right += best == truth ? 1 : 0;
        }
        return (double) right / n;
    }

    @CommandLine.Mixin FigureOptions figureOptions;

    @Override
    public Integer call() throws Exception {
        Figures figures = figureOptions.figures();
        if (steps < 1) {
            throw new IllegalArgumentException("--steps must be at least 1, got " + steps);
        }
        JvmBackend.setThreads(2);
        Files.createDirectories(out);
        // The layer: sparsemax as the Euclidean projection onto the probability simplex.
        Variable p = new Variable("p", CLASSES);
        Parameter z = new Parameter("z", CLASSES);
        ConvexLayer sparsemax =
                ConvexLayer.of(
                        Problem.minimize(Expr.sumSquares(p.minus(z)), p.ge(0), p.sum().eq(1)));

        Rng data = Rng.seeded(seed);
        Tensor means = Tensor.randn(data, DType.FLOAT64, CLASSES, FEATURES).mul(1.2);
        Tensor[] train = blobs(data, means, 200), test = blobs(data, means, 500);
        System.out.printf(
                Locale.ROOT,
                "Linear classifier, %d classes, %d features, %d training / %d test points; output layer %s%n",
                CLASSES,
                FEATURES,
                train[0].shape(0),
                test[0].shape(0),
                sparsemax.problem());
        Map<String, double[]> lossCurves = new LinkedHashMap<>();
        Map<String, double[][]> accCurves = new LinkedHashMap<>();
        double msConvex = 0, accConvex = 0, accClosed = 0, support = 0, zeros = 0;
        double[] finalLoss = new double[2];
        int run = 0;
        for (String name : new String[] {"convex layer", "closed form"}) {
            boolean convex = run == 0;
            Rng init = Rng.seeded(seed + 1);
            org.implicitlayers.core.nn.Parameter w =
                    new org.implicitlayers.core.nn.Parameter(
                            Tensor.randn(init, DType.FLOAT64, CLASSES, FEATURES).mul(0.1));
            org.implicitlayers.core.nn.Parameter b =
                    new org.implicitlayers.core.nn.Parameter(Tensor.zeros(DType.FLOAT64, CLASSES));
            UnaryOperator<Tensor> model =
                    x -> {
                        Tensor scores = x.matmul(w.value(), false, true).add(b.value());
                        return convex
                                ? sparsemax.solve(scores).value(p)
                                : Projections.simplex(scores);
                    };
            Adam adam = new Adam(Map.of("W", w, "b", b), 0.05);
            double[] loss = new double[steps];
            List<double[]> acc = new ArrayList<>();
            long t0 = System.nanoTime();
            for (int s = 0; s < steps; s++) {
                adam.zeroGrad();
                Tensor l =
                        model.apply(train[0])
                                .sub(train[1])
                                .square()
                                .sum(new int[] {1}, false)
                                .mean();
                loss[s] = l.item();
                l.backward();
                adam.step();
                if (s % 10 == 9 || s == steps - 1) {
                    try (Grad.Scope g = Grad.noGrad()) {
                        acc.add(new double[] {s + 1, accuracy(model.apply(test[0]), test[1])});
                    }
                }
            }
            double ms = (System.nanoTime() - t0) / 1e6 / steps;
            Tensor pt;
            try (Grad.Scope g = Grad.noGrad()) {
                pt = model.apply(test[0]);
            }
            double a = accuracy(pt, test[1]);
            if (convex) {
                msConvex = ms;
                accConvex = a;
                double[] pv = pt.toDoubleArray();
                int nz = 0;
                for (double v : pv) {
                    nz += v > 1e-9 ? 1 : 0;
                }
                support = (double) nz / test[0].shape(0);
                zeros = 1 - (double) nz / pv.length;
            } else {
                accClosed = a;
            }
            finalLoss[run] = loss[steps - 1];
            lossCurves.put(name, loss);
            accCurves.put(name, acc.toArray(new double[0][]));
            System.out.printf(
                    Locale.ROOT,
                    "%-14s final Brier loss %.6f   test accuracy %.3f   %.2f ms/step%n",
                    name,
                    loss[steps - 1],
                    a,
                    ms);
            run++;
        }
        double[] lc = lossCurves.get("convex layer"), lf = lossCurves.get("closed form");
        double maxDiff = 0;
        for (int s = 0; s < steps; s++) {
            maxDiff = Math.max(maxDiff, Math.abs(lc[s] - lf[s]));
        }
        System.out.printf(
                Locale.ROOT,
                "largest difference between the two loss curves: %.2e; mean support size %.2f of %d; %.0f%% of test probabilities exactly 0%n",
                maxDiff,
                support,
                CLASSES,
                100 * zeros);

        double[] stepsX = new double[steps];
        for (int s = 0; s < steps; s++) {
            stepsX[s] = s + 1;
        }
        // The two runs coincide: the convex layer is drawn as a line, the closed form as markers on
        // it, same colours in both panels.
        double[][] ac = accCurves.get("convex layer"), af = accCurves.get("closed form");
        Curves.Series closedLoss =
                new Curves.Series("loss, closed form (sorting)", stepsX, lf, Curves.Mark.POINTS, 1);
        Path png = out.resolve(figures.fileName("sparsemax"));
        figures.write(
                Curves.chart(
                        "Sparsemax classifier: convex-problem layer and closed form (the curves coincide)",
                        "Adam step",
                        false,
                        List.of(
                                new Curves.Panel(
                                        "training Brier loss",
                                        Curves.Scale.LOG,
                                        List.of(
                                                Curves.Series.line("loss, convex layer", stepsX, lc)
                                                        .colour(0),
                                                closedLoss)),
                                new Curves.Panel(
                                        "test accuracy",
                                        Curves.Scale.LINEAR,
                                        List.of(
                                                Curves.Series.line(
                                                                "accuracy, convex layer",
                                                                column(ac, 0),
                                                                column(ac, 1))
                                                        .colour(2),
                                                new Curves.Series(
                                                        "accuracy, closed form",
                                                        column(af, 0),
                                                        column(af, 1),
                                                        Curves.Mark.POINTS,
                                                        3))))),
                png,
                900,
                700);
        System.out.println("wrote " + png);
        Map<String, Object> j = new LinkedHashMap<>();
        j.put("example", "sparsemax");
        j.put("steps", steps);
        j.put("final_loss", finalLoss[0]);
        j.put("final_loss_closed_form", finalLoss[1]);
        j.put("max_loss_curve_diff", maxDiff);
        j.put("test_accuracy", accConvex);
        j.put("test_accuracy_closed_form", accClosed);
        j.put("mean_support", support);
        j.put("ms_per_step", msConvex);
        ConvexCommand.printJson(j);
        return 0;
    }

    static double[] column(double[][] v, int c) {
        double[] r = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            r[i] = v[i][c];
        }
        return r;
    }
}
