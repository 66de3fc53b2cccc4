package org.implicitlayers.core.train;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;
import org.implicitlayers.core.Rng;
import org.implicitlayers.core.Tensor;
import org.implicitlayers.core.io.Npz;
import org.implicitlayers.core.nn.Module;
import org.implicitlayers.core.optim.Optimizer;

/**
 * A training checkpoint: the parameters, the optimiser state, the generator state and the step,
 * in one npz archive ({@code param/...}, {@code optim/...}, {@code rng}, {@code meta}) that NumPy
 * can open. Written atomically: to a temporary file in the same folder, flushed to disk, then
 * renamed over the old one, so a crash leaves either the old or the new checkpoint, never half.
 */
public record Checkpoint(long step, Map<String, Tensor> params, Map<String, Tensor> optimizer, byte[] rngState) {
    static final String FORMAT = "implicit-layers-checkpoint-1";

    /** Captures the current state of a run. */
    public static Checkpoint of(long step, Module model, Optimizer optimizer, Rng rng) {
        return new Checkpoint(step, model.stateDict(), optimizer.stateDict(), rng.saveState());
    }

    /** Writes atomically to {@code file}. */
    public void save(Path file) throws IOException {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        params.forEach((k, v) -> tensors.put("param/" + k, v));
        optimizer.forEach((k, v) -> tensors.put("optim/" + k, v));
        String meta = "format=" + FORMAT + "\nstep=" + step + "\n";
        Map<String, byte[]> bytes = new LinkedHashMap<>();
        bytes.put("rng", rngState);
        bytes.put("meta", meta.getBytes(StandardCharsets.UTF_8));
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        String prefix = file.getFileName().toString();
        // Temporary files of writes interrupted by a kill: nothing else writes these names.
        try (var stale = Files.newDirectoryStream(dir, prefix + "*.tmp")) {
            for (Path p : stale) {
                Files.deleteIfExists(p);
            }
        }
        Path tmp = Files.createTempFile(dir, prefix, ".tmp");
        try {
            Files.setPosixFilePermissions(tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        } catch (UnsupportedOperationException notPosix) {
            // keep the default permissions
        }
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
                 OutputStream out = Channels.newOutputStream(ch)) {
                Npz.write(out, tensors, bytes);
                ch.force(true);
            }
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
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
            throw new IOException(file + ": not a training checkpoint (entries 'meta' and 'rng' are missing)");
        }
        Map<String, String> m = new LinkedHashMap<>();
        for (String line : new String(meta, StandardCharsets.UTF_8).split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                m.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        if (!FORMAT.equals(m.get("format"))) {
            throw new IOException(file + ": checkpoint format '" + m.get("format") + "', expected '" + FORMAT + "'");
        }
        long step;
        try {
            step = Long.parseLong(m.get("step"));
        } catch (NumberFormatException e) {
            throw new IOException(file + ": checkpoint step '" + m.get("step") + "' is not a number", e);
        }
        Map<String, Tensor> params = new LinkedHashMap<>(), optim = new LinkedHashMap<>();
        c.tensors().forEach((k, v) -> {
            if (k.startsWith("param/")) {
                params.put(k.substring(6), v);
            } else if (k.startsWith("optim/")) {
                optim.put(k.substring(6), v);
            }
        });
        return new Checkpoint(step, params, optim, rng);
    }

    /**
     * Restores model, optimiser and generator. Everything is validated first (names, shapes,
     * dtypes); on any mismatch an {@link IOException} naming the file is thrown and nothing changes.
     */
    public void restore(Path file, Module model, Optimizer opt, Rng rng) throws IOException {
        Map<String, Tensor> savedParams = new LinkedHashMap<>();
        Map<String, Tensor> before = model.stateDict();
        Map<String, Tensor> optBefore = opt.stateDict();
        byte[] rngBefore = rng.saveState();
        try {
            params.forEach((k, v) -> savedParams.put(k, v.to(before.containsKey(k) ? before.get(k).backend() : v.backend())));
            model.loadStateDict(savedParams);
            opt.loadStateDict(optimizer);
            rng.restoreState(rngState);
        } catch (RuntimeException e) {
            // Roll back whatever was applied before the failure.
            model.loadStateDict(before);
            opt.loadStateDict(optBefore);
            rng.restoreState(rngBefore);
            throw new IOException(file + ": checkpoint does not fit this run: " + e.getMessage(), e);
        }
    }
}
