package org.implicitlayers.sdf.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.implicitlayers.sdf.mesh.Growable;

/**
 * PLY (Turk 1994), ASCII and binary little or big endian: the "vertex" element's x, y, z and (when
 * all three are present) nx, ny, nz; the "face" element's "vertex_indices" (or "vertex_index")
 * lists, fanned into triangles. Other elements and properties are read past. Binary sizes are
 * checked against the file's length before anything is allocated, so a header that promises more
 * than the file holds fails at once; data left after the last element the header declares (a header
 * whose counts are too small) is refused, naming the counts, instead of being dropped without a
 * word.
 */
final class PlyReader {
    private PlyReader() {}

    private enum Type {
        CHAR(1),
        UCHAR(1),
        SHORT(2),
        USHORT(2),
        INT(4),
        UINT(4),
        FLOAT(4),
        DOUBLE(8);

        final int size;

        Type(int size) {
            this.size = size;
        }

        static Type parse(String s) {
            switch (s) {
                case "char":
                case "int8":
                    return CHAR;
                case "uchar":
                case "uint8":
                    return UCHAR;
                case "short":
                case "int16":
                    return SHORT;
                case "ushort":
                case "uint16":
                    return USHORT;
                case "int":
                case "int32":
                    return INT;
                case "uint":
                case "uint32":
                    return UINT;
                case "float":
                case "float32":
                    return FLOAT;
                case "double":
                case "float64":
                    return DOUBLE;
                default:
                    return null;
            }
        }

        double read(ByteBuffer b) {
            switch (this) {
                case CHAR:
                    return b.get();
                case UCHAR:
                    return b.get() & 0xff;
                case SHORT:
                    return b.getShort();
                case USHORT:
                    return b.getShort() & 0xffff;
                case INT:
                    return b.getInt();
                case UINT:
                    return b.getInt() & 0xffffffffL;
                case FLOAT:
                    return b.getFloat();
                default:
                    return b.getDouble();
            }
        }
    }

    private record Property(String name, Type type, Type countType) {
        boolean isList() {
            return countType != null;
        }
    }

    private static final class Element {
        final String name;
        final long count;
        final int line;
        final List<Property> props = new ArrayList<>();

        Element(String name, long count, int line) {
            this.name = name;
            this.count = count;
            this.line = line;
        }

        int index(String prop) {
            for (int i = 0; i < props.size(); i++) {
                if (props.get(i).name.equals(prop)) {
                    return i;
                }
            }
            return -1;
        }

        /**
         * Bytes of one entry if no property is a list, else the bytes of its fixed part plus one
         * byte per list count.
         */
        long minBytes() {
            long b = 0;
            for (Property p : props) {
                b += p.isList() ? p.countType.size : p.type.size;
            }
            return b;
        }
    }

