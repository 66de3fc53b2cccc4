package org.implicitlayers.sdf.render;

import java.util.Arrays;
import org.implicitlayers.sdf.mesh.ScalarField;

/**
 * Ray-surface intersection for a signed distance field (Hart 1996): march t += stepScale f(o + t d)
 * until |f| &lt; epsilon, then refine the root of g(t) = f(o + t d) with Newton steps t -= g / g'
 * (g' by a central difference along d). All live rays are evaluated together in one batch per step.
 */
public final class SphereTracer {
    /**
     * Options.
     *
     * @param maxSteps sphere-tracing steps (128)
     * @param epsilon |f| at which a ray counts as hit (1e-4)
     * @param stepScale fraction of f taken per step, &lt; 1 for fields that are not exact distances
     *     (0.9)
     * @param far rays are missed beyond this t (10)
     * @param newtonSteps Newton refinements after the march (3)
     */
    public record Options(
            int maxSteps, double epsilon, double stepScale, double far, int newtonSteps) {
        public Options {
            if (maxSteps < 1
                    || !(epsilon > 0)
                    || !(stepScale > 0 && stepScale <= 1)
                    || !(far > 0)
                    || newtonSteps < 0) {
                throw new IllegalArgumentException(
                        "SphereTracer: need maxSteps >= 1, epsilon > 0, 0 < stepScale <= 1, far > 0, newtonSteps >= 0");
            }
        }

        public static Options defaults() {
            return new Options(128, 1e-4, 0.9, 10, 3);
        }
    }

    private SphereTracer() {}

    /**
     * Hit distances along the rays.
     *
     * @param origins [3 n]
     * @param dirs [3 n] unit directions
     * @return [n] t of the first hit, NaN for a miss
     */
    public static double[] trace(ScalarField f, double[] origins, double[] dirs, Options o) {
        int n = origins.length / 3;
        double[] t = new double[n];
        boolean[] hit = new boolean[n];
        int[] live = new int[n];
        for (int i = 0; i < n; i++) {
            live[i] = i;
        }
        int nl = n;
        double[] pts = new double[3 * n];
        float[] v = new float[n];
        for (int step = 0; step < o.maxSteps() && nl > 0; step++) {
            for (int a = 0; a < nl; a++) {
                int i = live[a];
                for (int d = 0; d < 3; d++) {
                    pts[3 * a + d] = origins[3 * i + d] + t[i] * dirs[3 * i + d];
                }
            }
            f.evaluate(pts, nl, v);
            int keep = 0;
            for (int a = 0; a < nl; a++) {
                int i = live[a];
                if (Math.abs(v[a]) < o.epsilon()) {
                    hit[i] = true;
                } else {
                    t[i] += o.stepScale() * v[a];
                    if (t[i] < o.far() && t[i] > -o.far()) {
                        live[keep++] = i;
                    }
                }
            }
            nl = keep;
        }
        int nh = 0;
        for (int i = 0; i < n; i++) {
            if (hit[i]) {
                live[nh++] = i;
            }
        }
        double h = 1e-4;
        double[] three = new double[9 * nh];
        float[] fv = new float[3 * nh];
        for (int it = 0; it < o.newtonSteps(); it++) {
            for (int a = 0; a < nh; a++) {
                int i = live[a];
                for (int k = 0; k < 3; k++) {
                    double tk = t[i] + (k - 1) * h;
                    for (int d = 0; d < 3; d++) {
                        three[9 * a + 3 * k + d] = origins[3 * i + d] + tk * dirs[3 * i + d];
                    }
                }
            }
            f.evaluate(three, 3 * nh, fv);
            for (int a = 0; a < nh; a++) {
                double slope = (fv[3 * a + 2] - fv[3 * a]) / (2 * h);
                if (Math.abs(slope) > 1e-6) {
                    t[live[a]] -= fv[3 * a + 1] / slope;
                }
            }
        }
        double[] out = new double[n];
        Arrays.fill(out, Double.NaN);
        for (int a = 0; a < nh; a++) {
            out[live[a]] = t[live[a]];
        }
        return out;
    }
}
