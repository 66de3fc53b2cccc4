package org.implicitlayers.examples.bilevel;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/**
 * The Breast Cancer Wisconsin (Diagnostic) data set shipped with the examples (569 samples, 30
 * features, class 0 malignant / 1 benign; source and licence in {@code data/README.md} beside it).
 */
public final class BreastCancer {
    /** The class-path resource. */
    public static final String RESOURCE = "/org/implicitlayers/examples/data/breast_cancer.csv";

    private static final String[] MEASURES = {
        "radius",
        "texture",
        "perimeter",
        "area",
        "smoothness",
        "compactness",
        "concavity",
        "concave points",
        "symmetry",
        "fractal dimension"
    };

    private BreastCancer() {}

    /** The features [569][30] and classes [569] (0 or 1). */
    public record Data(double[][] x, double[] y) {}

    /** The name of feature k: "mean radius", "radius SE", "worst radius", ... */
    public static String featureName(int k) {
        String m = MEASURES[k % 10];
        return k < 10 ? "mean " + m : k < 20 ? m + " SE" : "worst " + m;
    }

    /** Reads the shipped copy; a malformed line is reported with its number. */
    public static Data load() throws IOException {
        try (InputStream in = BreastCancer.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IOException("resource " + RESOURCE + " is missing from the class path");
            }
            BufferedReader r =
                    new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            String[] head = r.readLine().split(",");
            int n = Integer.parseInt(head[0].trim()), d = Integer.parseInt(head[1].trim());
            double[][] x = new double[n][d];
            double[] y = new double[n];
            for (int i = 0; i < n; i++) {
                String line = r.readLine();
                String[] f = line == null ? new String[0] : line.split(",");
                if (f.length != d + 1) {
                    throw new IOException(
                            RESOURCE
                                    + " line "
                                    + (i + 2)
                                    + ": expected "
                                    + (d + 1)
                                    + " fields, got "
                                    + f.length);
                }
                try {
                    for (int k = 0; k < d; k++) {
                        x[i][k] = Double.parseDouble(f[k]);
                    }
                    y[i] = Integer.parseInt(f[d].trim());
                } catch (NumberFormatException e) {
                    throw new IOException(
                            RESOURCE
                                    + " line "
                                    + (i + 2)
                                    + ": not a number ("
                                    + e.getMessage()
                                    + ")");
                }
                if (y[i] != 0 && y[i] != 1) {
                    throw new IOException(
                            RESOURCE
                                    + " line "
                                    + (i + 2)
                                    + ": class "
                                    + f[d]
                                    + ", expected 0 or 1");
                }
            }
            return new Data(x, y);
        }
    }
}