    static ShapeData read(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        if (bytes.length == 0) {
            throw FormatException.inFile(file, "the file is empty");
        }
        // Header: ASCII lines up to "end_header".
        int pos = 0, line = 0;
        String format = null;
        List<Element> elements = new ArrayList<>();
        while (true) {
            int end = pos;
            while (end < bytes.length && bytes[end] != '\n') {
                end++;
            }
            if (end >= bytes.length) {
                throw FormatException.atLine(
                        file, line + 1, "the header ends without 'end_header'");
            }
            line++;
            String s = new String(bytes, pos, end - pos, StandardCharsets.ISO_8859_1).trim();
            pos = end + 1;
            String[] t = s.split("\\s+");
            if (line == 1) {
                if (!s.equals("ply")) {
                    throw FormatException.atLine(
                            file,
                            1,
                            "expected the magic word 'ply', found '" + abbreviate(s) + "'");
                }
                continue;
            }
            if (s.isEmpty() || t[0].equals("comment") || t[0].equals("obj_info")) {
                continue;
            }
            switch (t[0]) {
                case "format":
                    if (t.length < 2
                            || !(t[1].equals("ascii")
                                    || t[1].equals("binary_little_endian")
                                    || t[1].equals("binary_big_endian"))) {
                        throw FormatException.atLine(
                                file,
                                line,
                                "expected 'format ascii|binary_little_endian|binary_big_endian 1.0', found '"
                                        + s
                                        + "'");
                    }
                    format = t[1];
                    break;
                case "element":
                    long count;
                    try {
                        count = t.length == 3 ? Long.parseLong(t[2]) : -1;
                    } catch (NumberFormatException e) {
                        count = -1;
                    }
                    if (count < 0) {
                        throw FormatException.atLine(
                                file,
                                line,
                                "expected 'element NAME COUNT' with COUNT >= 0, found '" + s + "'");
                    }
                    elements.add(new Element(t[1], count, line));
                    break;
                case "property":
                    if (elements.isEmpty()) {
                        throw FormatException.atLine(file, line, "a property before any element");
                    }
                    Property p;
                    if (t.length == 5 && t[1].equals("list")) {
                        Type ct = Type.parse(t[2]), it = Type.parse(t[3]);
                        if (ct == null || it == null || ct == Type.FLOAT || ct == Type.DOUBLE) {
                            throw FormatException.atLine(
                                    file,
                                    line,
                                    "unknown PLY list type in '"
                                            + s
                                            + "': expected an integer count type and a numeric item type (char, uchar, short, ushort, int, uint, float, double)");
                        }
                        p = new Property(t[4], it, ct);
                    } else if (t.length == 3) {
                        Type ty = Type.parse(t[1]);
                        if (ty == null) {
                            throw FormatException.atLine(
                                    file,
                                    line,
                                    "unknown PLY type '"
                                            + t[1]
                                            + "': expected char, uchar, short, ushort, int, uint, float, double (or int8 .. float64)");
                        }
                        p = new Property(t[2], ty, null);
                    } else {
                        throw FormatException.atLine(
                                file,
                                line,
                                "expected 'property TYPE NAME' or 'property list COUNT_TYPE ITEM_TYPE NAME', found '"
                                        + s
                                        + "'");
                    }
                    elements.get(elements.size() - 1).props.add(p);
                    break;
                case "end_header":
                    return body(file, bytes, pos, line, format, elements);
                default:
                    throw FormatException.atLine(
                            file, line, "unexpected header line '" + abbreviate(s) + "'");
            }
        }
    }

    private static String abbreviate(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "..." : s;
    }

