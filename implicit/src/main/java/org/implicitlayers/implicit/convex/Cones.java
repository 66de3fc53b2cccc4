package org.implicitlayers.implicit.convex;

import java.util.Arrays;

/**
 * The cone K = {0}^zero x R+^nonneg x Q^soc[0] x Q^soc[1] x ..., in that row order, with Q^q = {(t,
 * x) in R x R^(q-1) : ||x|| &lt;= t} (self-dual, so K* is R^zero x the rest).
 */
public record Cones(int zero, int nonneg, int[] soc) {
    public Cones {
        if (zero < 0 || nonneg < 0 || soc == null || Arrays.stream(soc).anyMatch(q -> q < 1)) {
            throw new IllegalArgumentException(
                    "Cones: dimensions must be nonnegative and cone sizes >= 1, got "
                            + zero
                            + ", "
                            + nonneg
                            + ", "
                            + Arrays.toString(soc));
        }
        soc = soc.clone();
    }

    /** Total number of rows. */
    public int rows() {
        return zero + nonneg + Arrays.stream(soc).sum();
    }

    /** Rows of the inequality part (all but the zero cone). */
    int coneRows() {
        return nonneg + Arrays.stream(soc).sum();
    }

    /** Degree of the inequality part: one per nonnegative row and per second-order cone. */
    int degree() {
        return nonneg + soc.length;
    }

    /**
     * The projection onto K* (the dual cone) of v (all rows) and its derivative applied to dv:
     * identity on the zero cone's rows (K* is free there), clipping on the orthant, and the
     * second-order cone projection of Parikh and Boyd (2014, section 6.3.2).
     */
    double[] projectDual(double[] v) {
        double[] p = v.clone();
        for (int i = zero; i < zero + nonneg; i++) {
            p[i] = Math.max(v[i], 0);
        }
        int at = zero + nonneg;
        for (int q : soc) {
            double t = v[at], nx = 0;
            for (int i = 1; i < q; i++) {
                nx += v[at + i] * v[at + i];
            }
            nx = Math.sqrt(nx);
            if (nx <= t) {
                // inside: unchanged
            } else if (nx <= -t) {
                Arrays.fill(p, at, at + q, 0);
            } else {
                double f = 0.5 * (1 + t / nx);
                p[at] = f * nx;
                for (int i = 1; i < q; i++) {
                    p[at + i] = f * v[at + i];
                }
            }
            at += q;
        }
        return p;
    }

    /**
     * The derivative of {@code projectDual} at v, as a dense symmetric matrix [rows x rows]
     * (row-major).
     */
    double[] projectDualDerivative(double[] v) {
        int m = rows();
        double[] d = new double[m * m];
        for (int i = 0; i < zero; i++) {
            d[i * m + i] = 1;
        }
        for (int i = zero; i < zero + nonneg; i++) {
            // At v_i = 0 the projection has a kink; 0 is one of its one-sided derivatives.
            d[i * m + i] = v[i] > 0 ? 1 : 0;
        }
        int at = zero + nonneg;
        for (int q : soc) {
            double t = v[at], nx = 0;
            for (int i = 1; i < q; i++) {
                nx += v[at + i] * v[at + i];
            }
            nx = Math.sqrt(nx);
            if (nx <= t) {
                for (int i = 0; i < q; i++) {
                    d[(at + i) * m + at + i] = 1;
                }
            } else if (nx > -t) {
                d[at * m + at] = 0.5;
                for (int i = 1; i < q; i++) {
                    double u = v[at + i] / nx;
                    d[at * m + at + i] = 0.5 * u;
                    d[(at + i) * m + at] = 0.5 * u;
                    for (int j = 1; j < q; j++) {
                        double uj = v[at + j] / nx;
                        d[(at + i) * m + at + j] =
                                0.5 * ((i == j ? 1 + t / nx : 0) - (t / nx) * u * uj);
                    }
                }
            }
            at += q;
        }
        return d;
    }
}
