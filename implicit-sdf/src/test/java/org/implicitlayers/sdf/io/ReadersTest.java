package org.implicitlayers.sdf.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each format reads back the points, normals and triangles written into it by hand. */
class ReadersTest {
    @TempDir Path dir;

    static final double[] P = {0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1};
    static final double[] N = {0, 0, -1, 1, 0, 0, 0, 1, 0, 0, 0, 1};

    /** A quad (0 1 2 3 -> two triangles) and a triangle. */
    static final int[] TRI = {0, 1, 2, 0, 2, 3, 1, 2, 3};

    private Path write(String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text);
    }

    private static byte[] binaryPly(ByteOrder order) {
        String header =
                "ply\nformat "
                        + (order == ByteOrder.LITTLE_ENDIAN
                                ? "binary_little_endian"
                                : "binary_big_endian")
                        + " 1.0\ncomment extra properties must be skipped\nelement vertex 4\nproperty float x\nproperty float y\nproperty float z\n"
                        + "property uchar red\nproperty float nx\nproperty float ny\nproperty float nz\nelement face 2\n"
                        + "property list uchar int vertex_indices\nproperty short flags\nend_header\n";
        ByteBuffer b =
                ByteBuffer.allocate(header.length() + 4 * 25 + 2 * (1 + 4 * 4 + 2)).order(order);
        b.put(header.getBytes(StandardCharsets.US_ASCII));
        for (int i = 0; i < 4; i++) {
            b.putFloat((float) P[3 * i])
                    .putFloat((float) P[3 * i + 1])
                    .putFloat((float) P[3 * i + 2])
                    .put((byte) 200);
            b.putFloat((float) N[3 * i])
                    .putFloat((float) N[3 * i + 1])
                    .putFloat((float) N[3 * i + 2]);
        }
        b.put((byte) 4).putInt(0).putInt(1).putInt(2).putInt(3).putShort((short) 7);
        b.put((byte) 3).putInt(1).putInt(2).putInt(3).putShort((short) -1);
        return java.util.Arrays.copyOf(b.array(), b.position());
    }

    @Test
    void binaryPlyLittleAndBigEndian() throws IOException {
        for (ByteOrder o : List.of(ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN)) {
            Path f = Files.write(dir.resolve("t-" + o + ".ply"), binaryPly(o));
            ShapeData d = GeometryReader.read(f);
            assertArrayEquals(P, d.points(), o.toString());
            assertArrayEquals(N, d.normals(), o.toString());
            assertArrayEquals(TRI, d.faces(), o.toString());
        }
    }

    @Test
    void asciiPlyWithoutNormals() throws IOException {
        ShapeData d =
                GeometryReader.read(
                        write(
                                "a.ply",
                                "ply\nformat ascii 1.0\nelement vertex 4\nproperty double x\nproperty double y\n"
                                        + "property double z\nproperty int label\nelement face 2\nproperty list uchar uint vertex_index\nend_header\n"
                                        + "0 0 0 5\n1 0 0 5\n\n0 1 0 5\n0 0 1 5\n4 0 1 2 3\n3 1 2 3\n"));
        assertArrayEquals(P, d.points());
        assertNull(d.normals());
        assertArrayEquals(TRI, d.faces());
    }

    @Test
    void objWithNormalsAndNegativeIndices() throws IOException {
        ShapeData d =
                GeometryReader.read(
                        write(
                                "a.obj",
                                "# test\nv 0 0 0\nv 1 0 0\nv 0 1 0\nv 0 0 1\nvn 0 0 -1\nvn 1 0 0\nvn 0 1 0\nvn 0 0 1\n"
                                        + "vt 0 0\nf 1/1/1 2//2 3 4\nf -3 -2 -1\no ignored\n"));
        assertArrayEquals(P, d.points());
        assertArrayEquals(N, d.normals());
        assertArrayEquals(TRI, d.faces());
    }

    @Test
    void offAndNoff() throws IOException {
        ShapeData d =
                GeometryReader.read(
                        write(
                                "a.off",
                                "OFF\n# comment\n4 2 0\n0 0 0\n1 0 0\n0 1 0\n0 0 1\n4 0 1 2 3\n3 1 2 3\n"));
        assertArrayEquals(P, d.points());
        assertArrayEquals(TRI, d.faces());
        ShapeData n =
                GeometryReader.read(
                        write(
                                "b.off",
                                "NOFF 4 0 0\n0 0 0 0 0 -1\n1 0 0 1 0 0\n0 1 0 0 1 0\n0 0 1 0 0 1\n"));
        assertArrayEquals(N, n.normals());
    }

    @Test
    void xyzAndXyzn() throws IOException {
        assertArrayEquals(
                P,
                GeometryReader.read(write("a.xyz", "0 0 0\n1 0 0\n# c\n0 1 0\n\n0 0 1\n"))
                        .points());
        assertArrayEquals(
                P,
                GeometryReader.read(write("c.xyz", "# x,y,z\n0,0,0\n1, 0, 0\n0,1,0\n0\t0\t1\n"))
                        .points(),
                "commas and tabs");
        PointCloud c =
                GeometryReader.readCloud(
                        write("a.xyzn", "0 0 0 0 0 -2\n1 0 0 1 0 0\n0 1 0 0 1 0\n0 0 1 0 0 1\n"));
        assertArrayEquals(N, c.normals(), "normals come back unit length");
    }

    @Test
    void binaryStlMergesSharedCorners() throws IOException {
        ByteBuffer b = ByteBuffer.allocate(84 + 100).order(ByteOrder.LITTLE_ENDIAN);
        b.position(80);
        b.putInt(2);
        for (int[] t : new int[][] {{0, 1, 2}, {1, 2, 3}}) {
            b.putFloat(0).putFloat(0).putFloat(0);
            for (int v : t) {
                b.putFloat((float) P[3 * v])
                        .putFloat((float) P[3 * v + 1])
                        .putFloat((float) P[3 * v + 2]);
            }
            b.putShort((short) 0);
        }
        ShapeData d = GeometryReader.read(Files.write(dir.resolve("a.stl"), b.array()));
        assertArrayEquals(P, d.points());
        assertArrayEquals(new int[] {0, 1, 2, 1, 2, 3}, d.faces());
    }

    @Test
    void theBunnyPlyHoldsTheSamePointsAsTheBunnyText() throws IOException {
        Path xyzn = BuiltinClouds.bunnyFile().orElse(null);
        Assumptions.assumeTrue(xyzn != null, "the bunny data is not here");
        Path ply = xyzn.resolveSibling("bunny.ply");
        ShapeData a = GeometryReader.read(ply), b = GeometryReader.read(xyzn);
        assertEquals(1839, a.points().length / 3);
        assertEquals(3674, a.faces().length / 3);
        assertArrayEquals(b.points(), a.points(), 1e-5);
        assertArrayEquals(b.normals(), a.normals(), 1e-5);
    }
}