    private static ShapeData body(
            Path file,
            byte[] bytes,
            int start,
            int headerLines,
            String format,
            List<Element> elements)
            throws IOException {
        if (format == null) {
            throw FormatException.atLine(file, headerLines, "the header has no 'format' line");
        }
        Element vertex = null;
        for (Element e : elements) {
            if (e.name.equals("vertex")) {
                vertex = e;
            }
        }
        if (vertex == null
                || vertex.index("x") < 0
                || vertex.index("y") < 0
                || vertex.index("z") < 0) {
            throw FormatException.inFile(
                    file, "expected an element 'vertex' with properties x, y, z in the header");
        }
        if (!format.equals("ascii")) {
            long need = 0;
            for (Element e : elements) {
                need += e.count * e.minBytes();
            }
            long have = bytes.length - start;
            if (need > have) {
                throw FormatException.atByte(
                        file,
                        start,
                        "the header promises at least "
                                + need
                                + " bytes of data ("
                                + describe(elements)
                                + "), the file holds "
                                + have
                                + " after the header");
            }
        }
        if (vertex.count > Integer.MAX_VALUE / 3) {
            throw FormatException.atLine(
                    file,
                    vertex.line,
                    "element vertex promises "
                            + vertex.count
                            + " points, more than this reader holds ("
                            + Integer.MAX_VALUE / 3
                            + ")");
        }
        Reader r =
                format.equals("ascii")
                        ? new AsciiReader(file, bytes, start, headerLines)
                        : new BinaryReader(
                                file,
                                bytes,
                                start,
                                format.equals("binary_little_endian")
                                        ? ByteOrder.LITTLE_ENDIAN
                                        : ByteOrder.BIG_ENDIAN);
        Growable.Doubles pts = new Growable.Doubles();
        Growable.Doubles nrm = new Growable.Doubles();
        Growable.Ints faces = new Growable.Ints();
        int[] xyz = {vertex.index("x"), vertex.index("y"), vertex.index("z")};
        int[] nxyz = {vertex.index("nx"), vertex.index("ny"), vertex.index("nz")};
        boolean hasNormals = nxyz[0] >= 0 && nxyz[1] >= 0 && nxyz[2] >= 0;
        int nv = (int) vertex.count;
        for (Element e : elements) {
            int listIndex =
                    e.name.equals("face")
                            ? Math.max(e.index("vertex_indices"), e.index("vertex_index"))
                            : -1;
            for (long i = 0; i < e.count; i++) {
                r.beginEntry(e.name, i, e.count);
                double[] vals = e == vertex ? new double[e.props.size()] : null;
                for (int pi = 0; pi < e.props.size(); pi++) {
                    Property p = e.props.get(pi);
                    if (p.isList()) {
                        long k =
                                (long)
                                        r.value(
                                                p.countType,
                                                e.name + " " + i + " " + p.name + " count");
                        if (k < 0 || k > 1 << 20) {
                            throw r.error(
                                    e.name
                                            + " "
                                            + i
                                            + " "
                                            + p.name
                                            + ": list length "
                                            + k
                                            + ", expected 0..1048576");
                        }
                        int[] idx = new int[(int) k];
                        for (int a = 0; a < k; a++) {
                            double v =
                                    r.value(
                                            p.type,
                                            e.name + " " + i + " " + p.name + "[" + a + "]");
                            if (pi == listIndex && (v < 0 || v >= nv || v != Math.rint(v))) {
                                throw r.error(
                                        "face "
                                                + i
                                                + " vertex index "
                                                + a
                                                + " is "
                                                + fmt(v)
                                                + ": expected an integer in 0.."
                                                + (nv - 1));
                            }
                            idx[a] = (int) v;
                        }
                        if (pi == listIndex) {
                            for (int a = 1; a + 1 < idx.length; a++) {
                                faces.add(idx[0]);
                                faces.add(idx[a]);
                                faces.add(idx[a + 1]);
                            }
                        }
                    } else {
                        double v = r.value(p.type, e.name + " " + i + " " + p.name);
                        if (vals != null) {
                            vals[pi] = v;
                        }
                    }
                }
                r.endEntry(e.name, i);
                if (vals != null) {
                    for (int a = 0; a < 3; a++) {
                        if (!Double.isFinite(vals[xyz[a]])) {
                            throw r.error(
                                    "vertex "
                                            + i
                                            + " "
                                            + "xyz".charAt(a)
                                            + " is "
                                            + vals[xyz[a]]
                                            + ": expected a finite number");
                        }
                        pts.add(vals[xyz[a]]);
                        if (hasNormals) {
                            nrm.add(vals[nxyz[a]]);
                        }
                    }
                }
            }
        }
        String left = r.leftOver();
        if (left != null) {
            throw FormatException.atLine(
                    file,
                    vertex.line,
                    "the header declares "
                            + describe(elements)
                            + ", but the file holds more: "
                            + left
                            + " after them; correct the counts in the header (element vertex N, element face M)");
        }
        return new ShapeData(pts.toArray(), hasNormals ? nrm.toArray() : null, faces.toArray());
    }

    private static String fmt(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15
                ? Long.toString((long) v)
                : Double.toString(v);
    }

    private static String describe(List<Element> elements) {
        StringBuilder b = new StringBuilder();
        for (Element e : elements) {
            b.append(b.length() > 0 ? ", " : "").append(e.count).append(' ').append(e.name);
        }
        return b.toString();
    }

    private interface Reader {
        void beginEntry(String element, long i, long count) throws FormatException;

        double value(Type t, String field) throws FormatException;

        void endEntry(String element, long i) throws FormatException;

        FormatException error(String what);

