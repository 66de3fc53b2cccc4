package org.implicitlayers.implicit.convex;

import java.util.HashMap;
import java.util.Map;

/**
 * A vector-valued function that is affine in the (canonical) variables and, coefficient by
 * coefficient, affine in the parameters: row i is sum over (v, p) of a[i](v, p) * xhat_v *
 * thetahat_p with xhat = [x; 1] and thetahat = [theta; 1]. Index -1 stands for the constant 1 on
 * either side. This is what every expression becomes once its atoms are replaced by epigraph
 * variables, and the coefficients of the compiled cone program are read from it.
 */
final class Affine {
    static final int ONE = -1;

    final Map<Long, Double>[] rows;

    @SuppressWarnings("unchecked")
    Affine(int size) {
        rows = new HashMap[size];
        for (int i = 0; i < size; i++) {
            rows[i] = new HashMap<>();
        }
    }

    static long key(int variable, int parameter) {
        return ((long) (variable + 1) << 32) | (parameter + 1);
    }

    static int variableOf(long key) {
        return (int) (key >>> 32) - 1;
    }

    static int parameterOf(long key) {
        return (int) (key & 0xffffffffL) - 1;
    }

    int size() {
        return rows.length;
    }

    void add(int row, int variable, int parameter, double value) {
        if (value != 0) {
            rows[row].merge(key(variable, parameter), value, Double::sum);
        }
    }

    static Affine constant(double[] values) {
        Affine a = new Affine(values.length);
        for (int i = 0; i < values.length; i++) {
            a.add(i, ONE, ONE, values[i]);
        }
        return a;
    }

    static Affine variable(int offset, int size) {
        Affine a = new Affine(size);
        for (int i = 0; i < size; i++) {
            a.add(i, offset + i, ONE, 1);
        }
        return a;
    }

    static Affine parameter(int offset, int size) {
        Affine a = new Affine(size);
        for (int i = 0; i < size; i++) {
            a.add(i, ONE, offset + i, 1);
        }
        return a;
    }

    /** True when no coefficient depends on a parameter. */
    boolean parameterFree() {
        for (Map<Long, Double> r : rows) {
            for (long k : r.keySet()) {
                if (parameterOf(k) != ONE) {
                    return false;
                }
            }
        }
        return true;
    }

    /** Row i of this (or row 0 when this is a scalar, broadcast). */
    private Map<Long, Double> row(int i) {
        return rows[rows.length == 1 ? 0 : i];
    }

    Affine plus(Affine o) {
        int n = Math.max(size(), o.size());
        Affine r = new Affine(n);
        for (int i = 0; i < n; i++) {
            final int ii = i;
            row(i).forEach((k, v) -> r.rows[ii].merge(k, v, Double::sum));
            o.row(i).forEach((k, v) -> r.rows[ii].merge(k, v, Double::sum));
        }
        return r;
    }

    Affine scale(double c) {
        Affine r = new Affine(size());
        for (int i = 0; i < size(); i++) {
            final int ii = i;
            rows[i].forEach((k, v) -> r.rows[ii].put(k, v * c));
        }
        return r;
    }

    /** Elementwise product with constants (length 1 broadcasts). */
    Affine scale(double[] c) {
        int n = Math.max(size(), c.length);
        Affine r = new Affine(n);
        for (int i = 0; i < n; i++) {
            final int ii = i;
            double ci = c[c.length == 1 ? 0 : i];
            if (ci != 0) {
                row(i).forEach((k, v) -> r.rows[ii].put(k, v * ci));
            }
        }
        return r;
    }

    /** M this, M dense [rows][size()]. */
    Affine times(double[][] m) {
        Affine r = new Affine(m.length);
        for (int i = 0; i < m.length; i++) {
            for (int j = 0; j < size(); j++) {
                double mij = m[i][j];
                if (mij != 0) {
                    final int ii = i;
                    rows[j].forEach((k, v) -> r.rows[ii].merge(k, v * mij, Double::sum));
                }
            }
        }
        return r;
    }

    /**
     * P this for a parameter matrix P [rowsOut, size()] stored row-major from parameter index
     * offset; this must be parameter-free, so that the product stays affine in the parameters.
     */
    Affine timesParameter(int offset, int rowsOut) {
        int cols = size();
        Affine r = new Affine(rowsOut);
        for (int i = 0; i < rowsOut; i++) {
            for (int j = 0; j < cols; j++) {
                int p = offset + i * cols + j;
                final int ii = i;
                rows[j].forEach((k, v) -> r.add(ii, variableOf(k), p, v));
            }
        }
        return r;
    }

    /**
     * Elementwise product with a parameter vector (length 1 broadcasts); this must be
     * parameter-free.
     */
    Affine timesParameterElementwise(int offset, int length) {
        int n = Math.max(size(), length);
        Affine r = new Affine(n);
        for (int i = 0; i < n; i++) {
            int p = offset + (length == 1 ? 0 : i);
            final int ii = i;
            row(i).forEach((k, v) -> r.add(ii, variableOf(k), p, v));
        }
        return r;
    }

    Affine index(int[] idx) {
        Affine r = new Affine(idx.length);
        for (int i = 0; i < idx.length; i++) {
            r.rows[i].putAll(rows[idx[i]]);
        }
        return r;
    }

    Affine sum() {
        Affine r = new Affine(1);
        for (Map<Long, Double> row : rows) {
            row.forEach((k, v) -> r.rows[0].merge(k, v, Double::sum));
        }
        return r;
    }

    static Affine concat(Affine... parts) {
        int n = 0;
        for (Affine p : parts) {
            n += p.size();
        }
        Affine r = new Affine(n);
        int at = 0;
        for (Affine p : parts) {
            for (int i = 0; i < p.size(); i++) {
                r.rows[at++].putAll(p.rows[i]);
            }
        }
        return r;
    }

    /** Copies scalar to the given length; other sizes must match. */
    Affine broadcast(int n) {
        if (size() == n) {
            return this;
        }
        Affine r = new Affine(n);
        for (int i = 0; i < n; i++) {
            r.rows[i].putAll(rows[0]);
        }
        return r;
    }
}
