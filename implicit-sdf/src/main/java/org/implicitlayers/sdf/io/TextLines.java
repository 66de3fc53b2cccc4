package org.implicitlayers.sdf.io;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Line-by-line reading of a text geometry file with line numbers, number parsing and binary
 * detection.
 */
final class TextLines implements AutoCloseable {
    final Path file;
    private final BufferedReader in;
    int line;

    TextLines(Path file) throws IOException {
        this.file = file;
        if (Files.size(file) == 0) {
            throw FormatException.inFile(file, "the file is empty");
        }
        this.in = Files.newBufferedReader(file, StandardCharsets.ISO_8859_1);
    }

    /** The next line (trimmed), or null at the end; rejects binary content. */
    String next() throws IOException {
        String s = in.readLine();
        if (s == null) {
            return null;
        }
        line++;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == 0 || (c < 32 && c != '\t' && c != '\r' && c != '\f') || c == 127) {
                throw error(
                        "expected text, found binary data (byte 0x"
                                + Integer.toHexString(c)
                                + "); is this a binary file read as text?");
            }
        }
        return s.trim();
    }

    /** The next line that is neither empty nor a comment starting with {@code comment}, or null. */
    String nextContent(char comment) throws IOException {
        for (String s = next(); s != null; s = next()) {
            if (!s.isEmpty() && s.charAt(0) != comment) {
                return s;
            }
        }
        return null;
    }

    FormatException error(String what) {
        return FormatException.atLine(file, line, what);
    }

    /** A finite number, else an error naming the field. */
    double number(String token, String field) throws FormatException {
        double v;
        try {
            v = Double.parseDouble(token);
        } catch (NumberFormatException e) {
            throw error(field + ": expected a number, found '" + token + "'");
        }
        if (!Double.isFinite(v)) {
            throw error(field + " is " + token + ": expected a finite number");
        }
        return v;
    }

    int integer(String token, String field) throws FormatException {
        try {
            return Integer.parseInt(token);
        } catch (NumberFormatException e) {
            throw error(field + ": expected an integer, found '" + token + "'");
        }
    }

    static String[] split(String s) {
        return s.split("\\s+");
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