        /**
         * What follows the last declared element (e.g. "12 more lines"), or null when nothing does.
         */
        String leftOver();
    }

    /** One entry per line. */
    private static final class AsciiReader implements Reader {
        final Path file;
        final byte[] b;
        int pos;
        int line;
        String[] tokens;
        int next;

        AsciiReader(Path file, byte[] b, int pos, int line) {
            this.file = file;
            this.b = b;
            this.pos = pos;
            this.line = line;
        }

        public void beginEntry(String element, long i, long count) throws FormatException {
            String s;
            do {
                if (pos >= b.length) {
                    throw FormatException.atLine(
                            file,
                            line,
                            "the header promises "
                                    + count
                                    + " "
                                    + (element.equals("vertex") ? "vertices" : element + "s")
                                    + ", the file ends after "
                                    + i);
                }
                int end = pos;
                while (end < b.length && b[end] != '\n') {
                    int c = b[end] & 0xff;
                    if (c == 0 || (c < 32 && c != '\t' && c != '\r') || c >= 127) {
                        throw FormatException.atLine(
                                file,
                                line + 1,
                                "expected ASCII numbers, found byte 0x"
                                        + Integer.toHexString(c)
                                        + " (is the file binary while its header says 'format ascii'?)");
                    }
                    end++;
                }
                line++;
                s = new String(b, pos, end - pos, StandardCharsets.ISO_8859_1).trim();
                pos = end + 1;
            } while (s.isEmpty());
            tokens = s.split("\\s+");
            next = 0;
        }

        public double value(Type t, String field) throws FormatException {
            if (next >= tokens.length) {
                throw error(
                        field + ": expected another number, the line has only " + tokens.length);
            }
            String tok = tokens[next++];
            try {
                double v = Double.parseDouble(tok);
                if (t != Type.FLOAT && t != Type.DOUBLE && v != Math.rint(v)) {
                    throw error(
                            field
                                    + ": expected an integer ("
                                    + t.name().toLowerCase(Locale.ROOT)
                                    + "), found '"
                                    + tok
                                    + "'");
                }
                return v;
            } catch (NumberFormatException e) {
                throw error(field + ": expected a number, found '" + tok + "'");
            }
        }

        public void endEntry(String element, long i) throws FormatException {
            if (next != tokens.length) {
                throw error(
                        element
                                + " "
                                + i
                                + ": expected "
                                + next
                                + " values, the line has "
                                + tokens.length);
            }
        }

        public FormatException error(String what) {
            return FormatException.atLine(file, line, what);
        }

        public String leftOver() {
            int lines = 0;
            boolean content = false;
            for (int i = pos; i < b.length; i++) {
                if (b[i] == '\n') {
                    lines += content ? 1 : 0;
                    content = false;
                } else if (b[i] != ' ' && b[i] != '\t' && b[i] != '\r') {
                    content = true;
                }
            }
            lines += content ? 1 : 0;
            return lines == 0
                    ? null
                    : lines
                            + " more line"
                            + (lines == 1 ? "" : "s")
                            + " of data (from line "
                            + (line + 1)
                            + ")";
        }
    }

    private static final class BinaryReader implements Reader {
        final Path file;
        final ByteBuffer buf;
        int entryStart;

        BinaryReader(Path file, byte[] b, int start, ByteOrder order) {
            this.file = file;
            this.buf = ByteBuffer.wrap(b).order(order);
            buf.position(start);
        }

        public void beginEntry(String element, long i, long count) {
            entryStart = buf.position();
        }

        public double value(Type t, String field) throws FormatException {
            if (buf.remaining() < t.size) {
                throw FormatException.atByte(
                        file,
                        buf.position(),
                        field + ": expected " + t.size + " more bytes, the file ends");
            }
            return t.read(buf);
        }

        public void endEntry(String element, long i) {}

        public FormatException error(String what) {
            return FormatException.atByte(file, entryStart, what);
        }

        public String leftOver() {
            return buf.remaining() == 0
                    ? null
                    : buf.remaining() + " more bytes (from byte " + buf.position() + ")";
        }
    }
}
