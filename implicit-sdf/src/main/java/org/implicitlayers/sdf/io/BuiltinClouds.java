package org.implicitlayers.sdf.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import org.implicitlayers.core.Rng;
import org.implicitlayers.sdf.mesh.Shapes;

/**
 * The built-in inputs: point clouds sampled from the analytic shapes ({@code sphere}, {@code
 * torus}, {@code box}) and the Stanford bunny (1839 points with normals, {@code bunny.xyzn}), found
 * through the system property {@code implicit.data} or a {@code shared/data} or {@code data} folder
 * in the working directory or one of its parents.
 */
public final class BuiltinClouds {
    private BuiltinClouds() {}

    /** Names accepted by {@link #load}. */
    public static final String NAMES = "sphere, torus, box, bunny";

    /** The built-in names, as a list. */
    public static java.util.List<String> names() {
        return java.util.List.of("sphere", "torus", "box", "bunny");
    }

    /** Whether {@code name} is a built-in rather than a file. */
    public static boolean isBuiltin(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "sphere", "torus", "box", "bunny" -> true;
            default -> false;
        };
    }

    /**
     * A built-in cloud by name; analytic shapes get {@code points} surface samples with exact
     * normals.
     */
    public static PointCloud load(String name, int points, long seed) throws IOException {
        if (name.equalsIgnoreCase("bunny")) {
            Path f =
                    bunnyFile()
                            .orElseThrow(
                                    () ->
                                            new IOException(
                                                    "bunny.xyzn not found: the bunny's points (x y z nx ny nz per line)"
                                                            + " are not part of the repository; it looks for data/bunny.xyzn and shared/data/bunny.xyzn in the working"
                                                            + " directory and its parents, or in DIR with -Dimplicit.data=DIR (JAVA_OPTS for bin/implicit). Any scan works as"
                                                            + " a file too, e.g. bun_zipper.ply from the Stanford 3D Scanning Repository"));
            return GeometryReader.readCloud(f);
        }
        return sample(Shapes.named(name), points, seed);
    }

    /** {@code n} area-uniform samples of the surface of {@code shape}, with exact normals. */
    public static PointCloud sample(Shapes.Shape shape, int n, long seed) {
        Rng rng = Rng.seeded(seed);
        double[] p = new double[3 * n], nr = new double[3 * n];
        for (int i = 0; i < n; i++) {
            double[] s = shape.surfacePoint(rng.nextDouble(), rng.nextDouble());
            System.arraycopy(s, 0, p, 3 * i, 3);
            System.arraycopy(s, 3, nr, 3 * i, 3);
        }
        return new PointCloud(p, nr);
    }

    /** The bunny's point file, if it can be found. */
    public static Optional<Path> bunnyFile() {
        String prop = System.getProperty("implicit.data");
        if (prop != null && Files.isRegularFile(Path.of(prop, "bunny.xyzn"))) {
            return Optional.of(Path.of(prop, "bunny.xyzn"));
        }
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            for (String sub : new String[] {"shared/data", "data"}) {
                Path f = d.resolve(sub).resolve("bunny.xyzn");
                if (Files.isRegularFile(f)) {
                    return Optional.of(f);
                }
            }
        }
        return Optional.empty();
    }
}
