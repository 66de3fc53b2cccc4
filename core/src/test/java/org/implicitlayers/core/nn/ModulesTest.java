package org.implicitlayers.core.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.implicitlayers.core.DType;
import org.implicitlayers.core.GradCheck;
import org.implicitlayers.core.Rng;
import org.implicitlayers.core.Tensor;
import org.junit.jupiter.api.Test;

class ModulesTest {
    @Test
    void parametersAreNamedLikeAStateDict() {
        Rng rng = Rng.seeded(0);
        Sequential net =
                new Sequential(
                        new Linear(2, 8, rng, DType.FLOAT32),
                        Activation.tanh(),
                        new ResidualBlock(
                                8, Activation.tanh(), Init.xavierUniform(1), rng, DType.FLOAT32),
                        new Linear(8, 1, rng, DType.FLOAT32));
        assertEquals(
                List.of(
                        "0.weight",
                        "0.bias",
                        "2.l1.weight",
                        "2.l1.bias",
                        "2.l2.weight",
                        "2.l2.bias",
                        "3.weight",
                        "3.bias"),
                List.copyOf(net.parameters().keySet()));
        assertEquals(2 * 8 + 8 + 2 * (64 + 8) + 8 + 1, net.parameterCount());
        assertArrayEquals(new int[] {5, 1}, net.forward(Tensor.zeros(DType.FLOAT32, 5, 2)).shape());
    }

    @Test
    void residualBlockComputesHPlusActOfTwoLayers() {
        Rng rng = Rng.seeded(1);
        ResidualBlock b =
                new ResidualBlock(
                        3, Activation.cubicRelu(), Init.pytorchDefault(), rng, DType.FLOAT64);
        Map<String, Parameter> p = b.parameters();
        Tensor h = Tensor.randn(rng, DType.FLOAT64, 4, 3);
        Tensor inner =
                h.matmul(p.get("l1.weight").value().transpose())
                        .add(p.get("l1.bias").value())
                        .cubicRelu();
        Tensor expected =
                h.add(
                        inner.matmul(p.get("l2.weight").value().transpose())
                                .add(p.get("l2.bias").value())
                                .cubicRelu());
        assertArrayEquals(expected.toDoubleArray(), b.forward(h).toDoubleArray(), 1e-14);
    }

    @Test
    void mlpParameterGradientsMatchFiniteDifferences() {
        Mlp net =
                Mlp.builder(2, 5, 5, 1)
                        .activation(Activation.softplus(3))
                        .dtype(DType.FLOAT64)
                        .build(Rng.seeded(2));
        Tensor x = Tensor.randn(Rng.seeded(3), DType.FLOAT64, 4, 2);
        net.forward(x).square().sum().backward();
        for (Map.Entry<String, Parameter> e : net.parameters().entrySet()) {
            Parameter p = e.getValue();
            double[] g = p.grad().toDoubleArray(), base = p.value().toDoubleArray();
            for (int i = 0; i < base.length; i++) {
                double h = 1e-6;
                double[] plus = base.clone(), minus = base.clone();
                plus[i] += h;
                minus[i] -= h;
                p.set(Tensor.of(plus, p.shape()));
                double fp = net.forward(x).square().sum().item();
                p.set(Tensor.of(minus, p.shape()));
                double fm = net.forward(x).square().sum().item();
                p.set(Tensor.of(base, p.shape()));
                assertEquals(
                        (fp - fm) / (2 * h),
                        g[i],
                        1e-6 * Math.max(1, Math.abs(g[i])),
                        e.getKey() + "[" + i + "]");
            }
        }
        GradCheck.assertGradient(xs -> net.forward(xs[0]), x);
    }

    /** Sample mean and variance of a tensor's entries. */
    static double[] moments(Tensor t) {
        double[] v = t.toDoubleArray();
        double m = 0, s = 0;
        for (double x : v) {
            m += x;
        }
        m /= v.length;
        for (double x : v) {
            s += (x - m) * (x - m);
        }
        return new double[] {m, s / (v.length - 1)};
    }

