package org.implicitlayers.core.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.function.Function;
import org.implicitlayers.core.DType;
import org.implicitlayers.core.Tensor;
import org.implicitlayers.core.nn.Parameter;
import org.junit.jupiter.api.Test;

/**
 * The first steps of each optimiser on L(p) = 0.5 sum a_i p_i^2 (gradient a_i p_i), against the
 * update rules of the PyTorch documentation written out here in scalar arithmetic.
 */
class OptimizersTest {
    static final double[] A = {1.0, 3.0};
    static final double[] P0 = {1.0, -2.0};

    /**
     * Runs three steps of the optimiser made by {@code make} and returns the parameters after each.
     */
    static double[][] run(Function<Map<String, Parameter>, Optimizer> make) {
        Parameter p = new Parameter(Tensor.of(P0.clone(), 2));
        Optimizer opt = make.apply(Map.of("p", p));
        Tensor a = Tensor.of(A, 2);
        double[][] out = new double[3][];
        for (int s = 0; s < 3; s++) {
            opt.zeroGrad();
            p.value().square().mul(a).sum().mul(0.5).backward();
            opt.step();
            out[s] = p.value().toDoubleArray();
        }
        return out;
    }

    static void assertSteps(double[][] expected, double[][] actual) {
        for (int s = 0; s < expected.length; s++) {
            assertArrayEquals(expected[s], actual[s], 1e-12, "step " + (s + 1));
        }
    }

    @Test
    void sgdWithMomentumAndWeightDecayFollowsTorchRule() {
        double lr = 0.1, mu = 0.9, wd = 0.01;
        double[] p = P0.clone(), b = new double[2];
        double[][] expected = new double[3][2];
        for (int s = 0; s < 3; s++) {
            for (int i = 0; i < 2; i++) {
                double g = A[i] * p[i] + wd * p[i];
                b[i] = s == 0 ? g : mu * b[i] + g;
                p[i] -= lr * b[i];
            }
            expected[s] = p.clone();
        }
        assertSteps(
                expected,
                run(
                        ps ->
                                new Sgd(
                                        ps,
                                        Sgd.Options.defaults()
                                                .withLr(lr)
                                                .withMomentum(mu)
                                                .withWeightDecay(wd))));
    }

    @Test
    void sgdNesterovFollowsTorchRule() {
        double lr = 0.05, mu = 0.8;
        double[] p = P0.clone(), b = new double[2];
        double[][] expected = new double[3][2];
        for (int s = 0; s < 3; s++) {
            for (int i = 0; i < 2; i++) {
                double g = A[i] * p[i];
                b[i] = s == 0 ? g : mu * b[i] + g;
                p[i] -= lr * (g + mu * b[i]);
            }
            expected[s] = p.clone();
        }
        assertSteps(
                expected,
                run(
                        ps ->
                                new Sgd(
                                        ps,
                                        Sgd.Options.defaults()
                                                .withLr(lr)
                                                .withMomentum(mu)
                                                .withNesterov(true))));
    }

    @Test
    void firstAdamStepMovesEachCoordinateByTheLearningRate() {
        // With m = (1-b1) g and v = (1-b2) g^2, the bias-corrected step is lr g / (|g| + eps).
        double[][] got = run(ps -> new Adam(ps, 0.1));
        assertArrayEquals(new double[] {0.9, -1.9}, got[0], 1e-8);
    }

    @Test
    void adamAndAdamWFollowTorchRule() {
        for (boolean decoupled : new boolean[] {false, true}) {
            double lr = 0.1, b1 = 0.9, b2 = 0.999, eps = 1e-8, wd = 0.05;
            double[] p = P0.clone(), m = new double[2], v = new double[2];
            double[][] expected = new double[3][2];
            for (int s = 1; s <= 3; s++) {
                for (int i = 0; i < 2; i++) {
                    double g = A[i] * p[i];
                    if (decoupled) {
                        p[i] *= 1 - lr * wd;
                    } else {
                        g += wd * p[i];
                    }
                    m[i] = b1 * m[i] + (1 - b1) * g;
                    v[i] = b2 * v[i] + (1 - b2) * g * g;
                    double mh = m[i] / (1 - Math.pow(b1, s)), vh = v[i] / (1 - Math.pow(b2, s));
                    p[i] -= lr * mh / (Math.sqrt(vh) + eps);
                }
                expected[s - 1] = p.clone();
            }
            double[][] got =
                    run(
                            ps ->
                                    new Adam(
                                            ps,
                                            Adam.Options.defaults()
                                                    .withLr(lr)
                                                    .withBetas(b1, b2)
                                                    .withEps(eps)
                                                    .withWeightDecay(wd)
                                                    .withDecoupled(decoupled)));
            for (int s = 0; s < 3; s++) {
                // Torch divides sqrt(v) by sqrt(bc2) before adding eps: the same to 1e-9 here.
                assertArrayEquals(
                        expected[s],
                        got[s],
                        1e-9,
                        (decoupled ? "AdamW" : "Adam") + " step " + (s + 1));
            }
        }
    }

