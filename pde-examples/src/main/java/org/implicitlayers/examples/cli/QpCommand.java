package org.implicitlayers.examples.cli;

import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.UnaryOperator;
import org.implicitlayers.core.DType;
import org.implicitlayers.core.Rng;
import org.implicitlayers.core.Tensor;
import org.implicitlayers.core.backend.jvm.JvmBackend;
import org.implicitlayers.core.nn.Parameter;
import org.implicitlayers.core.optim.Adam;
import org.implicitlayers.implicit.layers.Projections;
import org.implicitlayers.implicit.layers.QpLayer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Learning through an optimisation layer: the model maps x to the probability vector z = argmin 1/2
 * ||z||^2 - (W x + c)'z subject to z >= 0, sum z = 1 (a projection onto the simplex, solved as a
 * QP), and W, c are learned from examples produced by a hidden W*, c*. The same model with the
 * closed-form projection layer serves as the check: both must train alike.
 */
@Command(
        name = "qp",
        description =
                "Learn the parameters of a QP layer (a constrained regression onto the simplex) and check it against the closed-form projection.")
final class QpCommand implements Callable<Integer> {
    @Option(
            names = "--steps",
            defaultValue = "150",
            description = "Adam steps (default: ${DEFAULT-VALUE}).")
    int steps;

    @Override
    public Integer call() {
        JvmBackend.setThreads(2);
        int n = 4, d = 5, batch = 64;
        Rng data = Rng.seeded(7);
        Tensor wTrue = Tensor.randn(data, DType.FLOAT64, n, d),
                cTrue = Tensor.randn(data, DType.FLOAT64, n).mul(0.5);
        Tensor x = Tensor.randn(data, DType.FLOAT64, batch, d);
        Tensor y = Projections.simplex(x.matmul(wTrue, false, true).add(cTrue));
        Tensor eye = Tensor.of(eyes(batch, n), batch, n, n);
        System.out.printf(
                "Fit z = argmin{1/2|z|^2 - (Wx + c)'z : z >= 0, sum z = 1}, W %dx%d, to %d examples; Adam 0.05, %d steps%n",
                n, d, batch, steps);
        System.out.println("layer                 final loss    |W - W*|/|W*|   ms/step");
        for (String layer : new String[] {"QP (interior point)", "closed-form simplex"}) {
            Rng rng = Rng.seeded(1);
            Parameter w = new Parameter(Tensor.randn(rng, DType.FLOAT64, n, d).mul(0.1)),
                    c = new Parameter(Tensor.zeros(DType.FLOAT64, n));
            boolean qp = layer.startsWith("QP");
            UnaryOperator<Tensor> model =
                    in -> {
                        Tensor s = in.matmul(w.value(), false, true).add(c.value());
                        if (!qp) {
                            return Projections.simplex(s);
                        }
                        return QpLayer.solve(
                                        eye,
                                        s.neg(),
                                        eye.neg(),
                                        Tensor.zeros(DType.FLOAT64, batch, n),
                                        Tensor.ones(DType.FLOAT64, batch, 1, n),
                                        Tensor.ones(DType.FLOAT64, batch, 1),
                                        QpLayer.Options.defaults())
                                .z();
                    };
            Adam adam = new Adam(Map.of("W", w, "c", c), 0.05);
            double loss = Double.NaN;
            long t0 = System.nanoTime();
            for (int s = 0; s < steps; s++) {
                adam.zeroGrad();
                Tensor l = model.apply(x).sub(y).square().sum(new int[] {1}, false).mean();
                loss = l.item();
                l.backward();
                adam.step();
            }
            double ms = (System.nanoTime() - t0) / 1e6 / steps;
            double err = w.value().sub(wTrue).norm().item() / wTrue.norm().item();
            System.out.printf(Locale.ROOT, "%-20s %11.3e %15.3e %9.2f%n", layer, loss, err, ms);
        }
        System.out.println(
                "(W is identifiable only up to what the simplex projection can see: the loss is the measure of fit.)");
        return 0;
    }

    static double[] eyes(int batch, int n) {
        double[] v = new double[batch * n * n];
        for (int b = 0; b < batch; b++) {
            for (int i = 0; i < n; i++) {
                v[(b * n + i) * n + i] = 1;
            }
        }
        return v;
    }
}
