package org.implicitlayers.core.train;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.implicitlayers.core.io.AtomicFiles;

/**
 * The output files of one run, written as a set: each writer writes to {@link #path(String)}, a
 * file in a staging folder next to the outputs ({@code .staging-*} in the same folder, so on the
 * same file system), and {@link #commit()} moves them all into place by renames, which need no free
 * space. A failure before the commit (a full disk, a plot that cannot be drawn) leaves the folder
 * with the previous set of outputs, untouched, instead of a mixture of old and new files; {@link
 * #close()} removes what was staged. Every error names the output file.
 */
public final class OutputSet implements AutoCloseable {
    private final Path folder;
    private final Path staging;
    private final Map<String, Path> staged = new LinkedHashMap<>();
    private final List<String> committed = new ArrayList<>();
    private boolean done;

    private OutputSet(Path folder, Path staging) {
        this.folder = folder;
        this.staging = staging;
    }

    /** A new set of outputs of {@code folder} (created when missing). */
    public static OutputSet in(Path folder) throws IOException {
        try {
            Files.createDirectories(folder);
            return new OutputSet(folder, Files.createTempDirectory(folder, ".staging-"));
        } catch (IOException e) {
            throw new IOException(
                    folder
                            + ": cannot create the output folder or a staging folder in it: "
                            + AtomicFiles.reason(e),
                    e);
        }
    }

    /**
     * The staging folder {@code staging} of a set that was never committed, to be removed by {@link
     * #close()}.
     */
    static OutputSet adopt(Path folder, Path staging) {
        return new OutputSet(folder, staging);
    }

    /**
     * Where to write the output {@code name} (a plain file name): a path in the staging folder. The
     * file appears in the output folder on {@link #commit()}.
     */
    public Path path(String name) {
        if (done) {
            throw new IllegalStateException(
                    "outputs of " + folder + " already committed or discarded");
        }
        if (name.isEmpty() || name.contains("/") || name.contains("\\") || name.startsWith(".")) {
            throw new IllegalArgumentException("output '" + name + "': expected a plain file name");
        }
        return staged.computeIfAbsent(name, staging::resolve);
    }

    /** The output {@code name} as it will be after the commit. */
    public Path finalPath(String name) {
        return folder.resolve(name);
    }

    /**
     * Rewrites an I/O error of a staged file so that it names the output file instead of the
     * staging path.
     */
    public IOException named(String name, IOException e) {
        String m =
                e.getMessage() == null
                        ? AtomicFiles.reason(e)
                        : e.getMessage().replace(staging.resolve(name).toString(), "");
        return new IOException(finalPath(name) + ": " + m.replaceFirst("^: ", ""), e);
    }

    /**
     * Moves every staged file that was written into the output folder, replacing the old ones, and
     * returns their names in the order they were asked for. A file asked for but not written is an
     * error naming it (nothing is moved then).
     */
    public List<String> commit() throws IOException {
        for (Map.Entry<String, Path> e : staged.entrySet()) {
            if (!Files.isRegularFile(e.getValue())) {
                throw new IOException(
                        finalPath(e.getKey())
                                + ": was not written (nothing of this run's outputs was replaced)");
            }
        }
        for (Map.Entry<String, Path> e : staged.entrySet()) {
            Path target = finalPath(e.getKey());
            try {
                try {
                    Files.move(
                            e.getValue(),
                            target,
                            StandardCopyOption.ATOMIC_MOVE,
                            StandardCopyOption.REPLACE_EXISTING);
                } catch (AtomicMoveNotSupportedException notAtomic) {
                    Files.move(e.getValue(), target, StandardCopyOption.REPLACE_EXISTING);
                }
            } catch (IOException ex) {
                throw new IOException(
                        target + ": cannot move into place: " + AtomicFiles.reason(ex), ex);
            }
            committed.add(e.getKey());
        }
        done = true;
        return List.copyOf(committed);
    }

    /**
     * Removes the staging folder and whatever is left in it (everything, when {@link #commit()} was
     * not reached).
     */
    @Override
    public void close() throws IOException {
        done = true;
        if (!Files.exists(staging)) {
            return;
        }
        try (Stream<Path> s = Files.walk(staging)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
