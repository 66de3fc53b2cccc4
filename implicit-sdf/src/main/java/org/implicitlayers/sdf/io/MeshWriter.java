package org.implicitlayers.sdf.io;

import java.io.BufferedOutputStream;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import org.implicitlayers.sdf.mesh.Mesh;

/**
 * Writes meshes as OBJ (text), PLY (binary little endian) or STL (binary), chosen by extension.
 * Files are written to a temporary sibling and renamed, so a reader never sees half a file.
 */
public final class MeshWriter {
    private MeshWriter() {}

    public static void write(Mesh m, Path file) throws IOException {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (!name.endsWith(".obj") && !name.endsWith(".ply") && !name.endsWith(".stl")) {
            throw new IOException(file + ": unknown mesh extension, expected .obj, .ply or .stl");
        }
        atomically(
                file,
                out -> {
                    if (name.endsWith(".obj")) {
                        obj(m, out);
                    } else if (name.endsWith(".ply")) {
                        ply(m, out);
                    } else {
                        stl(m, out);
                    }
                });
    }

    private static void obj(Mesh m, OutputStream os) throws IOException {
        BufferedWriter w =
                new BufferedWriter(new java.io.OutputStreamWriter(os, StandardCharsets.US_ASCII));
        double[] v = m.vertices();
        w.write("# " + m.vertexCount() + " vertices, " + m.faceCount() + " triangles\n");
        for (int i = 0; i < v.length; i += 3) {
            w.write("v " + (float) v[i] + " " + (float) v[i + 1] + " " + (float) v[i + 2] + "\n");
        }
        int[] f = m.faces();
        for (int i = 0; i < f.length; i += 3) {
            w.write("f " + (f[i] + 1) + " " + (f[i + 1] + 1) + " " + (f[i + 2] + 1) + "\n");
        }
        w.flush();
    }

    private static void ply(Mesh m, OutputStream os) throws IOException {
        String header =
                "ply\nformat binary_little_endian 1.0\nelement vertex "
                        + m.vertexCount()
                        + "\nproperty float x\nproperty float y\nproperty float z\nelement face "
                        + m.faceCount()
                        + "\nproperty list uchar int vertex_indices\nend_header\n";
        os.write(header.getBytes(StandardCharsets.US_ASCII));
        ByteBuffer b = ByteBuffer.allocate(13).order(ByteOrder.LITTLE_ENDIAN);
        for (double x : m.vertices()) {
            b.clear();
            b.putFloat((float) x);
            os.write(b.array(), 0, 4);
        }
        int[] f = m.faces();
        for (int i = 0; i < f.length; i += 3) {
            b.clear();
            b.put((byte) 3).putInt(f[i]).putInt(f[i + 1]).putInt(f[i + 2]);
            os.write(b.array(), 0, 13);
        }
    }

    private static void stl(Mesh m, OutputStream os) throws IOException {
        byte[] header = new byte[80];
        byte[] text = "binary STL written by implicit-layers".getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(text, 0, header, 0, text.length);
        os.write(header);
        ByteBuffer b = ByteBuffer.allocate(50).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(m.faceCount());
        os.write(b.array(), 0, 4);
        double[] v = m.vertices();
        int[] f = m.faces();
        for (int t = 0; t < m.faceCount(); t++) {
            b.clear();
            double[] n = m.faceNormal(t);
            double len = Math.sqrt(n[0] * n[0] + n[1] * n[1] + n[2] * n[2]);
            for (int d = 0; d < 3; d++) {
                b.putFloat(len > 0 ? (float) (n[d] / len) : 0f);
            }
            for (int c = 0; c < 3; c++) {
                int vi = 3 * f[3 * t + c];
                b.putFloat((float) v[vi]).putFloat((float) v[vi + 1]).putFloat((float) v[vi + 2]);
            }
            b.putShort((short) 0);
            os.write(b.array(), 0, 50);
        }
    }

    /** Writes through a temporary sibling, then renames it over {@code file}. */
    static void atomically(Path file, IoBody body) throws IOException {
        if (file.toAbsolutePath().getParent() != null) {
            Files.createDirectories(file.toAbsolutePath().getParent());
        }
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16)) {
            body.write(out);
        } catch (IOException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    interface IoBody {
        void write(OutputStream out) throws IOException;
    }
}
