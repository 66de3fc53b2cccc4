package org.implicitlayers.sdf.fit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.implicitlayers.core.DType;
import org.implicitlayers.core.Rng;
import org.implicitlayers.core.Tensor;
import org.implicitlayers.core.nn.Parameter;
import org.implicitlayers.sdf.io.BuiltinClouds;
import org.implicitlayers.sdf.io.PointCloud;
import org.implicitlayers.sdf.mesh.Shapes;
import org.implicitlayers.sdf.net.IgrNetwork;
import org.junit.jupiter.api.Test;

class IgrGradientTest {
    static final IgrNetwork.Options SMALL =
            new IgrNetwork.Options(3, 8, 3, 100, 0.8, 0, DType.FLOAT64);

    private static double[] grads(IgrNetwork net) {
        return net.parameters().values().stream()
                .flatMapToDouble(p -> java.util.Arrays.stream(p.grad().toDoubleArray()))
                .toArray();
    }

    @Test
    void closedFormGradientEqualsTheTapesSecondOrderGradient() {
        IgrNetwork net = new IgrNetwork(SMALL.withSize(8, 3), Rng.seeded(1));
        PointCloud cloud = BuiltinClouds.sample(Shapes.torus(0.6, 0.25), 50, 2);
        IgrLoss loss = IgrLoss.defaults().withBatch(10);
        IgrLoss.Batch batch = loss.sample(cloud, Rng.seeded(3), DType.FLOAT64);
        net.zeroGrad();
        IgrLoss.Terms tape = loss.onTape(net, batch);
        tape.total().backward();
        double[] expected = grads(net);
        net.zeroGrad();
        IgrLoss.Terms closed = loss.closedForm(net, batch);
        closed.total().backward();
        double[] actual = grads(net);
        assertEquals(tape.total().item(), closed.total().item(), 1e-12);
        assertEquals(tape.normal().item(), closed.normal().item(), 1e-12);
        assertEquals(tape.eikonal().item(), closed.eikonal().item(), 1e-12);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(
                    expected[i],
                    actual[i],
                    1e-10 * (1 + Math.abs(expected[i])),
                    "gradient entry " + i);
        }
    }

    @Test
    void closedFormGradientMatchesCentralDifferences() {
        IgrNetwork net = new IgrNetwork(SMALL, Rng.seeded(4));
        PointCloud cloud = BuiltinClouds.sample(Shapes.sphere(0.7), 40, 5);
        IgrLoss loss = IgrLoss.defaults().withBatch(8);
        IgrLoss.Batch batch = loss.sample(cloud, Rng.seeded(6), DType.FLOAT64);
        net.zeroGrad();
        loss.closedForm(net, batch).total().backward();
        Rng pick = Rng.seeded(7);
        double h = 1e-6;
        for (Map.Entry<String, Parameter> e : net.parameters().entrySet()) {
            Parameter p = e.getValue();
            double[] g = p.grad().toDoubleArray();
            for (int trial = 0; trial < 4; trial++) {
                int i = pick.nextInt(p.numel());
                double[] v = p.value().toDoubleArray();
                double v0 = v[i];
                v[i] = v0 + h;
                p.set(Tensor.of(v, p.shape()));
                double up = loss.closedForm(net, batch).total().item();
                v[i] = v0 - h;
                p.set(Tensor.of(v, p.shape()));
                double down = loss.closedForm(net, batch).total().item();
                v[i] = v0;
                p.set(Tensor.of(v, p.shape()));
                double fd = (up - down) / (2 * h);
                assertEquals(fd, g[i], 1e-5 * (1 + Math.abs(fd)), e.getKey() + "[" + i + "]");
            }
        }
    }

    @Test
    void skipConnectionTrainsOnTheTape() {
        IgrNetwork net = new IgrNetwork(SMALL.withSize(8, 4).withSkipAt(2), Rng.seeded(1));
        Tensor f = net.forward(Tensor.of(new double[] {0, 0, 0, 0.5, 0.5, 0.5}, 2, 3));
        // Geometric initialisation: f(x) is close to |x| - radius at the start.
        assertEquals(-0.8, f.get(0), 0.3);
        PointCloud cloud = BuiltinClouds.sample(Shapes.sphere(0.7), 40, 5);
        IgrLoss.Terms t =
                IgrLoss.defaults().withBatch(8).evaluate(net, cloud, Rng.seeded(2), DType.FLOAT64);
        t.total().backward();
        assertEquals(8 * 3, net.parameters().get("layers.0.weight").grad().numel());
    }
}