    @Test
    void initialisersHaveTheirPublishedDistributions() {
        Rng rng = Rng.seeded(4);
        int out = 200, in = 300;
        double[] xu = moments(Init.xavierUniform(1).weight(rng, DType.FLOAT64, out, in));
        assertEquals(2.0 / (in + out), xu[1], 0.05 * 2.0 / (in + out));
        double[] xn = moments(Init.xavierNormal(1).weight(rng, DType.FLOAT64, out, in));
        assertEquals(2.0 / (in + out), xn[1], 0.05 * 2.0 / (in + out));
        double[] kn = moments(Init.kaimingNormal().weight(rng, DType.FLOAT64, out, in));
        assertEquals(2.0 / in, kn[1], 0.05 * 2.0 / in);
        Tensor pd = Init.pytorchDefault().weight(rng, DType.FLOAT64, out, in);
        assertTrue(pd.abs().max().item() <= 1 / Math.sqrt(in));
        assertEquals(
                1.0 / (3 * in),
                moments(pd)[1],
                0.05 / (3 * in)); // uniform(-a, a) has variance a^2/3
        double[] gh = moments(Init.geometricHidden().weight(rng, DType.FLOAT64, out, in));
        assertEquals(2.0 / out, gh[1], 0.05 * 2.0 / out);
        Tensor gl = Init.geometricLast(1.0).weight(rng, DType.FLOAT64, 1, 256);
        assertEquals(Math.sqrt(Math.PI) / 16, moments(gl)[0], 1e-5);
        assertEquals(-1.0, Init.geometricLast(1.0).bias(rng, DType.FLOAT64, 1, 256).item(), 0);
        Tensor s0 = Init.siren(30, true).weight(rng, DType.FLOAT64, out, in);
        assertTrue(s0.abs().max().item() <= 1.0 / in);
        Tensor s1 = Init.siren(30, false).weight(rng, DType.FLOAT64, out, in);
        assertTrue(s1.abs().max().item() <= Math.sqrt(6.0 / in) / 30);
    }

    @Test
    void loadStateDictChecksEverythingBeforeChangingAnything() {
        Mlp a = Mlp.builder(2, 3, 1).build(Rng.seeded(5));
        Map<String, Tensor> good = Mlp.builder(2, 3, 1).build(Rng.seeded(6)).stateDict();
        Map<String, Tensor> bad = new java.util.LinkedHashMap<>(good);
        bad.put("layers.1.bias", Tensor.zeros(DType.FLOAT32, 2));
        double[] before = a.layer(0).weight().value().toDoubleArray();
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> a.loadStateDict(bad));
        assertTrue(
                e.getMessage().contains("layers.1.bias") && e.getMessage().contains("[1]"),
                e.getMessage());
        assertArrayEquals(before, a.layer(0).weight().value().toDoubleArray(), 0);
        a.loadStateDict(good);
        assertArrayEquals(
                good.get("layers.0.weight").toDoubleArray(),
                a.layer(0).weight().value().toDoubleArray(),
                0);
        assertEquals("sine(30.0)", Activation.parse("sine:30").name());
        assertThrows(IllegalArgumentException.class, () -> Activation.parse("tanhh"));
    }

    @Test
    void modulesListsEveryDescendantDepthFirstInRegistrationOrder() {
        Rng rng = Rng.seeded(0);
        Linear first = new Linear(2, 4, rng, DType.FLOAT64),
                last = new Linear(4, 1, rng, DType.FLOAT64);
        ResidualBlock block =
                new ResidualBlock(4, Activation.tanh(), Init.pytorchDefault(), rng, DType.FLOAT64);
        Sequential net = new Sequential(first, block, Activation.tanh(), last);
        List<Module> all = net.modules();
        assertEquals(6, all.size(), "the net, first, the block and its two layers, last: " + all);
        assertTrue(
                all.get(0) == net
                        && all.get(1) == first
                        && all.get(2) == block
                        && all.get(5) == last);
        assertTrue(all.get(3) instanceof Linear && all.get(4) instanceof Linear);
        assertEquals(
                net.parameters().size(),
                all.stream()
                        .filter(m -> m instanceof Linear)
                        .mapToInt(m -> ((Linear) m).bias() == null ? 1 : 2)
                        .sum());
    }
}
