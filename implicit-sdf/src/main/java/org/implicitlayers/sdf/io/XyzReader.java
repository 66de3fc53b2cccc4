package org.implicitlayers.sdf.io;

import java.io.IOException;
import java.nio.file.Path;
import org.implicitlayers.sdf.mesh.Growable;

/**
 * XYZ / XYZN text: one point per line, "x y z" or "x y z nx ny nz" (all lines alike), numbers
 * separated by spaces, tabs or commas; '#' starts a comment (a header line needs one).
 */
final class XyzReader {
    private XyzReader() {}

    static ShapeData read(Path file) throws IOException {
        Growable.Doubles p = new Growable.Doubles();
        Growable.Doubles n = new Growable.Doubles();
        int columns = -1;
        try (TextLines in = new TextLines(file)) {
            for (String s = in.nextContent('#'); s != null; s = in.nextContent('#')) {
                String[] t = s.trim().split("[\\s,]+");
                if (columns < 0) {
                    if (t.length != 3 && t.length != 6) {
                        throw in.error(
                                "expected 3 (x y z) or 6 (x y z nx ny nz) numbers, found "
                                        + t.length);
                    }
                    columns = t.length;
                } else if (t.length != columns) {
                    throw in.error(
                            "expected "
                                    + columns
                                    + " numbers like the first point, found "
                                    + t.length);
                }
                if (p.size() == 0) {
                    try {
                        Double.parseDouble(t[0]);
                    } catch (NumberFormatException e) {
                        throw in.error(
                                "x: expected a number, found '"
                                        + t[0]
                                        + "' (a header line must start with #)");
                    }
                }
                for (int a = 0; a < 3; a++) {
                    p.add(in.number(t[a], "xyz".charAt(a) + ""));
                }
                for (int a = 3; a < columns; a++) {
                    n.add(in.number(t[a], "n" + "xyz".charAt(a - 3)));
                }
            }
            if (columns < 0) {
                throw FormatException.inFile(file, "no points (only blank or comment lines)");
            }
        }
        return new ShapeData(p.toArray(), columns == 6 ? n.toArray() : null, new int[0]);
    }
}
