package org.implicitlayers.plot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Grid files take any title and are never left half-written. */
class GridFilesTest {
    @TempDir Path dir;

    private static final double[] XS = {0, 0.5, 1}, YS = {0, 1};
    private static final double[][][] U = {{{1, 2}, {3, 4}, {5, Double.NaN}}};

    @Test
    void aNonAsciiTitleIsWrittenAsAsciiAndTheFileIsComplete() throws IOException {
        Path vtk = dir.resolve("solution.vtk");
        GridFiles.writeVtk(vtk, "Pöisson \u03a9\nline", XS, YS, new String[] {"u"}, U);
        byte[] bytes = Files.readAllBytes(vtk);
        for (byte b : bytes) {
            assertTrue(b >= 0, "ASCII only");
        }
        List<String> lines = Files.readAllLines(vtk, StandardCharsets.US_ASCII);
        assertEquals("P?isson ??line", lines.get(1));
        assertEquals(
                6,
                lines.stream().filter(l -> l.matches("-?[0-9.e+-]+|nan")).count(),
                "every grid value");
    }

    @Test
    void aFailedWriteLeavesNoPartialFile() throws IOException {
        Path folder = dir.resolve("solution.csv");
        Files.createDirectory(folder);
        IOException e =
                assertThrows(
                        IOException.class,
                        () -> GridFiles.writeCsv(folder, XS, YS, new String[] {"u"}, U));
        assertTrue(e.getMessage().contains(folder.toString()), e.getMessage());
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(List.of("solution.csv"), s.map(p -> p.getFileName().toString()).toList());
        }
    }
}
