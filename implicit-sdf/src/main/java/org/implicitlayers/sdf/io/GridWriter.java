package org.implicitlayers.sdf.io;

import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.implicitlayers.sdf.mesh.ScalarGrid;

/**
 * Writes a {@link ScalarGrid} for other tools: legacy VTK image data (STRUCTURED_POINTS, binary,
 * opened by ParaView as an image with origin and spacing), and NumPy {@code .npy} (float32, shape
 * (nx, ny, nz), C order, so {@code np.load(f)[i, j, k]} is the value at point (i, j, k)). Values
 * that were not evaluated are NaN.
 */
public final class GridWriter {
    private GridWriter() {}

    public static void vtk(ScalarGrid g, String name, Path file) throws IOException {
        MeshWriter.atomically(
                file,
                os -> {
                    DataOutputStream out =
                            new DataOutputStream(os); // big endian, as legacy VTK wants
                    double[] o = g.origin(), h = g.spacing();
                    out.write(
                            ("# vtk DataFile Version 3.0\n"
                                            + name
                                            + "\nBINARY\nDATASET STRUCTURED_POINTS\nDIMENSIONS "
                                            + g.nx()
                                            + " "
                                            + g.ny()
                                            + " "
                                            + g.nz()
                                            + "\nORIGIN "
                                            + o[0]
                                            + " "
                                            + o[1]
                                            + " "
                                            + o[2]
                                            + "\nSPACING "
                                            + h[0]
                                            + " "
                                            + h[1]
                                            + " "
                                            + h[2]
                                            + "\nPOINT_DATA "
                                            + g.values().length
                                            + "\nSCALARS "
                                            + name
                                            + " float 1\nLOOKUP_TABLE default\n")
                                    .getBytes(StandardCharsets.US_ASCII));
                    // VTK orders points with x fastest.
                    for (int k = 0; k < g.nz(); k++) {
                        for (int j = 0; j < g.ny(); j++) {
                            for (int i = 0; i < g.nx(); i++) {
                                out.writeFloat(g.value(i, j, k));
                            }
                        }
                    }
                    out.flush();
                });
    }

    public static void npy(ScalarGrid g, Path file) throws IOException {
        MeshWriter.atomically(
                file,
                os -> {
                    String dict =
                            "{'descr': '<f4', 'fortran_order': False, 'shape': ("
                                    + g.nx()
                                    + ", "
                                    + g.ny()
                                    + ", "
                                    + g.nz()
                                    + "), }";
                    int headerLen = 10 + dict.length() + 1;
                    int pad = (64 - headerLen % 64) % 64;
                    StringBuilder h = new StringBuilder(dict);
                    h.append(" ".repeat(pad)).append('\n');
                    ByteBuffer pre = ByteBuffer.allocate(10).order(ByteOrder.LITTLE_ENDIAN);
                    pre.put((byte) 0x93)
                            .put("NUMPY".getBytes(StandardCharsets.US_ASCII))
                            .put((byte) 1)
                            .put((byte) 0)
                            .putShort((short) h.length());
                    os.write(pre.array());
                    os.write(h.toString().getBytes(StandardCharsets.US_ASCII));
                    ByteBuffer b = ByteBuffer.allocate(4 * 4096).order(ByteOrder.LITTLE_ENDIAN);
                    float[] v = g.values();
                    for (int start = 0; start < v.length; start += 4096) {
                        b.clear();
                        int m = Math.min(4096, v.length - start);
                        for (int i = 0; i < m; i++) {
                            b.putFloat(v[start + i]);
                        }
                        os.write(b.array(), 0, 4 * m);
                    }
                });
    }
}
