package org.implicitlayers.core.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A failed write leaves the old file and no temporary file; errors say what failed, where and why.
 */
class AtomicFilesTest {
    @TempDir Path dir;

    @Test
    void aWriteThatFailsHalfWayLeavesTheOldFileWhole() throws IOException {
        Path f = dir.resolve("out.png");
        AtomicFiles.writeString(f, "old content");
        IOException e =
                assertThrows(
                        IOException.class,
                        () ->
                                AtomicFiles.write(
                                        f,
                                        out -> {
                                            out.write("half of the new".getBytes());
                                            throw new IOException("No space left on device");
                                        }));
        assertTrue(
                e.getMessage().contains(f.toString())
                        && e.getMessage().contains("cannot write")
                        && e.getMessage().contains("No space left on device"),
                e.getMessage());
        assertEquals("old content", Files.readString(f));
        try (var files = Files.list(dir)) {
            assertEquals(
                    List.of("out.png"),
                    files.map(p -> p.getFileName().toString()).toList(),
                    "no temporary file left");
        }
    }

    @Test
    void errorsNameTheFileAndTheReason() throws IOException {
        Path folder = dir.resolve("solution.vtk");
        Files.createDirectory(folder);
        IOException e = assertThrows(IOException.class, () -> AtomicFiles.writeString(folder, "x"));
        assertTrue(e.getMessage().contains("folder of that name"), e.getMessage());
        Path underFile = dir.resolve("plain").resolve("x.csv");
        Files.writeString(dir.resolve("plain"), "a file, not a folder");
        e = assertThrows(IOException.class, () -> AtomicFiles.writeString(underFile, "x"));
        assertTrue(
                e.getMessage().startsWith(underFile.toString())
                        && e.getMessage().contains("cannot create"),
                e.getMessage());
    }
}
