package org.implicitlayers.examples.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
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
import org.implicitlayers.plot.Curves;
import org.implicitlayers.plot.Figures;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Learning a parameter of a convex problem end to end: the metric of a projection. Points y are
 * projected onto a polytope C in the metric M = L'L,
 *
 * <pre>
 *   x(y; L) = argmin ||L (x - y)||^2  s.t.  G x &lt;= h,
 * </pre>
 *
 * and L is learned from pairs (y, x) produced with a hidden L*. (The auxiliary variable z = x - y
 * keeps the problem affine in the parameters: L times an expression that holds the parameter y
 * would not be.) The projection sees M only up to scale, so the error reported is that of M / |M|.
 */
@Command(
        name = "metric",
        description =
                "Learn the metric of a projection onto a polytope end to end, through the projection.")
final class ConvexMetricCommand implements Callable<Integer> {
    @Option(
            names = "--steps",
            defaultValue = "120",
            description = "Adam steps (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(
            names = "--out",
            defaultValue = "out/convex-metric",
            description = "Output folder (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(
            names = "--seed",
            defaultValue = "0",
            description =
                    "Seed of the polytope, the data and the hidden metric (default: ${DEFAULT-VALUE}).")
    long seed;

    static final int N = 3, FACETS = 8;

    static double normalisedMetricError(Tensor l, Tensor lTrue) {
        Tensor m = l.matmul(l, true, false), mt = lTrue.matmul(lTrue, true, false);
        return m.div(m.norm().item()).sub(mt.div(mt.norm().item())).norm().item();
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
        Rng rng = Rng.seeded(seed);
        // A polytope around the origin: random unit facet normals at distance 1, and a box that
        // keeps it bounded.
        double[][] g = Tensor.randn(rng, DType.FLOAT64, FACETS, N).toDoubleArray2d();
        for (double[] row : g) {
            double nr = Math.sqrt(row[0] * row[0] + row[1] * row[1] + row[2] * row[2]);
            for (int j = 0; j < N; j++) {
                row[j] /= nr;
            }
        }
        double[] h = new double[FACETS];
        java.util.Arrays.fill(h, 1);

        Variable x = new Variable("x", N), z = new Variable("z", N);
        Parameter l = new Parameter("L", N, N), y = new Parameter("y", N);
        Problem projection =
                Problem.minimize(
                        Expr.sumSquares(Expr.matmul(l, z)),
                        z.eq(x.minus(y)),
                        Expr.matmul(g, x).le(Expr.constant(h)),
                        Expr.normInf(x).le(1.5));
        ConvexLayer layer =
                ConvexLayer.of(
                        projection, List.of(l, y), List.of(x), ConvexLayer.Options.defaults());

        Tensor lTrue =
                Tensor.of(new double[][] {{1.0, 0.0, 0.0}, {0.9, 0.5, 0.0}, {-0.4, 0.3, 1.6}});
        Tensor yTrain = Tensor.randn(rng, DType.FLOAT64, 128, N).mul(1.5),
                yTest = Tensor.randn(rng, DType.FLOAT64, 256, N).mul(1.5);
        Tensor xTrain, xTest, xEuclid;
        try (Grad.Scope s = Grad.noGrad()) {
            xTrain = layer.solve(lTrue, yTrain).value(x);
            xTest = layer.solve(lTrue, yTest).value(x);
            xEuclid = layer.solve(Tensor.eye(DType.FLOAT64, N), yTest).value(x);
        }
        double euclidLoss = xEuclid.sub(xTest).square().sum(new int[] {1}, false).mean().item();
        System.out.printf(
                Locale.ROOT,
                "Projection onto a polytope of %d facets in R^%d in a hidden metric M* = L*'L*; %d training / %d test points%n",
                FACETS,
                N,
                yTrain.shape(0),
                yTest.shape(0));
        System.out.println("problem: " + projection);

        org.implicitlayers.core.nn.Parameter lp =
                new org.implicitlayers.core.nn.Parameter(Tensor.eye(DType.FLOAT64, N));
        Adam adam = new Adam(Map.of("L", lp), 0.03);
        double[] xs = new double[steps], loss = new double[steps], metricErr = new double[steps];
        List<double[]> test = new ArrayList<>();
        long t0 = System.nanoTime();
        for (int s = 0; s < steps; s++) {
            adam.zeroGrad();
            Tensor ls =
                    layer.solve(lp.value(), yTrain)
                            .value(x)
                            .sub(xTrain)
                            .square()
                            .sum(new int[] {1}, false)
                            .mean();
            loss[s] = ls.item();
            ls.backward();
            adam.step();
            xs[s] = s + 1;
            metricErr[s] = normalisedMetricError(lp.value(), lTrue);
            if (s % 10 == 9 || s == steps - 1) {
                try (Grad.Scope gs = Grad.noGrad()) {
                    test.add(
                            new double[] {
                                s + 1,
                                layer.solve(lp.value(), yTest)
                                        .value(x)
                                        .sub(xTest)
                                        .square()
                                        .sum(new int[] {1}, false)
                                        .mean()
                                        .item()
                            });
                }
            }
        }
        double ms = (System.nanoTime() - t0) / 1e6 / steps;
        double testLoss = test.get(test.size() - 1)[1];
        System.out.printf(
                Locale.ROOT,
                "training loss %.3e -> %.3e; test loss %.3e (Euclidean projection: %.3e); |M/|M| - M*/|M*|| %.2e -> %.2e; %.1f ms/step%n",
                loss[0],
                loss[steps - 1],
                testLoss,
                euclidLoss,
                normalisedMetricError(Tensor.eye(DType.FLOAT64, N), lTrue),
                metricErr[steps - 1],
                ms);

        Path png = out.resolve(figures.fileName("metric"));
        figures.write(
                Curves.chart(
                        "Learning the metric of a projection through the projection",
                        "Adam step",
                        false,
                        List.of(
                                new Curves.Panel(
                                        "mean squared error of x",
                                        Curves.Scale.LOG,
                                        List.of(
                                                Curves.Series.line("training", xs, loss),
                                                Curves.Series.points(
                                                        "test",
                                                        ConvexSparsemaxCommand.column(
                                                                test.toArray(new double[0][]), 0),
                                                        ConvexSparsemaxCommand.column(
                                                                test.toArray(new double[0][]),
                                                                1)))),
                                new Curves.Panel(
                                        "|M/|M| - M*/|M*||",
                                        Curves.Scale.LOG,
                                        List.of(
                                                Curves.Series.line(
                                                        "metric error", xs, metricErr))))),
                png,
                900,
                700);
        System.out.println("wrote " + png);
        Map<String, Object> j = new LinkedHashMap<>();
        j.put("example", "metric");
        j.put("steps", steps);
        j.put("train_loss_initial", loss[0]);
        j.put("train_loss_final", loss[steps - 1]);
        j.put("test_loss_final", testLoss);
        j.put("test_loss_euclidean", euclidLoss);
        j.put("metric_error_final", metricErr[steps - 1]);
        j.put("ms_per_step", ms);
        ConvexCommand.printJson(j);
        return 0;
    }
}
