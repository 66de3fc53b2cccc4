package org.implicitlayers.core.train;

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
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.implicitlayers.core.DType;
import org.implicitlayers.core.Rng;
import org.implicitlayers.core.Tensor;
import org.implicitlayers.core.nn.Mlp;
import org.implicitlayers.core.optim.Adam;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One run per checkpoint, across processes; the lock leaves no file behind. */
class RunLockTest {
    @TempDir Path dir;

    /** Holds the lock of args[0] until its standard input closes. */
    public static final class Holder {
        public static void main(String[] args) throws Exception {
            try (RunLock lock = RunLock.acquire(Path.of(args[0]))) {
                System.out.println("held");
                System.out.flush();
                while (System.in.read() >= 0) {
                    // wait
                }
            }
        }
    }

    @Test
    void aSecondProcessIsRefusedAndTheLockFileGoesWithTheLastHolder() throws Exception {
        Path ckpt = dir.resolve("run").resolve("checkpoint.npz");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p =
                new ProcessBuilder(
                                List.of(
                                        java,
                                        "-cp",
                                        System.getProperty("java.class.path"),
                                        Holder.class.getName(),
                                        ckpt.toString()))
                        .redirectErrorStream(true)
                        .start();
        try {
            BufferedReader r =
                    new BufferedReader(
                            new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            assertEquals("held", r.readLine());
            IOException e = assertThrows(IOException.class, () -> RunLock.acquire(ckpt));
            assertTrue(
                    e.getMessage().contains("another training run")
                            && e.getMessage().contains(ckpt.toString()),
                    e.getMessage());
            p.getOutputStream().close();
            assertTrue(p.waitFor(30, TimeUnit.SECONDS));
            assertEquals(0, p.exitValue());
        } finally {
            p.destroyForcibly();
        }
        assertFalse(Files.exists(RunLock.lockFileOf(ckpt)), "the holder removed its lock file");
        try (RunLock a = RunLock.acquire(ckpt);
                RunLock b = RunLock.acquire(ckpt)) {
            assertTrue(Files.exists(RunLock.lockFileOf(ckpt)), "re-entrant within a process");
        }
        assertFalse(Files.exists(RunLock.lockFileOf(ckpt)));
    }

    @Test
    void aFinishedTrainingRunLeavesOnlyItsCheckpoint() throws IOException {
        Rng rng = Rng.seeded(2);
        Mlp net = Mlp.builder(2, 4, 1).dtype(DType.FLOAT32).build(rng);
        Path ckpt = dir.resolve("checkpoint.npz");
        Trainer.builder(net, new Adam(net.parameters(), 1e-3), rng)
                .loss((s, r) -> net.forward(Tensor.rand(r, DType.FLOAT32, 4, 2)).square().mean())
                .options(Trainer.Options.defaults().withSteps(3).withCheckpoint(ckpt))
                .build()
                .run();
        try (var files = Files.list(dir)) {
            assertEquals(
                    List.of("checkpoint.npz"), files.map(f -> f.getFileName().toString()).toList());
        }
    }
}
