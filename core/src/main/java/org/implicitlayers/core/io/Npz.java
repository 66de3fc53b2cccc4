package org.implicitlayers.core.io;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.implicitlayers.core.DType;
import org.implicitlayers.core.Shapes;
import org.implicitlayers.core.Tensor;

/**
 * NumPy's {@code .npz} archives: a zip of {@code .npy} arrays, readable with {@code numpy.load}.
 * Tensors are written as little-endian {@code <f4}/{@code <f8}; byte strings (metadata) as {@code
 * |u1} arrays. Reading accepts float32/float64, integer and unsigned-byte arrays in either byte
 * order and C or Fortran order (NPY format versions 1 to 3).
 */
public final class Npz {
    /** What an archive holds: numeric arrays as tensors, {@code |u1} arrays as bytes. */
    public record Contents(Map<String, Tensor> tensors, Map<String, byte[]> bytes) {}

    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};

    private Npz() {}

    /**
     * Writes tensors to an npz file, atomically ({@link AtomicFiles}): readers never see half an
     * archive.
     */
    public static void write(Path file, Map<String, Tensor> tensors) throws IOException {
        AtomicFiles.write(file, out -> write(out, tensors, Map.of()));
    }

    /** Writes tensors and byte strings as one archive to {@code out} (left open). */
    public static void write(
            OutputStream out, Map<String, Tensor> tensors, Map<String, byte[]> bytes)
            throws IOException {
        ZipOutputStream zip = new ZipOutputStream(out);
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            Tensor t = e.getValue();
            zip.putNextEntry(new ZipEntry(e.getKey() + ".npy"));
            boolean f32 = t.dtype() == DType.FLOAT32;
            zip.write(header(f32 ? "<f4" : "<f8", t.shape()));
            ByteBuffer buf =
                    ByteBuffer.allocate(t.numel() * (f32 ? 4 : 8)).order(ByteOrder.LITTLE_ENDIAN);
            if (f32) {
                buf.asFloatBuffer().put(t.toFloatArray());
            } else {
                buf.asDoubleBuffer().put(t.toDoubleArray());
            }
            zip.write(buf.array());
            zip.closeEntry();
        }
        for (Map.Entry<String, byte[]> e : bytes.entrySet()) {
            zip.putNextEntry(new ZipEntry(e.getKey() + ".npy"));
            zip.write(header("|u1", new int[] {e.getValue().length}));
            zip.write(e.getValue());
            zip.closeEntry();
        }
        zip.finish();
        out.flush();
    }

    /** NPY 1.0 header, padded so that the data starts at a multiple of 64 bytes. */
    private static byte[] header(String descr, int[] shape) {
        StringBuilder sh = new StringBuilder("(");
        for (int i = 0; i < shape.length; i++) {
            sh.append(shape[i]).append(shape.length == 1 ? "," : i < shape.length - 1 ? ", " : "");
        }
        sh.append(")");
        String dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + sh + ", }";
        int total = MAGIC.length + 2 + 2 + dict.length() + 1;
        int pad = (64 - total % 64) % 64;
        String h = dict + " ".repeat(pad) + "\n";
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(MAGIC);
        b.write(1);
        b.write(0);
        b.write(h.length() & 0xff);
        b.write(h.length() >> 8);
        b.writeBytes(h.getBytes(StandardCharsets.US_ASCII));
        return b.toByteArray();
    }

    /**
     * Reads an archive completely. Any problem — not a zip, truncated, a CRC mismatch, an entry
     * that is not a valid npy array — is an {@link IOException} naming the file and the entry.
     */
    public static Contents read(Path file) throws IOException {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        Map<String, byte[]> bytes = new LinkedHashMap<>();
        ZipFile zip;
        try {
            zip = new ZipFile(file.toFile());
        } catch (ZipException e) {
            throw new IOException(
                    file
                            + ": not a readable npz archive (truncated or corrupt zip: "
                            + e.getMessage()
                            + ")",
                    e);
        }
        try (zip) {
            Enumeration<? extends ZipEntry> entries = zip.entries();
            while (entries.hasMoreElements()) {
                ZipEntry ze = entries.nextElement();
                String name = ze.getName();
                if (!name.endsWith(".npy")) {
                    continue;
                }
                String key = name.substring(0, name.length() - 4);
                byte[] data;
                try (InputStream in = zip.getInputStream(ze)) {
                    data = in.readAllBytes();
                } catch (IOException e) {
                    throw new IOException(
                            file + ": entry '" + name + "' cannot be read (" + e.getMessage() + ")",
                            e);
                }
                // Stored (uncompressed) entries are not CRC-checked by ZipFile: check every entry
                // here.
                java.util.zip.CRC32 crc = new java.util.zip.CRC32();
                crc.update(data);
                if (ze.getCrc() != -1 && crc.getValue() != ze.getCrc()) {
                    throw new IOException(
                            file + ": entry '" + name + "' is corrupt (CRC mismatch)");
                }
                try {
                    parse(key, data, tensors, bytes);
                } catch (IllegalArgumentException e) {
                    throw new IOException(file + ": entry '" + name + "': " + e.getMessage(), e);
                }
            }
        }
        return new Contents(tensors, bytes);
    }

    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([<>|=])([a-z])(\\d+)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    private static void parse(
            String key, byte[] data, Map<String, Tensor> tensors, Map<String, byte[]> bytes) {
        if (data.length < 10 || !java.util.Arrays.equals(java.util.Arrays.copyOf(data, 6), MAGIC)) {
            throw new IllegalArgumentException("not an npy array (magic string missing)");
        }
        int major = data[6] & 0xff;
        int hlen, start;
        if (major == 1) {
            hlen = (data[8] & 0xff) | (data[9] & 0xff) << 8;
            start = 10;
        } else if (major == 2 || major == 3) {
            hlen = ByteBuffer.wrap(data, 8, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
            start = 12;
        } else {
            throw new IllegalArgumentException(
                    "npy format version " + major + " is not supported (expected 1 to 3)");
        }
        if (start + hlen > data.length) {
            throw new IllegalArgumentException("truncated header");
        }
        String h =
                new String(
                        data,
                        start,
                        hlen,
                        major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        Matcher d = DESCR.matcher(h), f = FORTRAN.matcher(h), s = SHAPE.matcher(h);
        if (!d.find() || !f.find() || !s.find()) {
            throw new IllegalArgumentException(
                    "header lacks descr, fortran_order or shape: " + h.trim());
        }
        ByteOrder order = d.group(1).equals(">") ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
        char kind = d.group(2).charAt(0);
        int size = Integer.parseInt(d.group(3));
        boolean fortran = f.group(1).equals("True");
        String dims = s.group(1).trim();
        int[] shape =
                dims.isEmpty()
                        ? new int[0]
                        : java.util.Arrays.stream(dims.split(","))
                                .map(String::trim)
                                .filter(x -> !x.isEmpty())
                                .mapToInt(Integer::parseInt)
                                .toArray();
        int n = Shapes.numel(shape);
        int off = start + hlen;
        if (data.length - off < (long) n * size) {
            throw new IllegalArgumentException(
                    "holds "
                            + (data.length - off)
                            + " data bytes, shape "
                            + Shapes.str(shape)
                            + " of "
                            + d.group(2)
                            + d.group(3)
                            + " needs "
                            + (long) n * size);
        }
        ByteBuffer buf = ByteBuffer.wrap(data, off, n * size).order(order);
        if (kind == 'u' && size == 1) {
            byte[] b = new byte[n];
            buf.get(b);
            bytes.put(key, b);
            return;
        }
        Tensor t;
        if (kind == 'f' && size == 4) {
            float[] v = new float[n];
            buf.asFloatBuffer().get(v);
            t = fortranFix(Tensor.of(v, fortran ? reversed(shape) : shape), fortran);
        } else {
            double[] v = new double[n];
            for (int i = 0; i < n; i++) {
                if (kind == 'f' && size == 8) {
                    v[i] = buf.getDouble();
                } else if (kind == 'i' && size == 4) {
                    v[i] = buf.getInt();
                } else if (kind == 'i' && size == 8) {
                    v[i] = buf.getLong();
                } else {
                    throw new IllegalArgumentException(
                            "dtype '"
                                    + d.group(0)
                                    + "' is not supported (expected float32, float64, int32, int64 or uint8)");
                }
            }
            t = fortranFix(Tensor.of(v, fortran ? reversed(shape) : shape), fortran);
        }
        tensors.put(key, t);
    }

    private static int[] reversed(int[] s) {
        int[] r = new int[s.length];
        for (int i = 0; i < s.length; i++) {
            r[i] = s[s.length - 1 - i];
        }
        return r;
    }

    /** Fortran order is C order of the reversed shape, transposed back. */
    private static Tensor fortranFix(Tensor t, boolean fortran) {
        if (!fortran || t.rank() < 2) {
            return t;
        }
        int[] perm = new int[t.rank()];
        for (int i = 0; i < perm.length; i++) {
            perm[i] = perm.length - 1 - i;
        }
        return t.permute(perm);
    }
}
