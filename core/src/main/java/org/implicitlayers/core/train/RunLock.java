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
 * that already holds it). Removing the file on release is safe against a racing process: after
 * locking, the holder checks that the path still names the file it locked, and tries again if not.
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
                FileChannel ch = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.READ);
                FileLock l;
                try {
                    l = ch.tryLock();
                } catch (IOException | RuntimeException e) {
                    ch.close();
                    throw e;
                }
                if (l == null) {
                    ch.close();
                    throw new IOException(checkpoint + ": another training run is using this checkpoint (lock " + lockFile
                            + "); wait for it to finish or stop it first");
                }
                if (sameFile(ch, lockFile)) {
                    RunLock r = new RunLock(lockFile, ch, l);
                    HELD.put(lockFile, r);
                    return r;
                }
                // The previous holder removed the file between our open and our lock: try the new one.
                l.release();
                ch.close();
            }
            throw new IOException(checkpoint + ": could not take the lock " + lockFile + " (it keeps being replaced)");
        }
    }

    /**
     * Whether the path still names the file whose channel we locked: we write a token of our own
     * into the locked file and read it back through the path.
     */
    private static boolean sameFile(FileChannel ch, Path path) throws IOException {
        byte[] token = (ProcessHandle.current().pid() + ":" + System.nanoTime() + ":" + TOKENS.incrementAndGet() + "\n")
                .getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        ch.truncate(0);
        ch.write(java.nio.ByteBuffer.wrap(token), 0);
        try {
            return java.util.Arrays.equals(Files.readAllBytes(path), token);
        } catch (NoSuchFileException gone) {
            return false;
        }
    }

    private static final java.util.concurrent.atomic.AtomicLong TOKENS = new java.util.concurrent.atomic.AtomicLong();

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
