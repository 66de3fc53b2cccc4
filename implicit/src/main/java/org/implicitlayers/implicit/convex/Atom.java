package org.implicitlayers.implicit.convex;

import java.util.List;
import org.hipparchus.linear.Array2DRowRealMatrix;
import org.hipparchus.linear.EigenDecompositionSymmetric;

/**
 * A convex (or, for {@code min}, concave) function of one argument, with the facts the composition
 * rules need (curvature, monotonicity given the argument's sign, sign of the result) and its
 * canonicalisation into epigraph variables and cones (Grant and Boyd 2008, graph implementations):
 *
 * <ul>
 *   <li>norm2(a) &lt;= t: (t, a) in the second-order cone;
 *   <li>sumSquares(a) &lt;= t: ||(t - 1, 2a)|| &lt;= t + 1, since (t + 1)^2 - (t - 1)^2 = 4t (the
 *       rotated cone as a standard one); quadForm(a, P) is sumSquares(L'a) with P = LL';
 *   <li>norm1, normInf, abs: -t &lt;= a &lt;= t with t a vector, a scalar, a vector;
 *   <li>max(a) &lt;= t: a &lt;= t; min(a) &gt;= t: a &gt;= t; pos(a) &lt;= t: t &gt;= 0, t &gt;= a.
 * </ul>
 */
final class Atom extends Expr {
    enum Kind {
        SUM_SQUARES("sumSquares"),
        QUAD_FORM("quadForm"),
        NORM1("norm1"),
        NORM2("norm2"),
        NORM_INF("normInf"),
        MAX("max"),
        MIN("min"),
        ABS("abs"),
        POS("pos");

        final String label;

        Kind(String label) {
            this.label = label;
        }
    }

    final Kind kind;
    final Expr arg;

    /** For QUAD_FORM: L' with P = L L' ([rank][n]). */
    final double[][] factorT;

    Atom(Kind kind, Expr arg, double[][] p) {
        this.kind = kind;
        this.arg = arg;
        this.factorT = kind == Kind.QUAD_FORM ? psdFactor(p, arg) : null;
    }

