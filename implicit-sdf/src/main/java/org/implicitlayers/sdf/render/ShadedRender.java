package org.implicitlayers.sdf.render;

import org.implicitlayers.sdf.mesh.ScalarField;

/**
 * A shaded picture of a field's zero level set: sphere-traced rays, normals from grad f (central
 * differences of the field at the hit points), a head light plus a key light, Lambert shading.
 */
public final class ShadedRender {
    private ShadedRender() {}

    /**
     * Renders {@code field} seen by {@code cam}.
     *
     * @return ARGB pixels, row-major from the top-left; background light grey
     */
    public static int[] render(ScalarField field, Camera cam, SphereTracer.Options o) {
        int n = cam.width() * cam.height();
        double[] dirs = cam.directions();
        double[] origins = new double[3 * n];
        for (int i = 0; i < n; i++) {
            System.arraycopy(cam.eye(), 0, origins, 3 * i, 3);
        }
        double[] t = SphereTracer.trace(field, origins, dirs, o);
        int hits = 0;
        int[] hitIdx = new int[n];
        for (int i = 0; i < n; i++) {
            if (!Double.isNaN(t[i])) {
                hitIdx[hits++] = i;
            }
        }
        double h = 1e-3;
        double[] pts = new double[18 * hits];
        for (int a = 0; a < hits; a++) {
            int i = hitIdx[a];
            for (int k = 0; k < 6; k++) {
                for (int d = 0; d < 3; d++) {
                    double p = origins[3 * i + d] + t[i] * dirs[3 * i + d];
                    pts[18 * a + 3 * k + d] = p + (d == k / 2 ? (k % 2 == 0 ? h : -h) : 0);
                }
            }
        }
        float[] fv = new float[6 * hits];
        field.evaluate(pts, 6 * hits, fv);
        int[] img = new int[n];
        java.util.Arrays.fill(img, 0xFFF2F2F2);
        double[] key = Camera.normalize(new double[] {0.4, 0.3, 0.85});
        for (int a = 0; a < hits; a++) {
            int i = hitIdx[a];
            double[] g = new double[3];
            for (int d = 0; d < 3; d++) {
                g[d] = fv[6 * a + 2 * d] - fv[6 * a + 2 * d + 1];
            }
            double len = Math.sqrt(g[0] * g[0] + g[1] * g[1] + g[2] * g[2]);
            if (len == 0) {
                continue;
            }
            double head =
                    -(g[0] * dirs[3 * i] + g[1] * dirs[3 * i + 1] + g[2] * dirs[3 * i + 2]) / len;
            double k = (g[0] * key[0] + g[1] * key[1] + g[2] * key[2]) / len;
            double s = 0.15 + 0.55 * Math.max(0, head) + 0.35 * Math.max(0, k);
            int r = clamp(s * 235), gr = clamp(s * 200), b = clamp(s * 160);
            img[i] = 0xFF000000 | r << 16 | gr << 8 | b;
        }
        return img;
    }

    private static int clamp(double v) {
        return (int) Math.max(0, Math.min(255, Math.round(v)));
    }
}
