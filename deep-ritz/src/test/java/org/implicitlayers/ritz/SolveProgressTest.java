package org.implicitlayers.ritz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.implicitlayers.core.train.CancelRequest;
import org.implicitlayers.core.train.Trainer;
import org.implicitlayers.core.train.TrainingCallback;
import org.implicitlayers.ritz.problem.PoissonProblem;
import org.junit.jupiter.api.Test;

/**
 * A solve run off the calling thread reports progress, can be cancelled promptly, and keeps what it
 * trained.
 */
class SolveProgressTest {
    private static ProblemSpec disk(int steps, int lbfgs) {
        ProblemSpec s = Examples.spec("poisson-disk").orElseThrow();
        RitzOptions o = s.options();
        o =
                o.withNetwork(new RitzOptions.Network(RitzOptions.NetworkType.MLP, 8, 1, "tanh"))
                        .withSampling(o.sampling().withCounts(64, 1))
                        .withOptimizer(o.optimizer().withSteps(steps).withLbfgs(lbfgs))
                        .withRun(new RitzOptions.Run(10, 0, o.run().dtype()));
        return s.withOptions(o);
    }

    @Test
    void cancelStopsAdamWithinASecondAndKeepsTheTrainedNetwork() throws Exception {
        ProblemSpec spec = disk(1_000_000, 0);
        RitzSolver solver = new RitzSolver(spec.problem(), spec.options());
        double before = solver.evaluate().get("rel_l2");
        CountDownLatch evaluated = new CountDownLatch(3);
        List<Long> evalSteps = new ArrayList<>();
        TrainingCallback live =
                new TrainingCallback() {
                    @Override
                    public void onEval(long step, Map<String, Double> metrics) {
                        evalSteps.add(step);
                        SolutionGrid.sample(
                                solver,
                                11); // reading the solution on the solving thread is allowed
                        evaluated.countDown();
                    }
                };
        CancelRequest stop = new CancelRequest();
        ExecutorService ex = Executors.newSingleThreadExecutor();
        try {
            Future<RitzSolver.Result> f =
                    ex.submit(() -> solver.solve(List.of(live), stop, null, false, 0));
            assertTrue(evaluated.await(60, TimeUnit.SECONDS), "three evaluations reported");
            long t0 = System.nanoTime();
            stop.cancel();
            RitzSolver.Result r = f.get(10, TimeUnit.SECONDS);
            double waited = (System.nanoTime() - t0) / 1e9;
            // Promptly, not after the 10^6 steps asked for (the latency itself is no unit-test
            // matter: this machine is shared).
            assertTrue(waited < 5.0, "returned " + waited + " s after cancel");
            assertTrue(r.cancelled());
            assertTrue(r.steps() >= 30 && r.steps() < 1_000_000, "steps " + r.steps());
            assertEquals(List.of(10L, 20L, 30L), evalSteps.subList(0, 3));
            assertEquals(
                    r.steps(),
                    r.history().get(r.history().size() - 1).step(),
                    "final metrics are of the cancelled state");
            assertNotEquals(before, r.metrics().get("rel_l2"), "the network kept its training");
        } finally {
            ex.shutdownNow();
        }
    }

    @Test
    void cancelDuringLbfgsStopsAfterItsCurrentIteration() throws Exception {
        ProblemSpec spec = disk(20, 1_000_000);
        RitzSolver solver = new RitzSolver(spec.problem(), spec.options());
        CountDownLatch adamDone = new CountDownLatch(1);
        TrainingCallback cb =
                new TrainingCallback() {
                    @Override
                    public void onStep(Trainer.StepInfo info) {
                        if (info.step() == 20) {
                            adamDone.countDown(); // the last Adam step; onEnd comes after L-BFGS
                        }
                    }
                };
        CancelRequest stop = new CancelRequest();
        ExecutorService ex = Executors.newSingleThreadExecutor();
        try {
            Future<RitzSolver.Result> f =
                    ex.submit(() -> solver.solve(List.of(cb), stop, null, false, 0));
            assertTrue(adamDone.await(60, TimeUnit.SECONDS));
            Thread.sleep(300);
            long t0 = System.nanoTime();
            stop.cancel();
            RitzSolver.Result r = f.get(10, TimeUnit.SECONDS);
            assertTrue(
                    (System.nanoTime() - t0) / 1e9 < 5.0,
                    "L-BFGS stops after its current iteration");
            assertTrue(r.cancelled());
            assertTrue(r.lbfgsStop().startsWith("cancelled"), r.lbfgsStop());
            assertTrue(Double.isFinite(r.metrics().get("rel_l2")), r.metrics().toString());
        } finally {
            ex.shutdownNow();
        }
    }

    @Test
    void aSolveThatIsNotCancelledSaysSo() throws Exception {
        ProblemSpec spec = disk(20, 0);
        RitzSolver.Result r = new RitzSolver(spec.problem(), spec.options()).solve(List.of());
        assertFalse(r.cancelled());
        assertNull(r.lbfgsStop());
        assertEquals(20, r.steps());
    }

    @Test
    void theSolutionGridHoldsTheSolutionInsideAndNanOutside() {
        ProblemSpec spec = disk(0, 0);
        RitzSolver solver = new RitzSolver(spec.problem(), spec.options());
        SolutionGrid g = SolutionGrid.sample(solver, 21);
        assertEquals(-1.0, g.xs()[0], 1e-15);
        assertEquals(1.0, g.ys()[20], 1e-15);
        assertTrue(
                Double.isNaN(g.u()[0][0]) && Double.isNaN(g.exact()[0][0]),
                "the corner (-1, -1) is outside the disk");
        // (0, 0.5) is inside: exact 1 - x^2 - y^2 = 0.75, and u is the solver's solution there.
        assertEquals(0.75, g.exact()[10][15], 1e-12);
        double u =
                solver.solution(
                                org.implicitlayers.core.Tensor.of(
                                        spec.options().run().dtype(), new double[] {0, 0.5}, 1, 2))
                        .item();
        assertEquals(u, g.u()[10][15], 1e-6);
        assertEquals(g.u()[10][15] - 0.75, g.error()[10][15], 1e-12);
        assertTrue(((PoissonProblem) spec.problem()).exact() != null);
    }

    @Test
    void everyBuiltInProblemHasItsTunedSettings() {
        assertEquals(
                List.of("eigen-square", "l-shape", "poisson-10d", "poisson-disk", "poisson-square"),
                Examples.names());
        for (String name : Examples.names()) {
            assertEquals(name, Examples.spec(name).orElseThrow().name());
        }
        assertTrue(Examples.spec("poisson-cube").isEmpty());
        RitzOptions sq = Examples.spec("poisson-square").orElseThrow().options();
        assertEquals(RitzOptions.BoundaryTreatment.EXACT, sq.boundary().treatment());
        assertEquals(RitzOptions.SamplingMethod.SOBOL, sq.sampling().method());
        assertEquals(0.02, sq.optimizer().lrDecay());
        assertEquals(8000, Examples.spec("l-shape").orElseThrow().options().optimizer().steps());
        assertEquals(64, Examples.spec("poisson-10d").orElseThrow().options().network().width());
        assertEquals(
                100, Examples.spec("eigen-square").orElseThrow().options().boundary().penalty());
    }
}
