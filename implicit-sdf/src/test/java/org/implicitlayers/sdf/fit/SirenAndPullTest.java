package org.implicitlayers.sdf.fit;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.implicitlayers.core.DType;
import org.implicitlayers.core.GradCheck;
import org.implicitlayers.core.Rng;
import org.implicitlayers.core.Tensor;
import org.implicitlayers.core.optim.Adam;
import org.implicitlayers.sdf.io.BuiltinClouds;
import org.implicitlayers.sdf.io.PointCloud;
import org.implicitlayers.sdf.mesh.Shapes;
import org.implicitlayers.sdf.net.IgrNetwork;
import org.implicitlayers.sdf.net.SirenNetwork;
import org.junit.jupiter.api.Test;

class SirenAndPullTest {
    @Test
    void sirenLearnsTheSphereAsItsZeroLevelSet() {
        Rng rng = Rng.seeded(0);
        SirenNetwork net = new SirenNetwork(32, 2, 30, DType.FLOAT32, rng);
        PointCloud cloud = BuiltinClouds.sample(Shapes.sphere(0.6), 2000, 1);
        Adam adam = new Adam(net.parameters(), 1e-3);
        SirenLoss loss = SirenLoss.defaults();
        loss =
                new SirenLoss(
                        256,
                        loss.surfaceWeight(),
                        loss.normalWeight(),
                        loss.offWeight(),
                        loss.eikonalWeight(),
                        loss.alpha(),
                        loss.box());
        for (int s = 0; s < 250; s++) {
            adam.zeroGrad();
            loss.evaluate(net, cloud, rng, DType.FLOAT32).backward();
            adam.step();
        }
        // f is near 0 on the sphere and changes sign across it.
        double[] on = new double[] {0.6, 0, 0, 0, -0.6, 0, 0, 0, 0.6, -0.6, 0, 0};
        double[] f = net.forward(Tensor.of(DType.FLOAT32, on, 4, 3)).toDoubleArray();
        for (double v : f) {
            assertTrue(Math.abs(v) < 0.05, "on the surface: " + v);
        }
        // Across the surface, along the normal, f goes from negative to positive.
        for (int k = 0; k < 4; k++) {
            double[] in = on.clone(), out = on.clone();
            for (int c = 0; c < 12; c++) {
                in[c] *= 0.85;
                out[c] *= 1.15;
            }
            double fi = net.forward(Tensor.of(DType.FLOAT32, in, 4, 3)).toDoubleArray()[k];
            double fo = net.forward(Tensor.of(DType.FLOAT32, out, 4, 3)).toDoubleArray()[k];
            assertTrue(fi < 0 && fo > 0, "direction " + k + ": inside " + fi + ", outside " + fo);
        }
    }

    @Test
    void pullIsDifferentiableInTheQueriesToSecondOrder() {
        IgrNetwork net =
                new IgrNetwork(
                        new IgrNetwork.Options(3, 8, 2, 5, 0.7, 0, DType.FLOAT64), Rng.seeded(3));
        Tensor q = Tensor.randn(Rng.seeded(4), DType.FLOAT64, 5, 3).mul(0.5);
        GradCheck.assertGradient(in -> NeuralPull.project(net, in[0]).square().sum(), q);
    }

    @Test
    void pullMovesPointsTowardTheZeroLevelSet() {
        IgrNetwork net =
                new IgrNetwork(
                        new IgrNetwork.Options(3, 32, 2, 100, 0.7, 0, DType.FLOAT64),
                        Rng.seeded(5));
        Tensor q = Tensor.randn(Rng.seeded(6), DType.FLOAT64, 50, 3).mul(0.5);
        Tensor p = NeuralPull.project(net, q).detach();
        double before = net.forward(q).abs().mean().item(),
                after = net.forward(p).abs().mean().item();
        assertTrue(after < 0.2 * before, "mean |f| " + before + " -> " + after);
    }
}
