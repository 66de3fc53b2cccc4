package org.implicitlayers.core.train;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.implicitlayers.core.Rng;
import org.implicitlayers.core.Tensor;
import org.implicitlayers.core.io.AtomicFiles;
import org.implicitlayers.core.io.Npz;
import org.implicitlayers.core.nn.Module;
import org.implicitlayers.core.optim.Optimizer;

/**
 * A training checkpoint: the parameters, the optimiser state, the generator state, the step and any
 * further {@link RunState} of the run, in one npz archive ({@code param/...}, {@code optim/...},
 * {@code state/...}, {@code rng}, {@code meta}) that NumPy can open. A run of several {@link
 * Stage}s also records the stage it is in ({@code stage} and {@code stage_step} in the meta entry;
 * 0 for the first-order optimiser's) and that stage's state ({@code stage/...}). Written
 * atomically: to a temporary file in the same folder, flushed to disk, then renamed over the old
 * one, so a crash leaves either the old or the new checkpoint, never half.
 */
public record Checkpoint(
        long step,
        Map<String, Tensor> params,
        Map<String, Tensor> optimizer,
        byte[] rngState,
        Map<String, Tensor> state,
        int stage,
        long stageStep,
        Map<String, Tensor> stageState) {
    static final String FORMAT = "implicit-layers-checkpoint-1";

    /** Captures the current state of a run without further state. */
    public static Checkpoint of(long step, Module model, Optimizer optimizer, Rng rng) {
        return of(step, model, optimizer, rng, null);
    }

    /** Captures the current state of a run, including {@code runState} (null: none). */
    public static Checkpoint of(
            long step, Module model, Optimizer optimizer, Rng rng, RunState runState) {
        return new Checkpoint(
                step,
                model.stateDict(),
                optimizer.stateDict(),
                rng.saveState(),
                runState == null ? Map.of() : runState.save(),
                0,
                0,
                Map.of());
    }

    /**
     * This checkpoint placed in stage {@code stage} (1 for the first {@link Stage} after the
     * optimiser's), step {@code stageStep} of it.
     */
    public Checkpoint inStage(int stage, long stageStep, Map<String, Tensor> stageState) {
        return new Checkpoint(
                step, params, optimizer, rngState, state, stage, stageStep, stageState);
    }

    /** Writes atomically to {@code file}. */
    public void save(Path file) throws IOException {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        params.forEach((k, v) -> tensors.put("param/" + k, v));
        optimizer.forEach((k, v) -> tensors.put("optim/" + k, v));
        state.forEach((k, v) -> tensors.put("state/" + k, v));
        stageState.forEach((k, v) -> tensors.put("stage/" + k, v));
        String meta =
                "format="
                        + FORMAT
                        + "\nstep="
                        + step
                        + "\n"
                        + (stage == 0 && stageStep == 0
                                ? ""
                                : "stage=" + stage + "\nstage_step=" + stageStep + "\n");
        Map<String, byte[]> bytes = new LinkedHashMap<>();
        bytes.put("rng", rngState);
        bytes.put("meta", meta.getBytes(StandardCharsets.UTF_8));
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        String prefix = file.getFileName().toString();
        // Temporary files of writes interrupted by a kill: nothing else writes these names.
        try (var stale =
                Files.newDirectoryStream(dir, "{" + prefix + "*.tmp,." + prefix + ".*.tmp}")) {
            for (Path p : stale) {
                Files.deleteIfExists(p);
            }
        }
        AtomicFiles.write(file, out -> Npz.write(out, tensors, bytes));
    }

    /**
     * Reads a checkpoint completely. A truncated, corrupt or foreign file is an {@link IOException}
     * that names the file and the problem.
     */
    public static Checkpoint load(Path file) throws IOException {
        Npz.Contents c = Npz.read(file);
        byte[] meta = c.bytes().get("meta");
        byte[] rng = c.bytes().get("rng");
        if (meta == null || rng == null) {
            throw new IOException(
                    file + ": not a training checkpoint (entries 'meta' and 'rng' are missing)");
        }
        Map<String, String> m = new LinkedHashMap<>();
        for (String line : new String(meta, StandardCharsets.UTF_8).split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                m.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        if (!FORMAT.equals(m.get("format"))) {
            throw new IOException(
                    file
                            + ": checkpoint format '"
                            + m.get("format")
                            + "', expected '"
                            + FORMAT
                            + "'");
        }
        long step;
        try {
            step = Long.parseLong(m.get("step"));
        } catch (NumberFormatException e) {
            throw new IOException(
                    file + ": checkpoint step '" + m.get("step") + "' is not a number", e);
        }
        if (step < 0) {
            throw new IOException(file + ": checkpoint step " + step + ": expected a step >= 0");
        }
        long stage, stageStep;
        try {
            stage = Long.parseLong(m.getOrDefault("stage", "0"));
            stageStep = Long.parseLong(m.getOrDefault("stage_step", "0"));
        } catch (NumberFormatException e) {
            throw new IOException(
                    file
                            + ": checkpoint stage '"
                            + m.get("stage")
                            + "' or stage_step '"
                            + m.get("stage_step")
                            + "' is not a number",
                    e);
        }
        if (stage < 0 || stage > 1000 || stageStep < 0) {
            throw new IOException(
                    file
                            + ": checkpoint stage "
                            + stage
                            + ", stage_step "
                            + stageStep
                            + ": expected whole numbers >= 0");
        }
        Map<String, Tensor> params = new LinkedHashMap<>(),
                optim = new LinkedHashMap<>(),
                state = new LinkedHashMap<>(),
                stageState = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> e : c.tensors().entrySet()) {
            String k = e.getKey();
            Map<String, Tensor> group =
                    k.startsWith("param/")
                            ? params
                            : k.startsWith("optim/")
                                    ? optim
                                    : k.startsWith("state/")
                                            ? state
                                            : k.startsWith("stage/") ? stageState : null;
            if (group == null) {
                throw new IOException(
                        file
                                + ": checkpoint entry '"
                                + k
                                + "': expected param/..., optim/..., state/..., stage/..., rng or meta");
            }
            Tensor v = e.getValue();
            if (!finite(v)) {
                throw new IOException(file + ": checkpoint entry '" + k + "' contains NaN or Inf");
            }
            group.put(k.substring(6), v);
        }
        if (params.isEmpty()) {
            throw new IOException(file + ": checkpoint holds no parameters (entries param/...)");
        }
        return new Checkpoint(step, params, optim, rng, state, (int) stage, stageStep, stageState);
    }

    private static boolean finite(Tensor t) {
        for (double v : t.toDoubleArray()) {
            if (!Double.isFinite(v)) {
                return false;
            }
        }
        return true;
    }

    /**
     * As {@link #restore(Path, Module, Optimizer, Rng, RunState)} for a run without further state.
     */
    public void restore(Path file, Module model, Optimizer opt, Rng rng) throws IOException {
        restore(file, model, opt, rng, null);
    }

    /**
     * Restores model, optimiser, generator and the run's further state. Everything is validated
     * (names, shapes, dtypes, the optimiser's moments for every parameter, the generator state's
     * length, the run state's entries); on any mismatch an {@link IOException} naming the file and
     * the entry is thrown and nothing changes.
     *
     * @param runState the run's further state, or null when it has none (then the checkpoint must
     *     hold none)
     */
    public void restore(Path file, Module model, Optimizer opt, Rng rng, RunState runState)
            throws IOException {
        if (runState == null && !state.isEmpty()) {
            throw new IOException(
                    file
                            + ": checkpoint holds run state "
                            + state.keySet()
                            + " that this run does not have");
        }
        if (rngState.length != rng.saveState().length) {
            throw new IOException(
                    file
                            + ": checkpoint generator state has "
                            + rngState.length
                            + " bytes, expected "
                            + rng.saveState().length);
        }
        Map<String, Tensor> stateBefore = runState == null ? null : runState.save();
        Map<String, Tensor> savedParams = new LinkedHashMap<>();
        Map<String, Tensor> before = model.stateDict();
        Map<String, Tensor> optBefore = opt.stateDict();
        byte[] rngBefore = rng.saveState();
        try {
            params.forEach(
                    (k, v) ->
                            savedParams.put(
                                    k,
                                    v.to(
                                            before.containsKey(k)
                                                    ? before.get(k).backend()
                                                    : v.backend())));
            model.loadStateDict(savedParams);
            opt.loadStateDict(optimizer);
            rng.restoreState(rngState);
            if (runState != null) {
                runState.restore(state);
            }
        } catch (RuntimeException e) {
            // Roll back whatever was applied before the failure.
            model.loadStateDict(before);
            opt.loadStateDict(optBefore);
            rng.restoreState(rngBefore);
            if (runState != null) {
                runState.restore(stateBefore);
            }
            throw new IOException(
                    file + ": checkpoint does not fit this run: " + e.getMessage(), e);
        }
    }
}
