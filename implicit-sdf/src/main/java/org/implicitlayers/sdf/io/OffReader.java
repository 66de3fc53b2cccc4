package org.implicitlayers.sdf.io;

import java.io.IOException;
import java.nio.file.Path;
import org.implicitlayers.sdf.mesh.Growable;

/**
 * OFF: a line "OFF" (or "NOFF", vertices then carry normals), then "nv nf ne", nv vertex lines and
 * nf face lines "k i1 .. ik" (0-based). '#' starts a comment.
 */
final class OffReader {
    private OffReader() {}

    static ShapeData read(Path file) throws IOException {
        try (TextLines in = new TextLines(file)) {
            String head = in.nextContent('#');
            if (head == null) {
                throw FormatException.inFile(file, "no content");
            }
            String[] t = TextLines.split(head);
            boolean normals = t[0].equals("NOFF");
            if (!t[0].equals("OFF") && !normals) {
                throw in.error("expected the keyword OFF or NOFF, found '" + t[0] + "'");
            }
            String counts =
                    t.length > 1 ? head.substring(t[0].length()).trim() : in.nextContent('#');
            if (counts == null) {
                throw in.error(
                        "expected the counts 'vertices faces edges', found the end of the file");
            }
            String[] c = TextLines.split(counts);
            if (c.length < 2) {
                throw in.error(
                        "expected the counts 'vertices faces edges', found '" + counts + "'");
            }
            int nv = in.integer(c[0], "vertex count"), nf = in.integer(c[1], "face count");
            if (nv <= 0 || nf < 0) {
                throw in.error(
                        "expected a positive vertex count and a face count >= 0, found "
                                + nv
                                + " and "
                                + nf);
            }
            Growable.Doubles p = new Growable.Doubles();
            Growable.Doubles n = new Growable.Doubles();
            for (int i = 0; i < nv; i++) {
                String s = in.nextContent('#');
                if (s == null) {
                    throw in.error(
                            "the header promises " + nv + " vertices, the file ends after " + i);
                }
                String[] x = TextLines.split(s);
                int need = normals ? 6 : 3;
                if (x.length < need) {
                    throw in.error(
                            "vertex " + i + ": expected " + need + " numbers, found " + x.length);
                }
                for (int a = 0; a < 3; a++) {
                    p.add(in.number(x[a], "vertex " + i + " " + "xyz".charAt(a)));
                }
                for (int a = 3; a < need; a++) {
                    n.add(in.number(x[a], "vertex " + i + " n" + "xyz".charAt(a - 3)));
                }
            }
            Growable.Ints f = new Growable.Ints();
            for (int j = 0; j < nf; j++) {
                String s = in.nextContent('#');
                if (s == null) {
                    throw in.error(
                            "the header promises " + nf + " faces, the file ends after " + j);
                }
                String[] x = TextLines.split(s);
                int k = in.integer(x[0], "face " + j + " size");
                if (k < 3 || x.length < k + 1) {
                    throw in.error(
                            "face "
                                    + j
                                    + ": expected a size >= 3 and that many indices, found '"
                                    + s
                                    + "'");
                }
                int[] idx = new int[k];
                for (int a = 0; a < k; a++) {
                    idx[a] = in.integer(x[a + 1], "face " + j + " index " + a);
                    if (idx[a] < 0 || idx[a] >= nv) {
                        throw in.error(
                                "face "
                                        + j
                                        + " index "
                                        + a
                                        + " is "
                                        + idx[a]
                                        + ": expected 0.."
                                        + (nv - 1));
                    }
                }
                for (int a = 1; a + 1 < k; a++) {
                    f.add(idx[0]);
                    f.add(idx[a]);
                    f.add(idx[a + 1]);
                }
            }
            return new ShapeData(p.toArray(), normals ? n.toArray() : null, f.toArray());
        }
    }
}
