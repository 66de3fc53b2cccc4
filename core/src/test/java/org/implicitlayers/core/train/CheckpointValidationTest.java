package org.implicitlayers.core.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.implicitlayers.core.DType;
import org.implicitlayers.core.Rng;
import org.implicitlayers.core.Tensor;
import org.implicitlayers.core.io.Npz;
import org.implicitlayers.core.nn.Mlp;
import org.implicitlayers.core.optim.Adam;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every field of a checkpoint is checked against what the run needs; a bad one is named and nothing
 * is loaded.
 */
class CheckpointValidationTest {
    @TempDir Path dir;

    /**
     * A valid checkpoint after 5 Adam steps, edited by {@code edit} (entry name to tensor; "meta"
     * and "rng" as bytes).
     */
    private Path edited(
            Consumer<Map<String, Tensor>> editTensors, Consumer<Map<String, byte[]>> editBytes)
            throws IOException {
        Rng rng = Rng.seeded(1);
        Mlp net = Mlp.builder(2, 4, 1).dtype(DType.FLOAT64).build(rng);
        Adam adam = new Adam(net.parameters(), 1e-2);
        Path ckpt = dir.resolve("c.npz");
        Trainer.builder(net, adam, rng)
                .loss((s, r) -> net.forward(Tensor.rand(r, DType.FLOAT64, 8, 2)).square().mean())
                .options(Trainer.Options.defaults().withSteps(5).withCheckpoint(ckpt))
                .build()
                .run();
        Npz.Contents c = Npz.read(ckpt);
        Map<String, Tensor> t = new LinkedHashMap<>(c.tensors());
        Map<String, byte[]> b = new LinkedHashMap<>(c.bytes());
        editTensors.accept(t);
        editBytes.accept(b);
        try (OutputStream out = Files.newOutputStream(ckpt)) {
            Npz.write(out, t, b);
        }
        return ckpt;
    }

    /**
     * Resumes a fresh run of the same shape from {@code ckpt}: the error, after checking that
     * nothing changed.
     */
    private String resumeError(Path ckpt) {
        Rng rng = Rng.seeded(1);
        Mlp net = Mlp.builder(2, 4, 1).dtype(DType.FLOAT64).build(rng);
        Adam adam = new Adam(net.parameters(), 1e-2);
        Map<String, double[]> before = new LinkedHashMap<>();
        net.stateDict().forEach((k, v) -> before.put(k, v.toDoubleArray()));
        Map<String, Tensor> optBefore = adam.stateDict();
        byte[] rngBefore = rng.saveState();
        Trainer t =
                Trainer.builder(net, adam, rng)
                        .loss(
                                (s, r) ->
                                        net.forward(Tensor.rand(r, DType.FLOAT64, 8, 2))
                                                .square()
                                                .mean())
                        .options(
                                Trainer.Options.defaults()
                                        .withSteps(10)
                                        .withCheckpoint(ckpt)
                                        .withResume(true))
                        .build();
        IOException e = assertThrows(IOException.class, t::run);
        before.forEach(
                (k, v) -> assertArrayEquals(v, net.stateDict().get(k).toDoubleArray(), 0.0, k));
        assertTrue(adam.stateDict().keySet().equals(optBefore.keySet()), "optimizer unchanged");
        assertArrayEquals(rngBefore, rng.saveState(), "generator unchanged");
        assertTrue(e.getMessage().contains(ckpt.toString()), e.getMessage());
        return e.getMessage();
    }

    private static String firstKey(Map<String, Tensor> m, String prefix) {
        return m.keySet().stream().filter(k -> k.startsWith(prefix)).findFirst().orElseThrow();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "no second moments at all|optim/exp_avg_sq/|incomplete",
                "no moments at all|optim/exp_avg|none of",
                "one parameter's second moment|one:optim/exp_avg_sq/|incomplete"
            })
    void missingOptimiserMomentsAreRefused(String what, String drop, String expected)
            throws IOException {
        Path ckpt =
                edited(
                        t -> {
                            if (drop.startsWith("one:")) {
                                t.remove(firstKey(t, drop.substring(4)));
                            } else {
                                t.keySet().removeIf(k -> k.startsWith(drop));
                            }
                        },
                        b -> {});
        String m = resumeError(ckpt);
        assertTrue(m.contains(expected), m);
    }

    @Test
    void aNegativeStepIsRefused() throws IOException {
        Path ckpt =
                edited(
                        t -> {},
                        b ->
                                b.put(
                                        "meta",
                                        "format=implicit-layers-checkpoint-1\nstep=-3\n"
                                                .getBytes(StandardCharsets.UTF_8)));
        String m = resumeError(ckpt);
        assertTrue(m.contains("step -3") && m.contains(">= 0"), m);
    }

    @Test
    void nonFiniteParametersAreRefused() throws IOException {
        Path ckpt =
                edited(
                        t -> {
                            String k = firstKey(t, "param/");
                            double[] v = t.get(k).toDoubleArray();
                            v[0] = Double.NaN;
                            t.put(k, Tensor.of(t.get(k).dtype(), v, t.get(k).shape()));
                        },
                        b -> {});
        String m = resumeError(ckpt);
        assertTrue(m.contains("NaN or Inf") && m.contains("param/"), m);
    }

    @Test
    void aNegativeOptimiserStepCountIsRefused() throws IOException {
        Path ckpt = edited(t -> t.put("optim/steps", Tensor.scalar(DType.FLOAT64, -2)), b -> {});
        String m = resumeError(ckpt);
        assertTrue(m.contains("'steps'"), m);
    }

    @Test
    void aTruncatedGeneratorStateIsRefused() throws IOException {
        Path ckpt = edited(t -> {}, b -> b.put("rng", new byte[3]));
        String m = resumeError(ckpt);
        assertTrue(m.contains("generator state has 3 bytes"), m);
    }

    @Test
    void unknownEntriesAndMissingParametersAreRefused() throws IOException {
        String m =
                resumeError(edited(t -> t.put("extra", Tensor.scalar(DType.FLOAT64, 1)), b -> {}));
        assertTrue(m.contains("'extra'"), m);
        m = resumeError(edited(t -> t.remove(firstKey(t, "param/")), b -> {}));
        assertTrue(m.contains("missing parameter"), m);
        m = resumeError(edited(t -> t.put("state/x", Tensor.scalar(DType.FLOAT64, 1)), b -> {}));
        assertTrue(m.contains("run state"), m);
    }

    @Test
    void aRunThatDivergesBeforeItsFirstCheckpointSaysThatNoneWasWritten() {
        Rng rng = Rng.seeded(3);
        Mlp net = Mlp.builder(2, 4, 1).dtype(DType.FLOAT64).build(rng);
        Path ckpt = dir.resolve("never.npz");
        Trainer t =
                Trainer.builder(net, new Adam(net.parameters(), 1e-2), rng)
                        .loss(
                                (s, r) ->
                                        net.forward(Tensor.rand(r, DType.FLOAT64, 4, 2))
                                                .mul(Double.NaN)
                                                .mean())
                        .options(Trainer.Options.defaults().withSteps(10).withCheckpoint(ckpt))
                        .build();
        TrainingDivergedException e = assertThrows(TrainingDivergedException.class, t::run);
        assertTrue(
                e.getMessage().contains("step 1")
                        && e.getMessage().contains("no checkpoint was written yet"),
                e.getMessage());
        assertTrue(
                !Files.exists(ckpt) && !Files.exists(RunLock.lockFileOf(ckpt)),
                "nothing left behind");
    }
}
