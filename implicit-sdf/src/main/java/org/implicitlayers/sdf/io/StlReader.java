package org.implicitlayers.sdf.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.implicitlayers.sdf.mesh.Growable;

/**
 * STL, binary (80-byte header, triangle count, 50 bytes per triangle) or ASCII ("solid ... facet
 * ... vertex x y z"); equal corners are merged.
 */
final class StlReader {
    private StlReader() {}

    static ShapeData read(Path file) throws IOException {
        byte[] b = Files.readAllBytes(file);
        if (b.length == 0) {
            throw FormatException.inFile(file, "the file is empty");
        }
        Merger m = new Merger();
        if (b.length >= 84) {
            long n =
                    ByteBuffer.wrap(b, 80, 4).order(ByteOrder.LITTLE_ENDIAN).getInt() & 0xffffffffL;
            if (84 + 50 * n == b.length) {
                ByteBuffer buf = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
                for (int t = 0; t < n; t++) {
                    int at = 84 + 50 * t;
                    buf.position(at + 12);
                    for (int c = 0; c < 3; c++) {
                        double x = buf.getFloat(), y = buf.getFloat(), z = buf.getFloat();
                        if (!Double.isFinite(x) || !Double.isFinite(y) || !Double.isFinite(z)) {
                            throw FormatException.atByte(
                                    file, at, "triangle " + t + " corner " + c + " is not finite");
                        }
                        m.add(x, y, z);
                    }
                }
                return m.result();
            }
            String head = new String(b, 0, 5, StandardCharsets.ISO_8859_1);
            if (!head.equals("solid")) {
                throw FormatException.atByte(
                        file,
                        80,
                        "binary STL promises "
                                + n
                                + " triangles ("
                                + (84 + 50 * n)
                                + " bytes), the file has "
                                + b.length);
            }
        }
        try (TextLines in = new TextLines(file)) {
            for (String s = in.nextContent('#'); s != null; s = in.nextContent('#')) {
                String[] t = TextLines.split(s);
                if (t[0].equals("vertex")) {
                    if (t.length != 4) {
                        throw in.error("expected 'vertex x y z', found '" + s + "'");
                    }
                    m.add(in.number(t[1], "x"), in.number(t[2], "y"), in.number(t[3], "z"));
                }
            }
        }
        if (m.corners % 3 != 0 || m.corners == 0) {
            throw FormatException.inFile(
                    file, "expected vertices in threes (one facet each), found " + m.corners);
        }
        return m.result();
    }

    private static final class Merger {
        final Map<String, Integer> ids = new HashMap<>();
        final Growable.Doubles pts = new Growable.Doubles();
        final Growable.Ints faces = new Growable.Ints();
        int corners;

        void add(double x, double y, double z) {
            Integer id = ids.get(x + "," + y + "," + z);
            if (id == null) {
                id = pts.size() / 3;
                ids.put(x + "," + y + "," + z, id);
                pts.add(x);
                pts.add(y);
                pts.add(z);
            }
            faces.add(id);
            corners++;
        }

        ShapeData result() {
            return new ShapeData(pts.toArray(), null, faces.toArray());
        }
    }
}