    @Test
    void rmsPropCenteredWithMomentumFollowsTorchRule() {
        double lr = 0.01, alpha = 0.9, eps = 1e-8, mu = 0.5;
        double[] p = P0.clone(), v = new double[2], ga = new double[2], b = new double[2];
        double[][] expected = new double[3][2];
        for (int s = 0; s < 3; s++) {
            for (int i = 0; i < 2; i++) {
                double g = A[i] * p[i];
                v[i] = alpha * v[i] + (1 - alpha) * g * g;
                ga[i] = alpha * ga[i] + (1 - alpha) * g;
                double avg = Math.sqrt(v[i] - ga[i] * ga[i]) + eps;
                b[i] = mu * b[i] + g / avg;
                p[i] -= lr * b[i];
            }
            expected[s] = p.clone();
        }
        assertSteps(
                expected,
                run(
                        ps ->
                                new RmsProp(
                                        ps,
                                        RmsProp.Options.defaults()
                                                .withLr(lr)
                                                .withAlpha(alpha)
                                                .withEps(eps)
                                                .withMomentum(mu)
                                                .withCentered(true))));
    }

    @Test
    void stateRoundTripContinuesIdentically() {
        Parameter p1 = new Parameter(Tensor.of(P0.clone(), 2)),
                p2 = new Parameter(Tensor.of(P0.clone(), 2));
        Optimizer o1 = new Adam(Map.of("p", p1), 0.05), o2 = new Adam(Map.of("p", p2), 0.05);
        Tensor a = Tensor.of(A, 2);
        for (int s = 0; s < 5; s++) {
            if (s == 2) {
                o2.loadStateDict(o1.stateDict());
                p2.set(p1.value());
            }
            for (var pair : new Object[][] {{p1, o1}, {p2, o2}}) {
                Parameter p = (Parameter) pair[0];
                Optimizer o = (Optimizer) pair[1];
                o.zeroGrad();
                p.value().square().mul(a).sum().backward();
                o.step();
            }
        }
        assertArrayEquals(p1.value().toDoubleArray(), p2.value().toDoubleArray(), 0.0);
        assertEquals(5, o1.steps());
    }

    @Test
    void schedules() {
        LrSchedule step = LrSchedule.stepDecay(1.0, 10, 0.5);
        assertEquals(1.0, step.at(9), 0);
        assertEquals(0.5, step.at(10), 0);
        assertEquals(0.25, step.at(25), 0);
        assertEquals(Math.pow(0.9, 3), LrSchedule.exponential(1.0, 0.9).at(3), 1e-15);
        LrSchedule cos = LrSchedule.cosine(1.0, 10, 110, 0.0);
        assertEquals(0.1, cos.at(0), 1e-15);
        assertEquals(1.0, cos.at(10), 1e-15);
        assertEquals(0.5, cos.at(60), 1e-12);
        assertEquals(0.0, cos.at(110), 1e-15);
        assertTrue(cos.at(30) > cos.at(31));
    }

    /**
     * Rosenbrock in n dimensions: sum 100 (x_{i+1} - x_i^2)^2 + (1 - x_i)^2, minimum 0 at all ones.
     */
    static Tensor rosenbrock(Tensor x) {
        int n = x.shape(0);
        Tensor head = x.slice(0, 0, n - 1), tail = x.slice(0, 1, n);
        return tail.sub(head.square()).square().mul(100).add(head.neg().add(1).square()).sum();
    }

    @Test
    void lbfgsMinimisesRosenbrockTo1e8() {
        for (double[] start :
                new double[][] {{-1.2, 1.0}, {-1.2, 1, -1.2, 1, -1.2, 1, -1.2, 1, -1.2, 1}}) {
            Parameter x = new Parameter(Tensor.of(start.clone(), start.length));
            Lbfgs lbfgs = new Lbfgs(Map.of("x", x), Lbfgs.Options.defaults());
            Lbfgs.Result r =
                    lbfgs.minimize(
                            () -> {
                                Tensor f = rosenbrock(x.value());
                                f.backward();
                                return f;
                            });
            double[] xs = x.value().toDoubleArray();
            for (double v : xs) {
                assertEquals(1.0, v, 1e-8, "n=" + start.length + " " + r);
            }
            assertTrue(r.loss() < 1e-14, r.toString());
            assertTrue(
                    r.reason() == Lbfgs.StopReason.GRADIENT_SMALL
                            || r.reason() == Lbfgs.StopReason.LOSS_UNCHANGED,
                    r.toString());
            assertTrue(r.iterations() > 20, "took real iterations: " + r);
        }
    }

    @Test
    void lbfgsInFloat32DoesNotStopAfterOneIteration() {
        // A float32 least-squares fit with a large loss: relative tolerances keep it going.
        double[] t = new double[50];
        double[] y = new double[50];
        for (int i = 0; i < 50; i++) {
            t[i] = i / 49.0;
            y[i] = 1000 * (3 * t[i] * t[i] - 2 * t[i] + 0.5);
        }
        Tensor tt = Tensor.of(DType.FLOAT32, t, 50), yy = Tensor.of(DType.FLOAT32, y, 50);
        Parameter c = new Parameter(Tensor.zeros(DType.FLOAT32, 3));
        Lbfgs.Result r =
                new Lbfgs(Map.of("c", c), Lbfgs.Options.defaults().withTolerances(1e-3, 1e-7))
                        .minimize(
                                () -> {
                                    Tensor cv = c.value();
                                    Tensor pred =
                                            tt.square()
                                                    .mul(cv.select(0, 0))
                                                    .add(tt.mul(cv.select(0, 1)))
                                                    .add(cv.select(0, 2));
                                    Tensor f = pred.sub(yy).square().mean();
                                    f.backward();
                                    return f;
                                });
        double[] cv = c.value().toDoubleArray();
        assertTrue(r.iterations() > 2, r.toString());
        assertArrayEquals(new double[] {3000, -2000, 500}, cv, 1.0, r.toString());
    }
}
