package org.implicitlayers.core.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.implicitlayers.core.DType;
import org.implicitlayers.core.Rng;
import org.implicitlayers.core.Tensor;
import org.implicitlayers.core.nn.Mlp;
import org.implicitlayers.core.optim.Adam;
import org.implicitlayers.core.optim.Sgd;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainerTest {
    @TempDir Path dir;

    private Process child(Path ckpt, Path out, long steps, long sleepMs) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(
                        List.of(
                                java,
                                "--add-modules",
                                "jdk.incubator.vector",
                                "-cp",
                                System.getProperty("java.class.path"),
                                ResumeChild.class.getName(),
                                ckpt.toString(),
                                out.toString(),
                                Long.toString(steps),
                                Long.toString(sleepMs)))
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("child-" + System.nanoTime() + ".log").toFile())
                .start();
    }

    @Test
    void aRunKilledWithSigkillAndResumedEndsWithTheUninterruptedParameters() throws Exception {
        long steps = 120;
        Path refOut = dir.resolve("ref.npz");
        Process ref = child(dir.resolve("ref-ckpt.npz"), refOut, steps, 0);
        assertTrue(ref.waitFor(120, TimeUnit.SECONDS));
        assertEquals(0, ref.exitValue());

        Path ckpt = dir.resolve("ckpt.npz"), out = dir.resolve("out.npz");
        Process victim = child(ckpt, out, steps, 8);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!Files.exists(ckpt) && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertTrue(Files.exists(ckpt), "the run wrote a first checkpoint");
        // A random moment in the middle of the run (120 steps of at least 8 ms).
        Thread.sleep(50 + new java.util.Random().nextInt(400));
        assertTrue(victim.isAlive(), "still training when killed");
        victim.destroyForcibly(); // SIGKILL on Unix: no shutdown hooks, no final checkpoint
        victim.waitFor(30, TimeUnit.SECONDS);
        assertNotEquals(0, victim.exitValue());
        assertFalse(Files.exists(out), "the killed run did not finish");
        long savedStep = Checkpoint.load(ckpt).step();
        assertTrue(
                savedStep > 0 && savedStep < steps,
                "killed mid-run, at checkpoint step " + savedStep);

        Process resumed = child(ckpt, out, steps, 0);
        assertTrue(resumed.waitFor(120, TimeUnit.SECONDS));
        assertEquals(0, resumed.exitValue());
        Map<String, Tensor> a = ResumeChild.read(refOut), b = ResumeChild.read(out);
        assertEquals(a.keySet(), b.keySet());
        for (String k : a.keySet()) {
            assertArrayEquals(
                    a.get(k).toFloatArray(),
                    b.get(k).toFloatArray(),
                    k + " bit-identical after resume from step " + savedStep);
        }
    }

    private Trainer.Builder small(Mlp net, Rng rng, Path ckpt, long steps) {
        return Trainer.builder(net, new Sgd(net.parameters(), 0.05), rng)
                .loss((s, r) -> net.forward(Tensor.rand(r, DType.FLOAT64, 8, 2)).square().mean())
                .options(
                        Trainer.Options.defaults()
                                .withSteps(steps)
                                .withCheckpointEvery(5)
                                .withCheckpoint(ckpt)
                                .withResume(true));
    }

    @Test
    void aNanLossStopsTrainingNamingTheStepAndKeepsTheLastGoodCheckpoint() throws IOException {
        Rng rng = Rng.seeded(1);
        Mlp net = Mlp.builder(2, 4, 1).dtype(DType.FLOAT64).build(rng);
        Path ckpt = dir.resolve("c.npz");
        Trainer t =
                Trainer.builder(net, new Sgd(net.parameters(), 0.05), rng)
                        .loss(
                                (s, r) -> {
                                    Tensor l =
                                            net.forward(Tensor.rand(r, DType.FLOAT64, 8, 2))
                                                    .square()
                                                    .mean();
                                    return s == 13 ? l.mul(Double.NaN) : l;
                                })
                        .options(
                                Trainer.Options.defaults()
                                        .withSteps(20)
                                        .withCheckpointEvery(5)
                                        .withCheckpoint(ckpt))
                        .build();
        TrainingDivergedException e = assertThrows(TrainingDivergedException.class, t::run);
        assertEquals(13, e.step());
        assertTrue(
                e.getMessage().contains("step 13")
                        && e.getMessage().contains("loss is NaN")
                        && e.getMessage().contains("c.npz"),
                e.getMessage());
        assertEquals(10, Checkpoint.load(ckpt).step());
    }

    @Test
    void aNonFiniteGradientNamesTheParameter() {
        Rng rng = Rng.seeded(2);
        Mlp net = Mlp.builder(2, 4, 1).dtype(DType.FLOAT64).build(rng);
        Trainer t =
                Trainer.builder(net, new Sgd(net.parameters(), 0.05), rng)
                        .loss(
                                (s, r) ->
                                        net.forward(Tensor.rand(r, DType.FLOAT64, 8, 2))
                                                .sqrt()
                                                .sum()) // sqrt of negatives: NaN
                        .options(Trainer.Options.defaults().withSteps(5))
                        .build();
        TrainingDivergedException e = assertThrows(TrainingDivergedException.class, t::run);
        assertTrue(
                e.getMessage().contains("NaN") && e.getMessage().contains("step 1"),
                e.getMessage());
    }

    @Test
    void aCorruptCheckpointIsReportedAndNothingIsLoaded() throws IOException {
        Rng rng = Rng.seeded(3);
        Mlp net = Mlp.builder(2, 4, 1).dtype(DType.FLOAT64).build(rng);
        Path ckpt = dir.resolve("c.npz");
        small(net, rng, ckpt, 10).build().run();
        byte[] bytes = Files.readAllBytes(ckpt);
        Files.write(ckpt, java.util.Arrays.copyOf(bytes, bytes.length - 40));
        Mlp fresh = Mlp.builder(2, 4, 1).dtype(DType.FLOAT64).build(Rng.seeded(4));
        double[] before = fresh.layer(0).weight().value().toDoubleArray();
        IOException e =
                assertThrows(
                        IOException.class,
                        () -> small(fresh, Rng.seeded(4), ckpt, 20).build().run());
        assertTrue(e.getMessage().contains("c.npz"), e.getMessage());
        assertArrayEquals(before, fresh.layer(0).weight().value().toDoubleArray(), 0);

        // A checkpoint of another architecture: named mismatch, nothing changed.
        Path other = dir.resolve("other.npz");
        Mlp wide = Mlp.builder(2, 6, 1).dtype(DType.FLOAT64).build(rng);
        small(wide, rng, other, 5).build().run();
        IOException e2 =
                assertThrows(
                        IOException.class,
                        () -> small(fresh, Rng.seeded(4), other, 20).build().run());
        assertTrue(
                e2.getMessage().contains("other.npz")
                        && e2.getMessage().contains("layers.0.weight"),
                e2.getMessage());
        assertArrayEquals(before, fresh.layer(0).weight().value().toDoubleArray(), 0);
    }

    @Test
    void aCancelRequestStopsARunWhetherItComesBeforeOrDuringIt() throws IOException {
        Rng rng = Rng.seeded(6);
        Mlp net = Mlp.builder(2, 4, 1).dtype(DType.FLOAT64).build(rng);
        // Before the trainer exists: the run takes no step.
        CancelRequest early = new CancelRequest();
        early.cancel();
        Trainer first = small(net, rng, null, 30).build();
        early.accept(first);
        Trainer.Result r = first.run();
        assertTrue(r.cancelled() && early.requested());
        assertEquals(0, r.lastStep());
        // During the run, from another thread: it stops after the current step, before the last.
        CancelRequest late = new CancelRequest();
        Trainer second =
                small(net, rng, null, 100_000)
                        .callback(
                                new TrainingCallback() {
                                    @Override
                                    public void onStep(Trainer.StepInfo info) {
                                        if (info.step() == 5) {
                                            Thread t = new Thread(late::cancel);
                                            t.start();
                                            try {
                                                t.join();
                                            } catch (InterruptedException e) {
                                                Thread.currentThread().interrupt();
                                            }
                                        }
                                    }
                                })
                        .build();
        late.accept(second);
        Trainer.Result r2 = second.run();
        assertTrue(r2.cancelled());
        assertEquals(5, r2.lastStep());
    }

    @Test
    void cancelWritesACheckpointAndTheCsvLogHasEachStepOnce() throws IOException {
        Rng rng = Rng.seeded(5);
        Mlp net = Mlp.builder(2, 4, 1).dtype(DType.FLOAT64).build(rng);
        Path ckpt = dir.resolve("c.npz"),
                csv = dir.resolve("steps.csv"),
                ev = dir.resolve("eval.csv");
        Trainer[] holder = new Trainer[1];
        holder[0] =
                small(net, rng, ckpt, 30)
                        .callback(new CsvMetricsLog(csv, ev, 1))
                        .evaluator(
                                s -> Map.of("w_norm", net.layer(0).weight().value().norm().item()))
                        .options(
                                Trainer.Options.defaults()
                                        .withSteps(30)
                                        .withEvalEvery(4)
                                        .withCheckpointEvery(5)
                                        .withCheckpoint(ckpt)
                                        .withResume(true))
                        .callback(
                                new TrainingCallback() {
                                    @Override
                                    public void onStep(Trainer.StepInfo info) {
                                        if (info.step() == 12) {
                                            holder[0].cancel();
                                        }
                                    }
                                })
                        .build();
        Trainer.Result r = holder[0].run();
        assertTrue(r.cancelled());
        assertEquals(12, Checkpoint.load(ckpt).step(), "checkpoint on cancel");
        // Pretend the process had logged two more steps before dying, then resume.
        Files.writeString(
                csv, "13,0.5,0.05,1.0\n14,0.5,0.05,1.0\n", java.nio.file.StandardOpenOption.APPEND);
        Trainer.Result r2 =
                small(net, rng, ckpt, 30)
                        .callback(new CsvMetricsLog(csv, ev, 1))
                        .options(
                                Trainer.Options.defaults()
                                        .withSteps(30)
                                        .withEvalEvery(4)
                                        .withCheckpointEvery(5)
                                        .withCheckpoint(ckpt)
                                        .withResume(true))
                        .build()
                        .run();
        assertEquals(12, r2.resumedFrom());
        List<String> lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
        assertEquals("step,loss,lr,elapsed_s", lines.get(0));
        List<Long> stepsLogged = new ArrayList<>();
        for (String l : lines.subList(1, lines.size())) {
            stepsLogged.add(Long.parseLong(l.split(",")[0]));
        }
        List<Long> expected = new ArrayList<>();
        for (long s = 1; s <= 30; s++) {
            expected.add(s);
        }
        assertEquals(expected, stepsLogged);
    }

    @Test
    void checkpointsAreWrittenAtomically() throws IOException {
        Rng rng = Rng.seeded(6);
        Mlp net = Mlp.builder(2, 4, 1).dtype(DType.FLOAT32).build(rng);
        Path ckpt = dir.resolve("sub").resolve("c.npz");
        Adam adam = new Adam(net.parameters(), 1e-3);
        Checkpoint.of(3, net, adam, rng).save(ckpt);
        Checkpoint.of(4, net, adam, rng).save(ckpt);
        try (var files = Files.list(ckpt.getParent())) {
            assertEquals(
                    List.of("c.npz"),
                    files.map(p -> p.getFileName().toString()).toList(),
                    "no temporary files left");
        }
        Checkpoint c = Checkpoint.load(ckpt);
        assertEquals(4, c.step());
        assertArrayEquals(rng.saveState(), c.rngState());
    }
}
