package org.implicitlayers.core.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The life of one long job in its output folder, the same for every application (Deep Ritz, the
 * neural ODE fits, SDF fits, the demos, the workbenches and a sweep's runs):
 *
 * <ol>
 *   <li>{@link #open} takes the folder's run lock <em>before</em> anything in it is touched, so a
 *       second job started into the folder of a running one is refused at once and destroys
 *       nothing; only then, unless resuming, is the previous run's checkpoint removed;
 *   <li>the job trains with {@link #checkpoint()} and {@link #resume()} (a {@link Trainer} takes
 *       both, and the cancel request and callbacks, through {@link Trainer.Builder#context});
 *   <li>a Ctrl-C, a Cancel button or a deadline calls {@link #cancel()} from any thread, before or
 *       during training: the trainer stops after its current step and writes its checkpoint;
 *   <li>the job writes its outputs as one {@link OutputSet} (all files, or on a failure none);
 *   <li>{@link #close()} releases the lock and, when the job created the folder and left nothing in
 *       it (a refused job), removes the folder again.
 * </ol>
 *
 * <pre>{@code
 * try (RunContext run = RunContext.open(out, resume)) {
 *     Trainer t = Trainer.builder(model, adam, rng).loss(...).options(opts).context(run).build();
 *     Trainer.Result r = t.run();
 *     try (OutputSet files = run.outputs()) {
 *         Npz.write(files.path("params.npz"), model.stateDict());
 *         files.commit();
 *     }
 * }
 * }</pre>
 */
public final class RunContext implements AutoCloseable {
    /** The checkpoint's name in the output folder. */
    public static final String CHECKPOINT = "checkpoint.npz";

    /** What the folder's checkpoint belongs to (see {@link #open(Path, boolean, String)}). */
    public static final String IDENTITY = "run-identity.txt";

    private final Path folder;
    private final boolean resume;

    /**
     * The topmost folder that {@link #open} created (null: none), removed again on close when the
     * job left nothing.
     */
    private final Path createdFolder;

    private final RunLock lock;
    private final CancelRequest cancel = new CancelRequest();
    private final List<Runnable> onCancel = new ArrayList<>();
    private final List<TrainingCallback> callbacks = new ArrayList<>();

    private RunContext(Path folder, boolean resume, Path createdFolder, RunLock lock) {
        this.folder = folder;
        this.resume = resume;
        this.createdFolder = createdFolder;
        this.lock = lock;
    }

    /**
     * Starts a job in {@code folder} (created when missing): takes the run lock first, then, when
     * not resuming, removes the checkpoint of a previous run there.
     *
     * @throws IOException naming the folder's checkpoint when another job holds the lock (nothing
     *     is changed then), or naming the file that could not be created or removed
     */
    public static RunContext open(Path folder, boolean resume) throws IOException {
        return open(folder, resume, null);
    }

    /**
     * As {@link #open(Path, boolean)}, for a job that says what it is: {@code identity} names what
     * a checkpoint of it can continue (the problem, the model, the method; not the step count,
     * which a resumed run may raise). It is kept beside the checkpoint in {@value #IDENTITY};
     * resuming from a checkpoint of a different job is refused, naming both, before anything is
     * changed (without this, a resumed run of another problem took the folder's network as its
     * start and overwrote that run's outputs). A checkpoint without the file (an older one) is
     * accepted.
     *
     * @param identity one line describing the job, or null for no check
     */
    public static RunContext open(Path folder, boolean resume, String identity) throws IOException {
        if (Files.exists(folder) && !Files.isDirectory(folder)) {
            throw new IOException(folder + ": not a folder (the output folder of a run)");
        }
        Path created = null;
        for (Path p = folder.toAbsolutePath().normalize();
                p != null && !Files.exists(p);
                p = p.getParent()) {
            created = p;
        }
        Path ckpt = folder.resolve(CHECKPOINT);
        RunLock lock;
        try {
            lock = RunLock.acquire(ckpt);
        } catch (IOException e) {
            removeIfEmpty(folder, created);
            throw e;
        }
        RunContext run = new RunContext(folder, resume, created, lock);
        // Output sets of a job killed while writing them: never committed, so nothing reads them.
        try (Stream<Path> stale = Files.list(folder)) {
            for (Path p :
                    stale.filter(p -> p.getFileName().toString().startsWith(".staging-"))
                            .toList()) {
                try (OutputSet old = OutputSet.adopt(folder, p)) {
                    // closing removes it
                }
            }
        }
        if (identity != null) {
            Path idFile = folder.resolve(IDENTITY);
            String id = identity.strip();
            if (resume && Files.exists(ckpt) && Files.exists(idFile)) {
                String there = Files.readString(idFile).strip();
                if (!there.equals(id)) {
                    run.close();
                    throw new IOException(
                            ckpt
                                    + ": --resume: this checkpoint belongs to another run ("
                                    + there
                                    + "), not to this one ("
                                    + id
                                    + "); nothing was changed. Resume it with the same problem and settings, or choose another output folder");
                }
            }
        }
        if (!resume) {
            try {
                Files.deleteIfExists(ckpt);
            } catch (IOException e) {
                run.close();
                throw new IOException(
                        ckpt
                                + ": cannot remove the previous run's checkpoint: "
                                + org.implicitlayers.core.io.AtomicFiles.reason(e),
                        e);
            }
        }
        if (identity != null) {
            try {
                org.implicitlayers.core.io.AtomicFiles.writeString(
                        folder.resolve(IDENTITY), identity.strip() + "\n");
            } catch (IOException e) {
                run.close();
                throw new IOException(
                        folder.resolve(IDENTITY)
                                + ": cannot write: "
                                + org.implicitlayers.core.io.AtomicFiles.reason(e),
                        e);
            }
        }
        return run;
    }

    /** The output folder. */
    public Path folder() {
        return folder;
    }

    /** A file of the run's folder. */
    public Path file(String name) {
        return folder.resolve(name);
    }

    /** The checkpoint file ({@link #CHECKPOINT} in the folder). */
    public Path checkpoint() {
        return folder.resolve(CHECKPOINT);
    }

    /** Whether the job was asked to continue from the folder's checkpoint. */
    public boolean resume() {
        return resume;
    }

    /** Whether there is a checkpoint to continue from: {@link #resume()} and the file exists. */
    public boolean resumable() {
        return resume && Files.exists(checkpoint());
    }

    /**
     * Asks the job to stop (thread-safe, idempotent): the trainer after its current step, and every
     * {@link #onCancel} action.
     */
    public void cancel() {
        List<Runnable> actions;
        synchronized (onCancel) {
            actions = List.copyOf(onCancel);
        }
        cancel.cancel();
        actions.forEach(Runnable::run);
    }

    /** Whether {@link #cancel()} was called. */
    public boolean cancelled() {
        return cancel.requested();
    }

    /** The request that {@link Trainer.Builder#context} hands each trainer of this job. */
    public CancelRequest cancelRequest() {
        return cancel;
    }

    /**
     * Also runs {@code action} on {@link #cancel()} (at once when the job is cancelled already),
     * e.g. a solver's own cancel.
     */
    public RunContext onCancel(Runnable action) {
        synchronized (onCancel) {
            onCancel.add(action);
        }
        if (cancelled()) {
            action.run();
        }
        return this;
    }

    /**
     * Adds a callback (progress, logs) that every trainer of this job calls, in the order added.
     */
    public RunContext callback(TrainingCallback cb) {
        callbacks.add(cb);
        return this;
    }

    /** The callbacks added so far. */
    public List<TrainingCallback> callbacks() {
        return List.copyOf(callbacks);
    }

    /** {@code base} with this run's checkpoint file and resume flag. */
    public Trainer.Options trainerOptions(Trainer.Options base) {
        return base.withCheckpoint(checkpoint()).withResume(resume);
    }

    /**
     * A set of output files of this job, written under temporary names and moved into the folder
     * together by {@link OutputSet#commit()}.
     */
    public OutputSet outputs() throws IOException {
        return OutputSet.in(folder);
    }

    /** Releases the lock; a folder this job created and left empty is removed. */
    @Override
    public void close() throws IOException {
        try {
            lock.close();
        } finally {
            removeIfEmpty(folder, createdFolder);
        }
    }

    /**
     * Removes {@code folder} and its parents up to {@code top} (null: none) while they are empty.
     */
    private static void removeIfEmpty(Path folder, Path top) {
        if (top == null) {
            return;
        }
        for (Path p = folder.toAbsolutePath().normalize();
                p != null && p.startsWith(top);
                p = p.getParent()) {
            try (Stream<Path> s = Files.list(p)) {
                if (s.findAny().isPresent()) {
                    return;
                }
                Files.deleteIfExists(p);
            } catch (IOException e) {
                return; // keep it: it cannot be read or removed
            }
        }
    }
}
