package org.implicitlayers.sdf.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.implicitlayers.core.DType;
import org.implicitlayers.core.Rng;
import org.implicitlayers.core.Tensor;
import org.implicitlayers.core.nn.Parameter;
import org.implicitlayers.sdf.mesh.Shapes;
import org.implicitlayers.sdf.net.IgrNetwork;
import org.junit.jupiter.api.Test;

class RaySurfaceTest {
    /** Rays from z = 3 toward points near the origin. */
    static Tensor[] rays(int n) {
        double[] o = new double[3 * n], d = new double[3 * n];
        Rng rng = Rng.seeded(9);
        for (int i = 0; i < n; i++) {
            double[] p = {0.3 * (2 * rng.nextDouble() - 1), 0.3 * (2 * rng.nextDouble() - 1), 3};
            double[] q = {0.2 * rng.nextDouble(), 0.2 * rng.nextDouble(), 0};
            double len =
                    Math.sqrt(
                            Math.pow(q[0] - p[0], 2)
                                    + Math.pow(q[1] - p[1], 2)
                                    + Math.pow(q[2] - p[2], 2));
            for (int a = 0; a < 3; a++) {
                o[3 * i + a] = p[a];
                d[3 * i + a] = (q[a] - p[a]) / len;
            }
        }
        return new Tensor[] {Tensor.of(o, n, 3), Tensor.of(d, n, 3)};
    }

    static double loss(IgrNetwork net, Tensor[] r, double[] w) {
        RaySurface.Hits h =
                RaySurface.intersect(net, r[0], r[1], SphereTracer.Options.defaults(), 6);
        return h.points().mul(Tensor.of(w, h.hits().length, 3)).sum().item();
    }

    @Test
    void hitPointGradientFromTheImplicitFunctionTheoremMatchesCentralDifferences() {
        IgrNetwork net =
                new IgrNetwork(
                        new IgrNetwork.Options(3, 16, 2, 10, 0.8, 0, DType.FLOAT64), Rng.seeded(2));
        Tensor[] r = rays(6);
        RaySurface.Hits h =
                RaySurface.intersect(net, r[0], r[1], SphereTracer.Options.defaults(), 6);
        assertEquals(6, h.hits().length, "every ray meets the initial near-sphere");
        double[] f = net.forward(h.points().detach()).toDoubleArray();
        for (double v : f) {
            assertEquals(0, v, 1e-12, "Newton refinement puts the hit on the level set");
        }
        double[] w = Tensor.randn(Rng.seeded(3), DType.FLOAT64, 6 * 3).toDoubleArray();
        net.zeroGrad();
        h.points().mul(Tensor.of(w, 6, 3)).sum().backward();
        double eps = 1e-6;
        Rng pick = Rng.seeded(4);
        for (Map.Entry<String, Parameter> e : net.parameters().entrySet()) {
            Parameter p = e.getValue();
            double[] g = p.grad().toDoubleArray();
            for (int trial = 0; trial < 3; trial++) {
                int i = pick.nextInt(p.numel());
                double[] v = p.value().toDoubleArray();
                double v0 = v[i];
                v[i] = v0 + eps;
                p.set(Tensor.of(v, p.shape()));
                double up = loss(net, r, w);
                v[i] = v0 - eps;
                p.set(Tensor.of(v, p.shape()));
                double down = loss(net, r, w);
                v[i] = v0;
                p.set(Tensor.of(v, p.shape()));
                double fd = (up - down) / (2 * eps);
                assertEquals(fd, g[i], 1e-6 * (1 + Math.abs(fd)), e.getKey() + "[" + i + "]");
            }
        }
    }

    @Test
    void sphereTracingFindsAnalyticSurfaces() {
        Shapes.Shape s = Shapes.sphere(0.7);
        double[] o = {0, 0, 3, 2, 2, 2, 0, 3, 0};
        double[] d = {0, 0, -1, -1 / Math.sqrt(3), -1 / Math.sqrt(3), -1 / Math.sqrt(3), 0, 0, 1};
        double[] t = SphereTracer.trace(s, o, d, SphereTracer.Options.defaults());
        assertEquals(2.3, t[0], 1e-5);
        assertEquals(Math.sqrt(12) - 0.7, t[1], 1e-5);
        assertTrue(Double.isNaN(t[2]), "a ray pointing away misses");
    }
}
