package org.implicitlayers.examples.cli;

import java.io.IOException;
import java.nio.file.Path;
import org.implicitlayers.core.backend.jvm.JvmBackend;
import org.implicitlayers.core.train.RunContext;
import picocli.CommandLine.Option;

/**
 * The options every training command shares (a picocli mixin: {@code @Mixin RunOptions run;}), with
 * one name and one meaning everywhere: {@code --out}, {@code --seed}, {@code --threads}, {@code
 * --resume} and {@code --quiet}. {@link #open} starts the job in its output folder ({@link
 * RunContext}: the lock before anything is touched).
 */
final class RunOptions {
    @Option(
            names = "--out",
            paramLabel = "DIR",
            description = "Output folder (default: out/<command>/<name of the problem or data>).")
    Path out;

    @Option(
            names = "--seed",
            description =
                    "Random seed: initialisation and sampling (default: 0; for ritz, the problem file's if it sets one).")
    Long seed;

    @Option(
            names = "--threads",
            defaultValue = "2",
            description = "Kernel threads (default: ${DEFAULT-VALUE}).")
    int threads;

    @Option(
            names = "--resume",
            description =
                    "Continue from the checkpoint in the output folder (from step 0 when there is none).")
    boolean resume;

    @Option(names = "--quiet", description = "No progress bar.")
    boolean quiet;

    /** The output folder: {@code --out}, else {@code fallback}. */
    Path out(Path fallback) {
        return out != null ? out : fallback;
    }

    /** The seed: {@code --seed}, else {@code fallback}. */
    long seed(long fallback) {
        return seed != null ? seed : fallback;
    }

    /**
     * Checks {@code --threads} and sets the kernel threads; call before anything else of the
     * command.
     */
    void applyThreads() {
        if (threads < 1) {
            throw new IllegalArgumentException("--threads must be >= 1, got " + threads);
        }
        JvmBackend.setThreads(threads);
    }

    /**
     * Starts the job in {@code --out} (else {@code fallback}): the run lock first; then, without
     * {@code --resume}, the previous checkpoint there is removed; with it and no checkpoint, {@code
     * command} says so on stderr.
     */
    RunContext open(Path fallback, String command) throws IOException {
        return open(fallback, command, null);
    }

    /**
     * As {@link #open(Path, String)}, refusing to resume a checkpoint of a job other than {@code
     * identity} (see {@link RunContext}).
     */
    RunContext open(Path fallback, String command, String identity) throws IOException {
        RunContext run =
                RunContext.open(
                        out(fallback), resume, identity == null ? null : command + ": " + identity);
        if (resume && !run.resumable()) {
            System.err.println(
                    command
                            + ": --resume: no checkpoint in "
                            + run.folder()
                            + "; starting from step 0");
        }
        return run;
    }
}
