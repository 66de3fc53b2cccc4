package org.implicitlayers.core.io;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Writes files so that readers (and a run killed half-way) see either the old file or the complete
 * new one, never a truncated one: the content goes to a temporary file in the same folder ({@code
 * .NAME.*.tmp}), is flushed to disk, and is then renamed over the target. A failure (full disk, no
 * permission, a folder in the way) removes the temporary file and is reported as an {@link
 * IOException} whose message names the target, what failed and why.
 */
public final class AtomicFiles {
    private AtomicFiles() {}

    /** Writes the content of a file to a stream (which the caller does not close). */
    @FunctionalInterface
    public interface Content {
        void writeTo(OutputStream out) throws IOException;
    }

    /** Writes {@code file} atomically from {@code content}; creates missing parent folders. */
    public static void write(Path file, Content content) throws IOException {
        Path abs = file.toAbsolutePath();
        Path dir = abs.getParent();
        String name = abs.getFileName().toString();
        Path tmp;
        try {
            if (Files.isDirectory(abs)) {
                throw new IOException(file + ": cannot write: a folder of that name is in the way");
            }
            Files.createDirectories(dir);
            tmp = Files.createTempFile(dir, "." + name + ".", ".tmp");
            try {
                // Outputs are ordinary files (a temporary file is created private, rw-------).
                Files.setPosixFilePermissions(
                        tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
            } catch (UnsupportedOperationException notPosix) {
                // keep the default permissions
            }
        } catch (FileSystemException e) {
            throw explained(file, "cannot create a file in " + dir, e);
        }
        try {
            try (FileChannel ch =
                            FileChannel.open(
                                    tmp,
                                    StandardOpenOption.WRITE,
                                    StandardOpenOption.TRUNCATE_EXISTING);
                    OutputStream out =
                            new BufferedOutputStream(Channels.newOutputStream(ch), 1 << 16)) {
                content.writeTo(out);
                out.flush();
                ch.force(true);
            } catch (FileSystemException e) {
                throw explained(file, "cannot write", e);
            } catch (IOException e) {
                throw new IOException(file + ": cannot write: " + reason(e), e);
            }
            try {
                Files.move(
                        tmp,
                        abs,
                        StandardCopyOption.ATOMIC_MOVE,
                        StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
            } catch (FileSystemException e) {
                throw explained(file, "cannot replace", e);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Writes a text file atomically, UTF-8 encoded. */
    public static void writeString(Path file, CharSequence text) throws IOException {
        write(file, out -> out.write(text.toString().getBytes(StandardCharsets.UTF_8)));
    }

    /** A message that says what failed on which file and why, instead of a bare path. */
    static IOException explained(Path file, String what, FileSystemException e) {
        return new IOException(file + ": " + what + ": " + reason(e), e);
    }

    /** Why an I/O operation failed, in words (the JDK often gives only the path). */
    public static String reason(IOException e) {
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof NoSuchFileException) {
            return "no such file or folder";
        }
        if (e instanceof FileSystemException f) {
            return f.getReason() != null ? f.getReason() : f.getClass().getSimpleName();
        }
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
    }
}
