package org.implicitlayers.ritz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.implicitlayers.core.DType;
import org.implicitlayers.core.train.CancelRequest;
import org.implicitlayers.core.train.Trainer;
import org.implicitlayers.core.train.TrainingCallback;
import org.implicitlayers.ritz.RitzOptions.BoundaryTreatment;
import org.implicitlayers.ritz.RitzOptions.Method;
import org.implicitlayers.ritz.domain.Box;
import org.implicitlayers.ritz.problem.BoundaryCondition;
import org.implicitlayers.ritz.problem.PoissonProblem;
import org.implicitlayers.ritz.problem.ScalarField;
import org.junit.jupiter.api.Test;

/**
 * The L-BFGS stage after Adam: logged like every other phase, and never ending worse than it
 * started.
 */
class LbfgsStageTest {
    /**
     * -Laplace(u) + u = (2 pi^2 + 1) cos(pi x) cos(pi y) on the unit square, du/dn = 0: u = cos(pi
     * x) cos(pi y).
     */
    static PoissonProblem neumannSquare() {
        return new PoissonProblem(
                "neumann-square",
                new Box(new double[] {0, 0}, new double[] {1, 1}),
                null,
                ScalarField.constant(1),
                ScalarField.formula("(2*pi^2 + 1)*cos(pi*x)*cos(pi*y)", 2),
                List.of(BoundaryCondition.neumann(ScalarField.constant(0))),
                ScalarField.formula("cos(pi*x)*cos(pi*y)", 2));
    }

    @Test
    void lbfgsOnAPureNeumannProblemEndsNoWorseThanAdamAndIsLogged() throws Exception {
        RitzOptions o =
                RitzOptions.defaults()
                        .withMethod(Method.RITZ)
                        .withBoundary(
                                RitzOptions.Boundary.defaults()
                                        .withTreatment(BoundaryTreatment.PENALTY))
                        .withNetwork(
                                new RitzOptions.Network(RitzOptions.NetworkType.MLP, 16, 2, "tanh"))
                        .withSampling(
                                RitzOptions.Sampling.defaults()
                                        .withMethod(RitzOptions.SamplingMethod.SOBOL)
                                        .withCounts(256, 64))
                        .withOptimizer(
                                RitzOptions.Optimizer.defaults()
                                        .withSteps(600)
                                        .withLr(5e-3, 0.1)
                                        .withLbfgs(60))
                        .withRun(new RitzOptions.Run(300, 1, DType.FLOAT64));
        List<Long> evalSteps = new ArrayList<>(), logged = new ArrayList<>();
        boolean[] ended = {false};
        TrainingCallback log =
                new TrainingCallback() {
                    @Override
                    public void onStep(Trainer.StepInfo s) {
                        assertTrue(!ended[0], "no step after the end");
                        logged.add(s.step());
                    }

                    @Override
                    public void onEval(long step, Map<String, Double> m) {
                        evalSteps.add(step);
                    }

                    @Override
                    public void onEnd(Trainer.Result r) {
                        ended[0] = true;
                    }
                };
        RitzSolver s = new RitzSolver(neumannSquare(), o);
        RitzSolver.Result r = s.solve(List.of(log));
        assertTrue(ended[0]);
        double adamL2 =
                r.history().stream()
                        .filter(e -> e.step() == 600)
                        .findFirst()
                        .orElseThrow()
                        .metrics()
                        .get("rel_l2");
        double finalL2 = r.metrics().get("rel_l2");
        assertTrue(r.steps() > 600, "L-BFGS iterations counted: " + r.steps());
        assertEquals(
                r.steps(),
                evalSteps.get(evalSteps.size() - 1),
                "the final evaluation reaches the callbacks (eval.csv)");
        assertEquals(
                r.steps(),
                logged.get(logged.size() - 1),
                "the final loss reaches the callbacks (metrics.csv)");
        assertTrue(
                finalL2 <= adamL2 * 1.05,
                "after Adam " + adamL2 + ", after L-BFGS " + finalL2 + " (" + r.lbfgsStop() + ")");
    }

    /**
     * Small settings of the Neumann problem: Adam, then L-BFGS (which then also re-fits the
     * constant mode).
     */
    private static RitzOptions small(RitzOptions.SamplingMethod sampling) {
        return RitzOptions.defaults()
                .withMethod(Method.RITZ)
                .withBoundary(
                        RitzOptions.Boundary.defaults().withTreatment(BoundaryTreatment.PENALTY))
                .withNetwork(new RitzOptions.Network(RitzOptions.NetworkType.MLP, 8, 1, "tanh"))
                .withSampling(
                        RitzOptions.Sampling.defaults().withMethod(sampling).withCounts(64, 16))
                .withOptimizer(
                        RitzOptions.Optimizer.defaults()
                                .withSteps(20)
                                .withLr(5e-3, 1.0)
                                .withLbfgs(12))
                .withRun(new RitzOptions.Run(10, 3, DType.FLOAT32));
    }

    private static Map<String, float[]> params(RitzSolver s) {
        Map<String, float[]> m = new java.util.LinkedHashMap<>();
        s.network().stateDict().forEach((k, v) -> m.put(k, v.toFloatArray()));
        return m;
    }

