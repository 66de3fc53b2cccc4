package org.implicitlayers.sdf.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.implicitlayers.sdf.mesh.Mesh;
import org.implicitlayers.sdf.mesh.ScalarGrid;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Writers produce what their formats define: checked by parsing the bytes here, not with our
 * readers alone.
 */
class WritersTest {
    @TempDir Path dir;

    static ScalarGrid grid() {
        float[] v = new float[2 * 3 * 4];
        for (int i = 0; i < v.length; i++) {
            v[i] = i;
        }
        return new ScalarGrid(
                2, 3, 4, new double[] {-1, -2, -3}, new double[] {0.5, 0.25, 0.125}, v);
    }

    @Test
    void npyHoldsTheGridInCOrder() throws IOException {
        Path f = dir.resolve("g.npy");
        GridWriter.npy(grid(), f);
        byte[] b = Files.readAllBytes(f);
        assertEquals((byte) 0x93, b[0]);
        int headerLen = ByteBuffer.wrap(b, 8, 2).order(ByteOrder.LITTLE_ENDIAN).getShort();
        String header = new String(b, 10, headerLen, StandardCharsets.US_ASCII);
        assertTrue(
                header.contains("'descr': '<f4'") && header.contains("'shape': (2, 3, 4)"), header);
        assertEquals(0, (10 + headerLen) % 64, "data aligned to 64 bytes");
        ByteBuffer data = ByteBuffer.wrap(b, 10 + headerLen, 4 * 24).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < 24; i++) {
            assertEquals(i, data.getFloat(), "value " + i);
        }
    }

    @Test
    void vtkImageDataListsPointsWithXFastest() throws IOException {
        Path f = dir.resolve("g.vtk");
        GridWriter.vtk(grid(), "sdf", f);
        try (DataInputStream in = new DataInputStream(Files.newInputStream(f))) {
            String text = "";
            int lines = 0;
            StringBuilder line = new StringBuilder();
            while (lines < 10) {
                int c = in.read();
                if (c == '\n') {
                    text += line + "\n";
                    line.setLength(0);
                    lines++;
                } else {
                    line.append((char) c);
                }
            }
            assertTrue(
                    text.contains(
                            "DATASET STRUCTURED_POINTS\nDIMENSIONS 2 3 4\nORIGIN -1.0 -2.0 -3.0\nSPACING 0.5 0.25 0.125\n"),
                    text);
            assertTrue(
                    text.contains("POINT_DATA 24\nSCALARS sdf float 1\nLOOKUP_TABLE default\n"),
                    text);
            ScalarGrid g = grid();
            for (int k = 0; k < 4; k++) {
                for (int j = 0; j < 3; j++) {
                    for (int i = 0; i < 2; i++) {
                        assertEquals(
                                g.value(i, j, k), in.readFloat(), "point " + i + " " + j + " " + k);
                    }
                }
            }
            assertEquals(-1, in.read(), "nothing after the values");
        }
    }

    static double[] corners(double[] v, int[] f) {
        double[] c = new double[3 * f.length];
        for (int i = 0; i < f.length; i++) {
            System.arraycopy(v, 3 * f[i], c, 3 * i, 3);
        }
        return c;
    }

    @Test
    void meshFilesReadBackTheSameTriangles() throws IOException {
        Mesh m =
                new Mesh(
                        new double[] {0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1},
                        new int[] {0, 2, 1, 0, 1, 3, 0, 3, 2, 1, 2, 3});
        for (String ext : new String[] {"obj", "ply", "stl"}) {
            Path f = dir.resolve("t." + ext);
            MeshWriter.write(m, f);
            ShapeData d = GeometryReader.read(f);
            // STL has no shared vertices: compare the triangles' corner coordinates.
            assertArrayEquals(
                    corners(m.vertices(), m.faces()), corners(d.points(), d.faces()), 0, ext);
        }
        byte[] stl = Files.readAllBytes(dir.resolve("t.stl"));
        assertEquals(84 + 50 * 4, stl.length);
        ByteBuffer b = ByteBuffer.wrap(stl).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(4, b.getInt(80));
        // The first facet's normal: (0,1,0)-(0,0,0) x (1,0,0)-(0,0,0) = -z.
        assertEquals(-1f, b.getFloat(84 + 8));
    }
}