    /**
     * L' with P = L L' from the symmetric eigendecomposition; refuses a P that is not symmetric
     * PSD.
     */
    private static double[][] psdFactor(double[][] p, Expr arg) {
        int n = arg.size();
        if (p == null || p.length != n) {
            throw new IllegalArgumentException(
                    "quadForm: P must be ["
                            + n
                            + " x "
                            + n
                            + "] for "
                            + arg
                            + ", got "
                            + (p == null ? "null" : p.length + " rows"));
        }
        double scale = 0;
        for (double[] row : p) {
            if (row.length != n) {
                throw new IllegalArgumentException(
                        "quadForm: P must be ["
                                + n
                                + " x "
                                + n
                                + "] for "
                                + arg
                                + ", a row has "
                                + row.length);
            }
            for (double x : row) {
                scale = Math.max(scale, Math.abs(x));
            }
        }
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < i; j++) {
                if (Math.abs(p[i][j] - p[j][i]) > 1e-12 * Math.max(1, scale)) {
                    throw new IllegalArgumentException(
                            "quadForm: P is not symmetric (P["
                                    + i
                                    + "]["
                                    + j
                                    + "] = "
                                    + p[i][j]
                                    + ", P["
                                    + j
                                    + "]["
                                    + i
                                    + "] = "
                                    + p[j][i]
                                    + ")");
                }
            }
        }
        EigenDecompositionSymmetric eig =
                new EigenDecompositionSymmetric(new Array2DRowRealMatrix(p));
        double[] ev = eig.getEigenvalues();
        double tol = 1e-10 * Math.max(1, scale) * n;
        int rank = 0;
        for (double l : ev) {
            if (l < -tol) {
                throw new IllegalArgumentException(
                        "quadForm: P must be positive semidefinite, it has eigenvalue "
                                + l
                                + " (for a concave quadratic, use -quadForm(x, -P) in a maximisation)");
            }
            if (l > tol) {
                rank++;
            }
        }
        double[][] lt = new double[Math.max(rank, 1)][n];
        int r = 0;
        for (int k = 0; k < ev.length; k++) {
            if (ev[k] > tol) {
                double s = Math.sqrt(ev[k]);
                for (int j = 0; j < n; j++) {
                    lt[r][j] = s * eig.getEigenvector(k).getEntry(j);
                }
                r++;
            }
        }
        return lt;
    }

    private boolean elementwise() {
        return kind == Kind.ABS || kind == Kind.POS;
    }

    public int size() {
        return elementwise() ? arg.size() : 1;
    }

    private boolean concaveAtom() {
        return kind == Kind.MIN;
    }

    /** Nondecreasing in the argument, given what is known of its sign. */
    private boolean increasing() {
        return switch (kind) {
            case MAX, MIN, POS -> true;
            case QUAD_FORM -> false;
            default -> arg.isNonneg();
        };
    }

    private boolean decreasing() {
        return switch (kind) {
            case MAX, MIN, POS, QUAD_FORM -> false;
            default -> arg.isNonpos();
        };
    }

    /** Convex (resp. concave for min) by the composition rule. */
    private boolean composes() {
        if (arg.isAffine()) {
            return true;
        }
        boolean same = concaveAtom() ? arg.isConcave() : arg.isConvex();
        boolean opposite = concaveAtom() ? arg.isConvex() : arg.isConcave();
        return (increasing() && same) || (decreasing() && opposite);
    }

    public boolean isConvex() {
        return !concaveAtom() && composes() || (concaveAtom() && arg.isConstant());
    }

    public boolean isConcave() {
        return concaveAtom() && composes() || (!concaveAtom() && arg.isConstant());
    }

    public boolean isNonneg() {
        return kind == Kind.MAX || kind == Kind.MIN ? arg.isNonneg() : true;
    }

    public boolean isNonpos() {
        return (kind == Kind.MAX || kind == Kind.MIN) && arg.isNonpos();
    }

    public boolean isConstant() {
        return arg.isConstant();
    }

    public boolean hasParameters() {
        return arg.hasParameters();
    }

    List<Expr> args() {
        return List.of(arg);
    }

    @Override
    String dcpReason() {
        if (composes()) {
            return null;
        }
        String mono =
                kind == Kind.QUAD_FORM
                        ? "not monotone"
                        : "nondecreasing only for a nonnegative argument and nonincreasing only for a nonpositive one";
        return kind.label
                + " is "
                + (concaveAtom() ? "concave" : "convex")
                + " and "
                + mono
                + ", but its argument "
                + arg
                + " is "
                + arg.curvature()
                + " (only an affine argument is allowed here)";
    }

    Affine canon(Canon c) {
        Affine a = arg.canon(c);
        int k = a.size();
        switch (kind) {
            case QUAD_FORM:
                return sumSquares(c, a.times(factorT));
            case SUM_SQUARES:
                return sumSquares(c, a);
            case NORM2:
                {
                    Affine t = c.newVariables(1);
                    c.soc(t, a);
                    return t;
                }
            case NORM1:
                {
                    Affine t = c.newVariables(k);
                    c.nonneg(t.plus(a.scale(-1)));
                    c.nonneg(t.plus(a));
                    return t.sum();
                }
            case ABS:
                {
                    Affine t = c.newVariables(k);
                    c.nonneg(t.plus(a.scale(-1)));
                    c.nonneg(t.plus(a));
                    return t;
                }
            case NORM_INF:
                {
                    Affine t = c.newVariables(1).broadcast(k);
                    c.nonneg(t.plus(a.scale(-1)));
                    c.nonneg(t.plus(a));
                    return t.index(new int[] {0});
                }
            case MAX:
                {
                    Affine t = c.newVariables(1);
                    c.nonneg(t.broadcast(k).plus(a.scale(-1)));
                    return t;
                }
            case MIN:
                {
                    Affine t = c.newVariables(1);
                    c.nonneg(a.plus(t.broadcast(k).scale(-1)));
                    return t;
                }
            case POS:
                {
                    Affine t = c.newVariables(k);
                    c.nonneg(t);
                    c.nonneg(t.plus(a.scale(-1)));
                    return t;
                }
            default:
                throw new IllegalStateException(kind.toString());
        }
    }

    /** t with ||a||^2 &lt;= t, as ||(t - 1, 2a)|| &lt;= t + 1. */
    private static Affine sumSquares(Canon c, Affine a) {
        Affine t = c.newVariables(1);
        Affine one = Affine.constant(new double[] {1});
        c.soc(t.plus(one), Affine.concat(t.plus(one.scale(-1)), a.scale(2)));
        return t;
    }

    @Override
    public String toString() {
        return kind.label + "(" + arg + ")";
    }
}
