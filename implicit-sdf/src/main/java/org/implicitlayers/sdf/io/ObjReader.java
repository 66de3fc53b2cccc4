package org.implicitlayers.sdf.io;

import java.io.IOException;
import java.nio.file.Path;
import org.implicitlayers.sdf.mesh.Growable;

/**
 * Wavefront OBJ: "v x y z", "vn nx ny nz", "f a b c ..." with indices 1-based or negative
 * (relative), "a/t/n" forms accepted. Normals are kept when there is one per vertex. Other
 * statements are ignored. Polygons are fanned into triangles.
 */
final class ObjReader {
    private ObjReader() {}

    static ShapeData read(Path file) throws IOException {
        Growable.Doubles v = new Growable.Doubles();
        Growable.Doubles vn = new Growable.Doubles();
        Growable.Ints f = new Growable.Ints();
        try (TextLines in = new TextLines(file)) {
            for (String s = in.nextContent('#'); s != null; s = in.nextContent('#')) {
                String[] t = TextLines.split(s);
                switch (t[0]) {
                    case "v":
                    case "vn":
                        if (t.length < 4) {
                            throw in.error(
                                    "'" + t[0] + "' needs 3 numbers, found " + (t.length - 1));
                        }
                        for (int a = 1; a <= 3; a++) {
                            (t[0].equals("v") ? v : vn)
                                    .add(in.number(t[a], t[0] + " " + "xyz".charAt(a - 1)));
                        }
                        break;
                    case "f":
                        if (t.length < 4) {
                            throw in.error(
                                    "a face needs at least 3 vertices, found " + (t.length - 1));
                        }
                        int nv = v.size() / 3;
                        int[] idx = new int[t.length - 1];
                        for (int a = 1; a < t.length; a++) {
                            String ref = t[a];
                            int slash = ref.indexOf('/');
                            int k =
                                    in.integer(
                                            slash < 0 ? ref : ref.substring(0, slash),
                                            "face vertex " + a);
                            int i = k > 0 ? k - 1 : nv + k;
                            if (k == 0 || i < 0 || i >= nv) {
                                throw in.error(
                                        "face vertex "
                                                + a
                                                + " is "
                                                + k
                                                + ": expected 1.."
                                                + nv
                                                + " or -"
                                                + nv
                                                + "..-1 (vertices so far)");
                            }
                            idx[a - 1] = i;
                        }
                        for (int a = 1; a + 1 < idx.length; a++) {
                            f.add(idx[0]);
                            f.add(idx[a]);
                            f.add(idx[a + 1]);
                        }
                        break;
                    default:
                        break;
                }
            }
        }
        if (v.size() == 0) {
            throw FormatException.inFile(file, "no vertices ('v x y z' lines)");
        }
        return new ShapeData(v.toArray(), vn.size() == v.size() ? vn.toArray() : null, f.toArray());
    }
}
