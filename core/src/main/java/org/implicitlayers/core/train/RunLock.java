package org.implicitlayers.core.train;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;

/**
 * One training run per checkpoint: an exclusive lock on {@code CHECKPOINT.lock}, held by the
 * process that trains. Take it <em>before</em> touching anything of a run (deleting an old
 * checkpoint, truncating logs): a second start in the same folder then fails at once and destroys
 * nothing. The lock file is removed on {@link #close()}, so finished runs leave no lock behind.
 *
 * <p>Within one process the lock is re-entrant (the {@link Trainer} takes it again for a caller
 * that already holds it). Removing the file on release (before unlocking) is safe against a racing
 * process: after locking, a new holder checks that the path still names the file it opened, and
 * tries again if not.
 */
public final class RunLock implements AutoCloseable {
    private static final Map<Path, RunLock> HELD = new HashMap<>();

    private final Path file;
    private final FileChannel channel;
    private final FileLock lock;
    private int holds = 1;

    private RunLock(Path file, FileChannel channel, FileLock lock) {
        this.file = file;
        this.channel = channel;
        this.lock = lock;
    }

    /** The lock file of a checkpoint: the checkpoint's name with {@code .lock} appended. */
    public static Path lockFileOf(Path checkpoint) {
        return checkpoint.resolveSibling(checkpoint.getFileName() + ".lock");
    }

    /**
     * Takes the lock of {@code checkpoint}, creating its folder when missing.
     *
     * @throws IOException naming the checkpoint when another process holds the lock
     */
    public static RunLock acquire(Path checkpoint) throws IOException {
        Path lockFile = lockFileOf(checkpoint).toAbsolutePath().normalize();
        synchronized (HELD) {
            RunLock held = HELD.get(lockFile);
            if (held != null) {
                held.holds++;
                return held;
            }
            Files.createDirectories(lockFile.getParent());
            for (int attempt = 0; attempt < 100; attempt++) {
                // The file is identified by stat before opening and after locking: opening it a
                // second
                // time to compare would release our lock (POSIX locks belong to the process and
                // file).
                Object before = fileKey(lockFile);
                FileChannel ch =
                        FileChannel.open(
                                lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                FileLock l;
                try {
                    l = ch.tryLock();
                } catch (IOException | RuntimeException e) {
                    ch.close();
                    throw e;
                }
                if (l == null) {
                    ch.close();
                    throw new IOException(
                            checkpoint
                                    + ": another training run is using this checkpoint (lock "
                                    + lockFile
                                    + "); wait for it to finish or stop it first");
                }
                Object after = fileKey(lockFile);
                if (after != null && (before == null || before.equals(after))) {
                    RunLock r = new RunLock(lockFile, ch, l);
                    HELD.put(lockFile, r);
                    return r;
                }
                // The previous holder removed the file between our open and our lock: try the new
                // one.
                l.release();
                ch.close();
            }
            throw new IOException(
                    checkpoint
                            + ": could not take the lock "
                            + lockFile
                            + " (it keeps being replaced)");
        }
    }

    /**
     * The file's identity (device and inode on Unix) by stat, without opening it, or null when it
     * does not exist.
     */
    private static Object fileKey(Path path) throws IOException {
        try {
            Object k =
                    Files.readAttributes(path, java.nio.file.attribute.BasicFileAttributes.class)
                            .fileKey();
            return k != null ? k : path;
        } catch (NoSuchFileException gone) {
            return null;
        }
    }

    /** Releases one hold; the last one unlocks and removes the lock file. */
    @Override
    public void close() throws IOException {
        synchronized (HELD) {
            if (--holds > 0) {
                return;
            }
            HELD.remove(file);
            try {
                Files.deleteIfExists(file);
            } finally {
                lock.release();
                channel.close();
            }
        }
    }
}
