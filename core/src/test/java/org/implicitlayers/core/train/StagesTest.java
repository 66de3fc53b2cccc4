package org.implicitlayers.core.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.implicitlayers.core.DType;
import org.implicitlayers.core.Rng;
import org.implicitlayers.core.Tensor;
import org.implicitlayers.core.nn.Activation;
import org.implicitlayers.core.nn.Mlp;
import org.implicitlayers.core.optim.Adam;
import org.implicitlayers.core.optim.Lbfgs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run of stages (Adam, then L-BFGS kept only if it improves): exact results and exact resume from
 * any step of any stage.
 */
class StagesTest {
    @TempDir Path dir;

    private static final int ADAM = 12;
    private static final int LBFGS = 15;

    /**
     * A small regression run: Adam on minibatches from the run's generator, then L-BFGS on the
     * whole fixed data set.
     */
    private static final class Run {
        final Rng rng = Rng.seeded(11);
        final Mlp net =
                Mlp.builder(2, 6, 1).activation(Activation.tanh()).dtype(DType.FLOAT64).build(rng);
        final Tensor x;
        final Tensor y;
        final LbfgsStage lbfgs;
        final Trainer.Builder builder;

        Run(Path ckpt, boolean resume, double judgeShift) {
            Rng data = Rng.seeded(5);
            x = Tensor.rand(data, DType.FLOAT64, 40, 2).mul(2).sub(1);
            y = x.select(1, 0).mul(2).sin().mul(x.select(1, 1).cos()).reshape(40, 1);
            // The judge: the full-data loss, shifted by judgeShift once L-BFGS has run (to test the
            // rule "keep only if it improves").
            boolean[] after = {false};
            lbfgs =
                    new LbfgsStage(
                            net.parameters(),
                            Lbfgs.Options.defaults().withMaxIterations(LBFGS).withTolerances(0, 0),
                            () -> net.forward(x).sub(y).square().mean(),
                            () -> {
                                double v = net.forward(x).sub(y).square().mean().item();
                                return after[0] ? v + judgeShift : v;
                            },
                            null,
                            () -> after[0] = true);
            builder =
                    Trainer.builder(net, new Adam(net.parameters(), 0.05), rng)
                            .loss(
                                    (s, r) -> {
                                        int[] idx = new int[8];
                                        for (int i = 0; i < idx.length; i++) {
                                            idx[i] = r.nextInt(40);
                                        }
                                        return net.forward(x.index(0, idx))
                                                .sub(y.index(0, idx))
                                                .square()
                                                .mean();
                                    })
                            .options(
                                    Trainer.Options.defaults()
                                            .withSteps(ADAM)
                                            .withCheckpoint(ckpt)
                                            .withResume(resume)
                                            .withCheckpointEvery(1)
                                            .withCheckpointSeconds(0))
                            .then(lbfgs);
        }

        double[] params() {
            List<Double> all = new ArrayList<>();
            for (Tensor t : net.stateDict().values()) {
                for (double v : t.toDoubleArray()) {
                    all.add(v);
                }
            }
            return all.stream().mapToDouble(Double::doubleValue).toArray();
        }

        double fullLoss() {
            return net.forward(x).sub(y).square().mean().item();
        }
    }

    /**
     * A failure at step {@code at}, after the step's work and before its checkpoint: a kill there
     * resumes from step at - 1.
     */
    private static final class Crash extends RuntimeException {
        Crash() {
            super("crash", null, false, false);
        }
    }

    @Test
    void lbfgsFollowsAdamAndDescendsAndItsStepsAreNumberedOn() throws IOException {
        Run r = new Run(null, false, 0);
        List<Long> steps = new ArrayList<>();
        long[] total = {0};
        Trainer.Result res =
                r.builder
                        .callback(
                                new TrainingCallback() {
                                    @Override
                                    public void onStart(long firstStep, long totalSteps) {
                                        total[0] = totalSteps;
                                    }

                                    @Override
                                    public void onStep(Trainer.StepInfo info) {
                                        steps.add(info.step());
                                    }
                                })
                        .build()
                        .run();
        assertEquals(ADAM + LBFGS, total[0]);
        assertEquals(ADAM + LBFGS, res.lastStep());
        assertEquals(ADAM + LBFGS, steps.size());
        assertEquals((long) ADAM + LBFGS, steps.get(steps.size() - 1));
        assertTrue(r.lbfgs.outcome().startsWith("MAX_ITERATIONS after 15"), r.lbfgs.outcome());
        assertTrue(
                r.fullLoss() < r.lbfgs.judgedBefore() * 0.9,
                "L-BFGS lowered the full-data loss: "
                        + r.lbfgs.judgedBefore()
                        + " -> "
                        + r.fullLoss());
    }

