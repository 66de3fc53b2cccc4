package org.implicitlayers.sdf.io;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every file of the bad corpus fails with a message naming the file, the place and the expectation.
 */
class ReaderErrorsTest {
    static Stream<Arguments> corpus() {
        return Stream.of(
                Arguments.of("empty.xyz", new String[] {"empty.xyz: the file is empty"}),
                Arguments.of(
                        "short.ply",
                        new String[] {"short.ply:10:", "promises 10 vertices", "ends after 3"}),
                Arguments.of(
                        "billion.ply",
                        new String[] {
                            "billion.ply: byte offset", "1000000000 vertex", "36 after the header"
                        }),
                Arguments.of("nan.xyz", new String[] {"nan.xyz:3:", "y is NaN", "finite"}),
                Arguments.of(
                        "header.xyz",
                        new String[] {
                            "header.xyz:1:",
                            "x: expected a number, found 'x'",
                            "a header line must start with #"
                        }),
                Arguments.of(
                        "face-range.off",
                        new String[] {"face-range.off:6:", "index 2 is 3", "0..2"}),
                Arguments.of(
                        "face-range.ply",
                        new String[] {"face-range.ply:13:", "face 0 vertex index 2 is 7", "0..2"}),
                Arguments.of(
                        "face-range.obj",
                        new String[] {"face-range.obj:4:", "face vertex 3 is 4", "1..3"}),
                Arguments.of(
                        "unknown-type.ply",
                        new String[] {
                            "unknown-type.ply:4:", "unknown PLY type 'float128'", "expected char"
                        }),
                Arguments.of(
                        "binary-as-ascii.ply",
                        new String[] {
                            "binary-as-ascii.ply:8:", "expected ASCII numbers", "binary"
                        }),
                Arguments.of(
                        "bad-number.obj",
                        new String[] {"bad-number.obj:4:", "v z: expected a number, found 'zero'"}),
                Arguments.of(
                        "nan-binary.ply",
                        new String[] {"nan-binary.ply: byte offset 139", "vertex 1 y is NaN"}),
                Arguments.of(
                        "no-magic.ply",
                        new String[] {"no-magic.ply:1:", "expected the magic word 'ply'"}),
                Arguments.of(
                        "too-few.ply",
                        new String[] {
                            "too-few.ply:4:",
                            "declares 3 vertex",
                            "2 more lines of data (from line 12)",
                            "correct the counts"
                        }),
                Arguments.of(
                        "truncated.stl",
                        new String[] {"truncated.stl: byte offset 80", "1000000 triangles"}));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void badFilesFailWithPreciseMessages(String name, String[] expected) throws URISyntaxException {
        Path file = Path.of(getClass().getResource("/bad/" + name).toURI());
        FormatException e = assertThrows(FormatException.class, () -> GeometryReader.read(file));
        for (String s : expected) {
            assertTrue(
                    e.getMessage().contains(s),
                    "message '" + e.getMessage() + "' should contain '" + s + "'");
        }
    }

    @org.junit.jupiter.api.Test
    void aBinaryPlyWithMoreDataThanItsHeaderDeclaresIsRefusedNamingTheCounts(
            @org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        String header =
                "ply\nformat binary_little_endian 1.0\nelement vertex 2\nproperty float x\nproperty float y\nproperty float z\nend_header\n";
        java.nio.ByteBuffer b =
                java.nio.ByteBuffer.allocate(header.length() + 4 * 12)
                        .order(java.nio.ByteOrder.LITTLE_ENDIAN);
        b.put(header.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        for (int i = 0; i < 12; i++) {
            b.putFloat(i);
        }
        Path f = dir.resolve("four-points-two-declared.ply");
        java.nio.file.Files.write(f, b.array());
        FormatException e = assertThrows(FormatException.class, () -> GeometryReader.read(f));
        assertTrue(
                e.getMessage().contains("declares 2 vertex")
                        && e.getMessage().contains("24 more bytes"),
                e.getMessage());
    }
}
