package org.implicitlayers.core.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.implicitlayers.core.DType;
import org.implicitlayers.core.Rng;
import org.implicitlayers.core.Tensor;
import org.implicitlayers.core.nn.Mlp;
import org.implicitlayers.core.optim.Sgd;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A job's life in its folder: the lock before anything is touched, checkpoints by time, outputs as
 * a set.
 */
class RunContextTest {
    @TempDir Path dir;

    /**
     * Opens a run in args[0] (resuming, so it touches nothing) and holds it until its standard
     * input closes.
     */
    public static final class Holder {
        public static void main(String[] args) throws Exception {
            try (RunContext run = RunContext.open(Path.of(args[0]), true)) {
                System.out.println("held");
                System.out.flush();
                while (System.in.read() >= 0) {
                    // wait
                }
            }
        }
    }

    private static List<String> names(Path folder) throws IOException {
        try (Stream<Path> s = Files.list(folder)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void aSecondFreshJobIntoARunningJobsFolderIsRefusedAndDeletesNothing() throws Exception {
        Path out = dir.resolve("job");
        Files.createDirectories(out);
        byte[] ckpt = {1, 2, 3, 4};
        Files.write(out.resolve(RunContext.CHECKPOINT), ckpt);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p =
                new ProcessBuilder(
                                List.of(
                                        java,
                                        "-cp",
                                        System.getProperty("java.class.path"),
                                        Holder.class.getName(),
                                        out.toString()))
                        .redirectErrorStream(true)
                        .start();
        try {
            BufferedReader r =
                    new BufferedReader(
                            new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            assertEquals("held", r.readLine());
            // A fresh start (not --resume) would remove the checkpoint: it must be refused before
            // that.
            IOException e = assertThrows(IOException.class, () -> RunContext.open(out, false));
            assertTrue(
                    e.getMessage().contains("another training run")
                            && e.getMessage().contains(out.toString()),
                    e.getMessage());
            assertArrayEquals(
                    ckpt,
                    Files.readAllBytes(out.resolve(RunContext.CHECKPOINT)),
                    "the running job's checkpoint is untouched");
            p.getOutputStream().close();
            assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        } finally {
            p.destroyForcibly();
        }
        // Once the first job is gone, a fresh start removes the old checkpoint, and closing leaves
        // no lock file.
        try (RunContext run = RunContext.open(out, false)) {
            assertFalse(Files.exists(run.checkpoint()));
            assertFalse(run.resumable());
        }
        assertEquals(List.of(), names(out));
    }

    @Test
    void resumingTheCheckpointOfAnotherJobIsRefusedBeforeAnythingChanges() throws IOException {
        Path out = dir.resolve("id");
        try (RunContext run = RunContext.open(out, false, "square, ritz")) {
            Files.writeString(run.checkpoint(), "a checkpoint");
        }
        IOException e =
                assertThrows(IOException.class, () -> RunContext.open(out, true, "disk, ritz"));
        assertTrue(
                e.getMessage().contains("square, ritz") && e.getMessage().contains("disk, ritz"),
                e.getMessage());
        assertEquals("a checkpoint", Files.readString(out.resolve(RunContext.CHECKPOINT)));
        assertEquals(
                List.of(RunContext.CHECKPOINT, RunContext.IDENTITY),
                names(out),
                "no lock left behind");
        try (RunContext run = RunContext.open(out, true, "square, ritz")) {
            assertTrue(run.resumable());
        }
        // A fresh start of another job replaces both.
        try (RunContext run = RunContext.open(out, false, "disk, ritz")) {
            assertFalse(Files.exists(run.checkpoint()));
        }
        assertEquals("disk, ritz", Files.readString(out.resolve(RunContext.IDENTITY)).strip());
    }

    @Test
    void aJobThatWritesNothingLeavesNoFoldersBehind() throws IOException {
        Path out = dir.resolve("a").resolve("b").resolve("c");
        try (RunContext run = RunContext.open(out, false)) {
            assertTrue(Files.isDirectory(out));
        }
        assertEquals(List.of(), names(dir), "the folders the job created are removed again");
        Files.createDirectories(out);
        try (RunContext run = RunContext.open(out, false)) {
            assertTrue(Files.isDirectory(out));
        }
        assertTrue(Files.isDirectory(out), "a folder that existed before is kept");
    }

    @Test
    void aCancelBeforeTheTrainerExistsStopsItBeforeItsFirstStep() throws IOException {
        Rng rng = Rng.seeded(1);
        Mlp net = Mlp.builder(2, 4, 1).dtype(DType.FLOAT64).build(rng);
        try (RunContext run = RunContext.open(dir.resolve("c"), false)) {
            boolean[] hook = {false};
            run.onCancel(() -> hook[0] = true);
            run.cancel();
            assertTrue(hook[0]);
            Trainer.Result r =
                    Trainer.builder(net, new Sgd(net.parameters(), 0.1), rng)
                            .loss(
                                    (s, g) ->
                                            net.forward(Tensor.rand(g, DType.FLOAT64, 4, 2))
                                                    .square()
                                                    .mean())
                            .options(Trainer.Options.defaults().withSteps(10))
                            .context(run)
                            .build()
                            .run();
            assertTrue(r.cancelled());
            assertEquals(0, r.lastStep());
        }
    }

    @Test
    void checkpointsComeByWallTimeAsWellAsBySteps() throws IOException {
        Rng rng = Rng.seeded(3);
        Mlp net = Mlp.builder(2, 4, 1).dtype(DType.FLOAT64).build(rng);
        // A clock that advances 7 s per step: with 30 s, checkpoints after steps 5, 10, ... (35 s,
        // 70 s after the last),
        // with none by step count, plus the final one.
        long[] now = {0};
        List<Long> saved = new ArrayList<>();
        try (RunContext run = RunContext.open(dir.resolve("t"), false)) {
            run.callback(
                    new TrainingCallback() {
                        @Override
                        public void onStep(Trainer.StepInfo info) {
                            now[0] += 7_000_000_000L;
                        }

                        @Override
                        public void onCheckpoint(long step, Path file) {
                            saved.add(step);
                            assertEquals(run.checkpoint(), file);
                        }
                    });
            Trainer.builder(net, new Sgd(net.parameters(), 0.1), rng)
                    .loss(
                            (s, g) ->
                                    net.forward(Tensor.rand(g, DType.FLOAT64, 4, 2))
                                            .square()
                                            .mean())
                    .options(Trainer.Options.defaults().withSteps(23))
                    .clock(() -> now[0])
                    .context(run)
                    .build()
                    .run();
            assertEquals(List.of(5L, 10L, 15L, 20L, 23L), saved);
            assertEquals(23, Checkpoint.load(run.checkpoint()).step());
        }
        // By steps and by time together: whichever comes first, the time counted from the last
        // checkpoint.
        saved.clear();
        now[0] = 0;
        Trainer.builder(net, new Sgd(net.parameters(), 0.1), rng)
                .loss((s, g) -> net.forward(Tensor.rand(g, DType.FLOAT64, 4, 2)).square().mean())
                .options(
                        Trainer.Options.defaults()
                                .withSteps(12)
                                .withCheckpointEvery(3)
                                .withCheckpoint(dir.resolve("u.npz"))
                                .withCheckpointSeconds(20))
                .clock(() -> now[0])
                .callback(
                        new TrainingCallback() {
                            @Override
                            public void onStep(Trainer.StepInfo info) {
                                now[0] += info.step() >= 7 ? 25_000_000_000L : 1_000_000_000L;
                            }

                            @Override
                            public void onCheckpoint(long step, Path file) {
                                saved.add(step);
                            }
                        })
                .build()
                .run();
        assertEquals(List.of(3L, 6L, 7L, 8L, 9L, 10L, 11L, 12L), saved);
    }

    @Test
    void outputsAppearTogetherOnCommitAndAFailedSetLeavesTheOldOnes() throws IOException {
        Path out = dir.resolve("o");
        try (OutputSet set = OutputSet.in(out)) {
            Files.writeString(set.path("a.txt"), "old a");
            Files.writeString(set.path("b.txt"), "old b");
            assertEquals(
                    List.of(),
                    names(out).stream().filter(n -> !n.startsWith(".")).toList(),
                    "nothing visible before the commit");
            assertEquals(List.of("a.txt", "b.txt"), set.commit());
        }
        assertEquals(List.of("a.txt", "b.txt"), names(out));
        // A writer fails half-way (a full disk, say): none of the new files replaces an old one.
        IOException e =
                assertThrows(
                        IOException.class,
                        () -> {
                            try (OutputSet set = OutputSet.in(out)) {
                                Files.writeString(set.path("a.txt"), "new a");
                                set.path("b.txt");
                                throw new IOException("No space left on device");
                            }
                        });
        assertEquals("No space left on device", e.getMessage());
        assertEquals(List.of("a.txt", "b.txt"), names(out));
        assertEquals("old a", Files.readString(out.resolve("a.txt")));
        // A file asked for but never written is named, and nothing moves.
        try (OutputSet set = OutputSet.in(out)) {
            Files.writeString(set.path("a.txt"), "new a");
            set.path("c.txt");
            IOException missing = assertThrows(IOException.class, set::commit);
            assertTrue(
                    missing.getMessage().startsWith(out.resolve("c.txt") + ": was not written"),
                    missing.getMessage());
        }
        assertEquals("old a", Files.readString(out.resolve("a.txt")));
        assertEquals(List.of("a.txt", "b.txt"), names(out));
    }
}
