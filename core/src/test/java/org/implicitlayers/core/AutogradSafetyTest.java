package org.implicitlayers.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * Autograd mistakes that would otherwise give wrong numbers without an error: each raises an error
 * that says what happened and what to do, and each has an explicit opt-in where the behaviour is
 * wanted.
 */
class AutogradSafetyTest {
    private static Tensor vec(double... v) {
        return Tensor.of(v, v.length);
    }

    @Test
    void aSecondBackwardThroughTheSameGraphRaisesAndNamesRetainGraph() {
        Tensor x = vec(1, 2, 3).requiringGrad();
        Tensor loss = x.square().sum();
        loss.backward();
        IllegalStateException e = assertThrows(IllegalStateException.class, loss::backward);
        assertTrue(
                e.getMessage().contains("second time") && e.getMessage().contains("retainGraph"),
                e.getMessage());
        assertArrayEquals(
                new double[] {2, 4, 6},
                x.grad().toDoubleArray(),
                0,
                "the failed pass added nothing");
    }

    @Test
    void retainGraphAllowsASecondBackwardWhichAccumulates() {
        Tensor x = vec(1, 2, 3).requiringGrad();
        Tensor loss = x.square().sum();
        loss.backward(true);
        loss.backward();
        assertArrayEquals(new double[] {4, 8, 12}, x.grad().toDoubleArray(), 0);
        assertThrows(
                IllegalStateException.class,
                loss::backward,
                "the second pass did not retain the graph");
    }

    @Test
    void gradReleasesTheGraphUnlessRetainedOrCreated() {
        Tensor x = vec(0.5, -1).requiringGrad();
        Tensor y = x.tanh().sum();
        Grad.of(y, x, false);
        assertThrows(IllegalStateException.class, () -> Grad.of(y, x, false));

        Tensor y2 = x.tanh().sum();
        Grad.Options retain = Grad.Options.defaults().withRetainGraph(true);
        Tensor a = Grad.of(new Tensor[] {y2}, new Tensor[] {x}, null, retain)[0];
        Tensor b = Grad.of(new Tensor[] {y2}, new Tensor[] {x}, null, retain)[0];
        assertArrayEquals(a.toDoubleArray(), b.toDoubleArray(), 0);

        Tensor y3 = x.tanh().sum();
        Grad.of(y3, x, true); // createGraph keeps the graph, as in PyTorch
        Grad.of(y3, x, true);
    }

    @Test
    void aSecondDerivativeOfAGradientTakenWithoutCreateGraphRaises() {
        Tensor x = vec(0.3, 0.7).requiringGrad();
        Tensor u = x.sin().sum();
        Tensor du = Grad.of(u, x, false);
        assertFalse(du.requiresGrad());
        Tensor laplacianInput = du.square().sum(); // derived from the cut gradient while recording
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class, () -> Grad.of(laplacianInput, x, false));
        assertTrue(e.getMessage().contains("createGraph = true"), e.getMessage());
        // Even allowing unused inputs does not turn this mistake into zeros.
        assertThrows(
                IllegalArgumentException.class,
                () ->
                        Grad.of(
                                new Tensor[] {du.sum()},
                                new Tensor[] {x},
                                null,
                                Grad.Options.defaults().withAllowUnused(true)));
        assertThrows(IllegalArgumentException.class, () -> du.sum().backward());
    }

    @Test
    void withCreateGraphTheSecondDerivativeIsExact() {
        Tensor x = vec(0.3, 0.7).requiringGrad();
        Tensor du = Grad.of(x.sin().sum(), x, true);
        Tensor d2u = Grad.of(du.sum(), x, false);
        assertArrayEquals(
                new double[] {-Math.sin(0.3), -Math.sin(0.7)}, d2u.toDoubleArray(), 1e-15);
    }

    @Test
    void aDetachedGradientIsAnOrdinaryConstant() {
        Tensor x = vec(0.3, 0.7).requiringGrad();
        Tensor target = Grad.of(x.sin().sum(), x, false).detach();
        Tensor w = vec(1, 1).requiringGrad();
        Tensor loss = w.sub(target).square().sum();
        assertArrayEquals(
                new double[] {2 * (1 - Math.cos(0.3)), 2 * (1 - Math.cos(0.7))},
                Grad.of(loss, w, false).toDoubleArray(),
                1e-15);
    }

    @Test
    void backwardOnAGraphWithoutInputsThatRequireGradRaises() {
        Tensor x = vec(1, 2);
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> x.square().sum().backward());
        assertTrue(e.getMessage().contains("does not require grad"), e.getMessage());
        try (Grad.Scope s = Grad.noGrad()) {
            Tensor w = vec(1, 2).requiringGrad();
            Tensor l = w.square().sum();
            assertThrows(IllegalArgumentException.class, l::backward);
        }
    }

    @Test
    void gradWithRespectToAnUnusedInputRaisesUnlessAllowed() {
        Tensor x = vec(1, 2).requiringGrad();
        Tensor unused = vec(3).requiringGrad();
        Tensor y = x.square().sum();
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () ->
                                Grad.of(
                                        new Tensor[] {y},
                                        new Tensor[] {x, unused},
                                        null,
                                        Grad.Options.defaults().withRetainGraph(true)));
        assertTrue(
                e.getMessage().contains("input 1")
                        && e.getMessage().contains("withAllowUnused(true)"),
                e.getMessage());
        Tensor[] g =
                Grad.of(
                        new Tensor[] {y},
                        new Tensor[] {x, unused},
                        null,
                        Grad.Options.defaults().withAllowUnused(true));
        assertArrayEquals(new double[] {2, 4}, g[0].toDoubleArray(), 0);
        assertArrayEquals(new double[] {0}, g[1].toDoubleArray(), 0);
    }

    @Test
    void anOutputConstantInEveryInputGivesZerosOnlyWhenUnusedInputsAreAllowed() {
        Tensor x = vec(1, 2).requiringGrad();
        Tensor du = Grad.of(x.mul(3.0).sum(), x, true); // the gradient of a linear map: a constant
        assertFalse(du.requiresGrad());
        assertThrows(IllegalArgumentException.class, () -> Grad.of(du.sum(), x, false));
        Tensor d2 =
                Grad.of(
                        new Tensor[] {du.sum()},
                        new Tensor[] {x},
                        null,
                        Grad.Options.defaults().withAllowUnused(true))[0];
        assertArrayEquals(new double[] {0, 0}, d2.toDoubleArray(), 0);
    }

    @Test
    void differentiatingTheOriginalInsteadOfTheTensorRequiringGradRaisesAndExplains() {
        Tensor x = vec(1, 2);
        x.requiringGrad(); // result ignored: x is unchanged
        Tensor y = x.square().sum();
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> Grad.of(y, x, false));
        assertTrue(e.getMessage().contains("requiringGrad() returns a new tensor"), e.getMessage());
        Tensor xg = x.requiringGrad();
        assertTrue(xg.requiresGrad());
        assertFalse(x.requiresGrad());
        assertEquals(2 * 2.0, Grad.of(xg.square().sum(), xg, false).get(1), 0);
    }

    @Test
    void theLeafGradientIsACutGradient() {
        Tensor x = vec(1, 2).requiringGrad();
        x.square().sum().backward();
        Tensor g = x.grad();
        assertThrows(IllegalArgumentException.class, () -> Grad.of(g.sum(), x, false));
    }
}
