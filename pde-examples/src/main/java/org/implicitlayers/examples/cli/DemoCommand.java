package org.implicitlayers.examples.cli;

import java.util.concurrent.Callable;
import org.implicitlayers.core.DType;
import org.implicitlayers.core.Grad;
import org.implicitlayers.core.Rng;
import org.implicitlayers.core.Tensor;
import org.implicitlayers.core.nn.Activation;
import org.implicitlayers.core.nn.Mlp;
import org.implicitlayers.core.optim.Sgd;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * A tour of the tensor core: fit u(x) = sin(pi x) on [-1, 1] with a small tanh network by gradient
 * descent, then differentiate the fitted network twice with respect to its input and compare u' and
 * u'' with the exact pi cos(pi x) and -pi^2 sin(pi x).
 */
@Command(
        name = "demo",
        description =
                "Fit sin(pi x) with an MLP and check its first and second derivatives against the exact ones.")
final class DemoCommand implements Callable<Integer> {
    @Option(
            names = "--steps",
            description = "Gradient-descent steps (default: ${DEFAULT-VALUE}).",
            defaultValue = "8000")
    int steps;

    @Option(
            names = "--seed",
            description = "Random seed (default: ${DEFAULT-VALUE}).",
            defaultValue = "0")
    long seed;

    @Override
    public Integer call() {
        Rng rng = Rng.seeded(seed);
        DType dt = DType.FLOAT64;
        Mlp net = Mlp.builder(1, 32, 32, 1).activation(Activation.tanh()).dtype(dt).build(rng);
        Sgd sgd = new Sgd(net.parameters(), Sgd.Options.defaults().withLr(0.05).withMomentum(0.9));
        Tensor x = Tensor.linspace(dt, -1, 1, 128).reshape(128, 1);
        Tensor target = x.mul(Math.PI).sin();
        System.out.println(
                "Fitting u(x) = sin(pi x) on [-1, 1]: MLP 1-32-32-1 (tanh), gradient descent with momentum, float64");
        long t0 = System.nanoTime();
        for (int step = 1; step <= steps; step++) {
            sgd.zeroGrad();
            Tensor loss = net.forward(x).sub(target).square().mean();
            loss.backward();
            sgd.step();
            if (step == 1 || step % (steps / 6) == 0) {
                System.out.printf("  step %5d   mean squared error %.3e%n", step, loss.item());
            }
        }
        System.out.printf("  trained in %.2f s%n%n", (System.nanoTime() - t0) / 1e9);

        // Derivatives of the trained network by reverse mode, the second by differentiating the
        // first.
        Tensor pts = Tensor.of(new double[] {-0.75, -0.25, 0.0, 0.3, 0.6}, 5, 1).requiringGrad();
        Tensor u = net.forward(pts);
        Tensor du = Grad.of(u.sum(), pts, true);
        Tensor d2u = Grad.of(du.sum(), pts, false);
        double[] p = pts.toDoubleArray(),
                uv = u.toDoubleArray(),
                d1 = du.toDoubleArray(),
                d2 = d2u.toDoubleArray();
        System.out.println(
                "      x      u(x)   sin(pi x)      u'(x)  pi cos(pi x)      u''(x)  -pi^2 sin(pi x)");
        double worst1 = 0, worst2 = 0;
        for (int i = 0; i < p.length; i++) {
            double e0 = Math.sin(Math.PI * p[i]),
                    e1 = Math.PI * Math.cos(Math.PI * p[i]),
                    e2 = -Math.PI * Math.PI * e0;
            worst1 = Math.max(worst1, Math.abs(d1[i] - e1));
            worst2 = Math.max(worst2, Math.abs(d2[i] - e2));
            System.out.printf(
                    "  %5.2f  %8.4f  %10.4f  %9.4f  %12.4f  %10.4f  %15.4f%n",
                    p[i], uv[i], e0, d1[i], e1, d2[i], e2);
        }
        System.out.printf(
                "%nlargest error of u': %.3e, of u'': %.3e (derivatives of a fit: they shrink as the fit improves)%n",
                worst1, worst2);
        return 0;
    }
}
