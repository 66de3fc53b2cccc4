package org.implicitlayers.implicit.convex;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A compiled problem: min c'x s.t. Ax + s = b, s in K, with K the product of a zero cone of
 * dimension {@code zero}, a nonnegative orthant of dimension {@code nonneg} and second-order cones
 * of the sizes {@code soc}, in that row order (the form of Agrawal et al. 2019, "Differentiating
 * through a cone program"). A, b, c (and the objective's constant d) are affine in the parameters
 * theta; they are stored as coefficient lists (data entry, theta entry, value), with theta entry
 * {@code parameterCount} standing for the constant 1, so that evaluating the data for one sample is
 * one pass over the lists and mapping data gradients back to theta is the transposed pass.
 */
final class ConeProgram {
    final int n, m, zero, nonneg;
    final int[] soc;
    final int parameterCount;
    final boolean negated;
    final Map<Variable, Integer> variableOffsets;
    final Map<Parameter, Integer> parameterOffsets;

    /** Per user constraint: first row and number of rows. */
    final int[][] constraintRows;

    /** Coefficient lists: data index, theta index, value, for A (row-major m x n), b, c, d. */
    final Coefficients a, b, c, d;

    record Coefficients(int[] data, int[] theta, double[] value) {
        static Coefficients of(List<double[]> triples) {
            int k = triples.size();
            int[] di = new int[k], ti = new int[k];
            double[] v = new double[k];
            for (int i = 0; i < k; i++) {
                double[] t = triples.get(i);
                di[i] = (int) t[0];
                ti[i] = (int) t[1];
                v[i] = t[2];
            }
            return new Coefficients(di, ti, v);
        }

        /** out[data] += value * thetaHat[theta]. */
        void evaluate(double[] thetaHat, double[] out) {
            for (int i = 0; i < data.length; i++) {
                out[data[i]] += value[i] * thetaHat[theta[i]];
            }
        }

        /**
         * gradTheta[theta] += value * gradData[data] (the transposed map); gradTheta has
         * parameterCount + 1 entries.
         */
        void backward(double[] gradData, double[] gradTheta) {
            for (int i = 0; i < data.length; i++) {
                gradTheta[theta[i]] += value[i] * gradData[data[i]];
            }
        }
    }

    /** The data of one sample. */
    record Data(double[] a, double[] b, double[] c, double d) {}

    private ConeProgram(
            int n,
            int zero,
            int nonneg,
            int[] soc,
            int parameterCount,
            boolean negated,
            Map<Variable, Integer> vo,
            Map<Parameter, Integer> po,
            int[][] constraintRows,
            Coefficients a,
            Coefficients b,
            Coefficients c,
            Coefficients d) {
        this.n = n;
        this.zero = zero;
        this.nonneg = nonneg;
        this.soc = soc;
        int m0 = zero + nonneg;
        for (int q : soc) {
            m0 += q;
        }
        this.m = m0;
        this.parameterCount = parameterCount;
        this.negated = negated;
        this.variableOffsets = vo;
        this.parameterOffsets = po;
        this.constraintRows = constraintRows;
        this.a = a;
        this.b = b;
        this.c = c;
        this.d = d;
    }

    static ConeProgram build(
            Canon canon,
            Affine objective,
            int[][] where,
            Map<Variable, Integer> vo,
            Map<Parameter, Integer> po,
            int np,
            boolean negated) {
        int n = canon.variableCount;
        List<List<Affine>> lists = List.of(canon.zero, canon.nonneg, canon.soc);
        int[][] blockRow = new int[3][];
        int row = 0;
        List<double[]> at = new ArrayList<>(),
                bt = new ArrayList<>(),
                ct = new ArrayList<>(),
                dt = new ArrayList<>();
        int[] dims = new int[3];
        int[] soc = new int[canon.soc.size()];
        for (int k = 0; k < 3; k++) {
            List<Affine> blocks = lists.get(k);
            blockRow[k] = new int[blocks.size()];
            for (int j = 0; j < blocks.size(); j++) {
                Affine e = blocks.get(j);
                blockRow[k][j] = row;
                if (k == 2) {
                    soc[j] = e.size();
                }
                dims[k] += e.size();
                // e in K with e = F x + g becomes A x + s = b with A = -F, b = g (then s = e).
                for (int i = 0; i < e.size(); i++) {
                    final int r = row + i;
                    e.rows[i].forEach(
                            (key, v) -> {
                                int var = Affine.variableOf(key), p = Affine.parameterOf(key);
                                int th = p == Affine.ONE ? np : p;
                                if (var == Affine.ONE) {
                                    bt.add(new double[] {r, th, v});
                                } else {
                                    at.add(new double[] {(double) r * n + var, th, -v});
                                }
                            });
                }
                row += e.size();
            }
        }
        objective.rows[0].forEach(
                (key, v) -> {
                    int var = Affine.variableOf(key), p = Affine.parameterOf(key);
                    int th = p == Affine.ONE ? np : p;
                    if (var == Affine.ONE) {
                        dt.add(new double[] {0, th, v});
                    } else {
                        ct.add(new double[] {var, th, v});
                    }
                });
        int[][] rows = new int[where.length][];
        for (int i = 0; i < where.length; i++) {
            int k = where[i][0], j = where[i][1];
            rows[i] = new int[] {blockRow[k][j], lists.get(k).get(j).size()};
        }
        return new ConeProgram(
                n,
                dims[0],
                dims[1],
                soc,
                np,
                negated,
                vo,
                po,
                rows,
                Coefficients.of(at),
                Coefficients.of(bt),
                Coefficients.of(ct),
                Coefficients.of(dt));
    }

    /** A, b, c, d for parameter values theta (parameterCount entries). */
    Data evaluate(double[] theta) {
        double[] th = java.util.Arrays.copyOf(theta, parameterCount + 1);
        th[parameterCount] = 1;
        double[] av = new double[m * n], bv = new double[m], cv = new double[n], dv = new double[1];
        a.evaluate(th, av);
        b.evaluate(th, bv);
        c.evaluate(th, cv);
        d.evaluate(th, dv);
        return new Data(av, bv, cv, dv[0]);
    }

    /**
     * The gradient with respect to theta (parameterCount entries) of a loss with the given
     * gradients with respect to A, b, c.
     */
    double[] backward(double[] gradA, double[] gradB, double[] gradC) {
        double[] g = new double[parameterCount + 1];
        a.backward(gradA, g);
        b.backward(gradB, g);
        c.backward(gradC, g);
        return java.util.Arrays.copyOf(g, parameterCount);
    }

    /** The cones for the solver. */
    Cones cones() {
        return new Cones(zero, nonneg, soc);
    }
}
