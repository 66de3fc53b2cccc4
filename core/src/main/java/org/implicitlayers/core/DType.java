package org.implicitlayers.core;

/**
 * Element type of a tensor. Float32 is the training default; float64 is used by every gradient
 * check.
 */
public enum DType {
    /** IEEE single precision, 4 bytes: the default for training. */
    FLOAT32(4),
    /** IEEE double precision, 8 bytes: gradient checks and reference solutions. */
    FLOAT64(8);

    private final int bytes;

    DType(int bytes) {
        this.bytes = bytes;
    }

    /** Size of one element in bytes. */
    public int bytes() {
        return bytes;
    }

    /** Parses "float32"/"f32"/"float"/"float64"/"f64"/"double" (case-insensitive). */
    public static DType parse(String s) {
        switch (s.toLowerCase(java.util.Locale.ROOT)) {
            case "float32":
            case "f32":
            case "float":
                return FLOAT32;
            case "float64":
            case "f64":
            case "double":
                return FLOAT64;
            default:
                throw new IllegalArgumentException(
                        "unknown dtype '" + s + "': expected float32 or float64");
        }
    }

    @Override
    public String toString() {
        return this == FLOAT32 ? "float32" : "float64";
    }
}