    @Test
    void lbfgsIsUndoneWhenTheJudgeSaysItGotWorse() throws IOException {
        Run adamOnly = new Run(null, false, 0);
        adamOnly.builder.options(Trainer.Options.defaults().withSteps(ADAM));
        // The same Adam steps without the stage: the parameters L-BFGS must give back.
        Trainer.builder(adamOnly.net, new Adam(adamOnly.net.parameters(), 0.05), adamOnly.rng)
                .loss(
                        (s, g) -> {
                            int[] idx = new int[8];
                            for (int i = 0; i < idx.length; i++) {
                                idx[i] = g.nextInt(40);
                            }
                            return adamOnly.net
                                    .forward(adamOnly.x.index(0, idx))
                                    .sub(adamOnly.y.index(0, idx))
                                    .square()
                                    .mean();
                        })
                .options(Trainer.Options.defaults().withSteps(ADAM))
                .build()
                .run();
        Run worse = new Run(null, false, 1e9);
        worse.builder.build().run();
        assertTrue(
                worse.lbfgs.outcome().contains("kept the previous result"), worse.lbfgs.outcome());
        assertArrayEquals(
                adamOnly.params(), worse.params(), "back to Adam's parameters, bit for bit");
    }

    @Test
    void aRunInterruptedAtAnyStepOfAnyStageResumesToTheUninterruptedParameters()
            throws IOException {
        Run whole = new Run(null, false, 0);
        whole.builder.build().run();
        double[] expected = whole.params();
        for (int at = 2; at <= ADAM + LBFGS; at++) {
            Path ckpt = dir.resolve("c" + at + ".npz");
            Run first = new Run(ckpt, false, 0);
            int crashAt = at;
            first.builder.callback(
                    new TrainingCallback() {
                        @Override
                        public void onStep(Trainer.StepInfo info) {
                            if (info.step() == crashAt) {
                                throw new Crash();
                            }
                        }
                    });
            assertThrows(Crash.class, () -> first.builder.build().run());
            Checkpoint c = Checkpoint.load(ckpt);
            assertEquals(at - 1, c.step());
            assertEquals(at - 1 <= ADAM ? 0 : 1, c.stage(), "stage recorded at step " + (at - 1));
            // A new process: new objects from the same seeds, resumed from the checkpoint.
            Run resumed = new Run(ckpt, true, 0);
            Trainer.Result r = resumed.builder.build().run();
            assertEquals(at - 1, r.resumedFrom());
            assertArrayEquals(
                    expected, resumed.params(), "bit-identical after a crash in step " + at);
            assertEquals(
                    2,
                    Checkpoint.load(ckpt).stage(),
                    "the finished run's checkpoint is past the last stage");
        }
        // A cancel in the L-BFGS stage writes its state; the resumed run ends the same way, judge
        // and all.
        Path ckpt = dir.resolve("cancel.npz");
        Run first = new Run(ckpt, false, 0);
        Trainer[] t = new Trainer[1];
        t[0] =
                first.builder
                        .callback(
                                new TrainingCallback() {
                                    @Override
                                    public void onStep(Trainer.StepInfo info) {
                                        if (info.step() == ADAM + 4) {
                                            t[0].cancel();
                                        }
                                    }
                                })
                        .build();
        assertTrue(t[0].run().cancelled());
        Checkpoint c = Checkpoint.load(ckpt);
        assertEquals(1, c.stage());
        assertEquals(4, c.stageStep());
        assertTrue(
                c.stageState().containsKey("lbfgs.x")
                        && c.stageState().containsKey("start.layers.0.weight"),
                c.stageState().keySet().toString());
        Run resumed = new Run(ckpt, true, 0);
        resumed.builder.build().run();
        assertArrayEquals(expected, resumed.params());
    }

    @Test
    void aCheckpointWhoseStageStateDoesNotFitIsRefusedNamingTheFile() throws IOException {
        Path ckpt = dir.resolve("bad.npz");
        Run first = new Run(ckpt, false, 0);
        first.builder.callback(
                new TrainingCallback() {
                    @Override
                    public void onStep(Trainer.StepInfo info) {
                        if (info.step() == ADAM + 3) {
                            throw new Crash();
                        }
                    }
                });
        assertThrows(Crash.class, () -> first.builder.build().run());
        Checkpoint c = Checkpoint.load(ckpt);
        Map<String, Tensor> state = new java.util.LinkedHashMap<>(c.stageState());
        state.put("lbfgs.x", Tensor.of(new double[] {1, 2, 3}, 3));
        c.inStage(c.stage(), c.stageStep(), state).save(ckpt);
        IOException e =
                assertThrows(IOException.class, () -> new Run(ckpt, true, 0).builder.build().run());
        assertTrue(
                e.getMessage().startsWith(ckpt.toString())
                        && e.getMessage().contains("lbfgs")
                        && e.getMessage().contains("'x'"),
                e.getMessage());
        assertTrue(Files.exists(ckpt));
    }
}
