package org.implicitlayers.sdf.io;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A file that does not hold what its format promises; the message names the file, the place and the
 * expectation.
 */
public final class FormatException extends IOException {
    private static final long serialVersionUID = 1L;

    public FormatException(String message) {
        super(message);
    }

    static FormatException atLine(Path file, int line, String what) {
        return new FormatException(file + ":" + line + ": " + what);
    }

    static FormatException atByte(Path file, long offset, String what) {
        return new FormatException(file + ": byte offset " + offset + ": " + what);
    }

    static FormatException inFile(Path file, String what) {
        return new FormatException(file + ": " + what);
    }
}