    @Test
    void aSolveStoppedDuringLbfgsResumesToTheUninterruptedParameters(
            @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        for (RitzOptions.SamplingMethod sampling :
                List.of(RitzOptions.SamplingMethod.UNIFORM, RitzOptions.SamplingMethod.SOBOL)) {
            RitzOptions o = small(sampling);
            RitzSolver whole = new RitzSolver(neumannSquare(), o);
            RitzSolver.Result all = whole.solve(List.of());
            assertTrue(
                    all.steps() > 22, "L-BFGS ran: " + all.steps() + " steps, " + all.lbfgsStop());
            // Stopped at a few points of the L-BFGS stage (and at the last Adam step), then resumed
            // by a new solver.
            for (long at : new long[] {20, 21, 23}) {
                java.nio.file.Path ckpt = dir.resolve(sampling + "-" + at + ".npz");
                CancelRequest stop = new CancelRequest();
                RitzSolver first = new RitzSolver(neumannSquare(), o);
                first.solve(
                        List.of(
                                new TrainingCallback() {
                                    @Override
                                    public void onStep(Trainer.StepInfo s) {
                                        if (s.step() == at) {
                                            stop.cancel();
                                        }
                                    }
                                }),
                        stop,
                        ckpt,
                        false,
                        0);
                assertEquals(at, org.implicitlayers.core.train.Checkpoint.load(ckpt).step());
                RitzSolver resumed = new RitzSolver(neumannSquare(), o);
                RitzSolver.Result r = resumed.solve(List.of(), new CancelRequest(), ckpt, true, 0);
                assertEquals(all.steps(), r.steps());
                assertEquals(all.lbfgsStop(), r.lbfgsStop());
                Map<String, float[]> a = params(whole), b = params(resumed);
                for (String k : a.keySet()) {
                    org.junit.jupiter.api.Assertions.assertArrayEquals(
                            a.get(k), b.get(k), sampling + ", stopped at " + at + ": " + k);
                }
            }
        }
    }

    @Test
    void aWallClockBudgetEndsAdamAtAThirdAndThenLbfgsWithinIt() throws Exception {
        RitzOptions o =
                small(RitzOptions.SamplingMethod.SOBOL)
                        .withOptimizer(
                                RitzOptions.Optimizer.defaults()
                                        .withSteps(1_000_000)
                                        .withLr(5e-3, 1.0)
                                        .withLbfgs(1_000_000));
        RitzSolver s = new RitzSolver(neumannSquare(), o);
        long t0 = System.nanoTime();
        RitzSolver.Result r = s.solve(List.of(), new CancelRequest(), null, false, 1.5);
        double wall = (System.nanoTime() - t0) / 1e9;
        assertTrue(!r.cancelled(), "a budget is no cancel");
        assertTrue(
                r.steps() > 0 && r.steps() < 1_000_000, "Adam stopped by the budget: " + r.steps());
        assertTrue(
                r.lbfgsStop() != null && !r.lbfgsStop().startsWith("cancelled"),
                "L-BFGS ran after Adam: " + r.lbfgsStop());
        // Its own reason (the time budget, or convergence), not "stopped": the budget that ends
        // Adam must not end L-BFGS too.
        assertTrue(
                !r.lbfgsStop().startsWith("stopped"), "L-BFGS ended by itself: " + r.lbfgsStop());
        assertTrue(wall < 60, "ended by the budget, not the step counts: " + wall + " s");
        assertTrue(Double.isFinite(r.metrics().get("rel_l2")), r.metrics().toString());
    }

    /**
     * After float32 Adam, L-BFGS runs in float64 (in float32 its line search stops on rounding): on
     * the sine problem with PINN and penalty it lowers the error by more than tenfold and ends with
     * float32 parameters.
     */
    @Test
    void lbfgsAfterFloat32AdamRunsInFloat64() throws Exception {
        RitzOptions o =
                SolverTest.withPenalty(
                        SolverTest.small(Method.PINN, BoundaryTreatment.PENALTY, 300), 10);
        o =
                o.withOptimizer(o.optimizer().withLr(5e-3, 1.0).withLbfgs(200))
                        .withRun(new RitzOptions.Run(300, 1, DType.FLOAT32));
        RitzSolver s = new RitzSolver(SolverTest.dirichlet1d(), o);
        RitzSolver.Result r = s.solve(List.of());
        double adamL2 =
                r.history().stream()
                        .filter(e -> e.step() == 300)
                        .findFirst()
                        .orElseThrow()
                        .metrics()
                        .get("rel_l2");
        assertTrue(r.lbfgsStop().endsWith("(in float64)"), r.lbfgsStop());
        assertTrue(
                r.metrics().get("rel_l2") < adamL2 / 10,
                "after Adam "
                        + adamL2
                        + ", after L-BFGS "
                        + r.metrics()
                        + " ("
                        + r.lbfgsStop()
                        + ")");
        assertEquals(
                DType.FLOAT32, s.network().parameters().values().iterator().next().value().dtype());
    }
}
