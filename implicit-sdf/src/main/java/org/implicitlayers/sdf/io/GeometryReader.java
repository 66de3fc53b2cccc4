package org.implicitlayers.sdf.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Reads point clouds and meshes by file extension: .ply (ASCII, binary little/big endian), .obj,
 * .off, .stl (binary or ASCII), .xyz / .xyzn / .txt / .pts ("x y z [nx ny nz]" per line). Errors
 * are {@link FormatException}s naming the file, the line or byte offset, and what was expected.
 */
public final class GeometryReader {
    private GeometryReader() {}

    public static ShapeData read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new java.io.FileNotFoundException(file + ": no such file");
        }
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        String ext = name.contains(".") ? name.substring(name.lastIndexOf('.') + 1) : "";
        switch (ext) {
            case "ply":
                return PlyReader.read(file);
            case "obj":
                return ObjReader.read(file);
            case "off":
                return OffReader.read(file);
            case "stl":
                return StlReader.read(file);
            case "xyz":
            case "xyzn":
            case "txt":
            case "pts":
                return XyzReader.read(file);
            default:
                throw FormatException.inFile(
                        file,
                        "unknown extension '."
                                + ext
                                + "': expected .ply, .obj, .off, .stl, .xyz, .xyzn, .pts or .txt");
        }
    }

    /** The file's points (and normals when it has them). */
    public static PointCloud readCloud(Path file) throws IOException {
        return read(file).cloud();
    }
}
