package org.implicitlayers.implicit.convex;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A vector-valued expression over {@link Variable}s and {@link Parameter}s (a scalar is a vector of
 * size 1 and broadcasts against any size). Every expression knows its curvature and sign, from
 * which {@link Problem} decides whether a problem is convex by the rules of disciplined convex
 * programming (Grant, Boyd and Ye 2006): a convex function of an affine argument is convex; of a
 * convex argument, when the function is nondecreasing in it (given the argument's sign); of a
 * concave argument, when nonincreasing. Products with parameters follow the disciplined
 * parametrised programming rule (Agrawal et al. 2019): one factor must be free of parameters, so
 * that the compiled cone program stays affine in the parameters.
 *
 * <p>Sizes are checked when an expression is built (an error names the operation and both sizes);
 * curvature is checked when a problem is built, so that the error can name the offending term.
 */
public abstract class Expr {
    Expr() {}

    /** Number of entries (1 for a scalar). */
    public abstract int size();

    /** Convex in the variables (affine and constant expressions are both convex and concave). */
    public abstract boolean isConvex();

    /** Concave in the variables. */
    public abstract boolean isConcave();

    /** Every entry is nonnegative, whatever the variables and parameters. */
    public abstract boolean isNonneg();

    /** Every entry is nonpositive. */
    public abstract boolean isNonpos();

    /** True when the expression depends on no variable. */
    public abstract boolean isConstant();

    /** True when the expression depends on some parameter. */
    public abstract boolean hasParameters();

    /** The sub-expressions, for traversal. */
    abstract List<Expr> args();

    /**
     * The epigraph (convex), hypograph (concave) or exact (affine) affine form, adding cones to
     * {@code c}.
     */
    abstract Affine canon(Canon c);

    /**
     * Why this node is neither convex nor concave although its arguments are fine; null if it is.
     */
    String dcpReason() {
        return isConvex() || isConcave() ? null : "neither convex nor concave";
    }

    /** True when both convex and concave. */
    public boolean isAffine() {
        return isConvex() && isConcave();
    }

    /** "constant", "affine", "convex", "concave" or "neither convex nor concave". */
    public String curvature() {
        if (isConstant()) {
            return "constant";
        }
        if (isAffine()) {
            return "affine";
        }
        return isConvex() ? "convex" : isConcave() ? "concave" : "neither convex nor concave";
    }

    // ---- affine operations ----

    public Expr plus(Expr o) {
        return new Add(this, o);
    }

    public Expr plus(double c) {
        return new Add(this, constant(c));
    }

    public Expr minus(Expr o) {
        return new Add(this, o.neg());
    }

    public Expr minus(double c) {
        return new Add(this, constant(c).neg());
    }

    public Expr neg() {
        return new Scale(this, new double[] {-1}, true);
    }

    /** This times a constant. */
    public Expr times(double c) {
        return new Scale(this, new double[] {c}, false);
    }

    /** Elementwise product with constants (length 1 or size()). */
    public Expr times(double[] c) {
        return new Scale(this, c.clone(), false);
    }

    /** Elementwise product with a scalar or vector parameter; this must be free of parameters. */
    public Expr times(Parameter p) {
        return new ParamScale(this, p);
    }

    /** Entry i (a scalar). */
    public Expr get(int i) {
        return index(i);
    }

    /** Entries [from, to). */
    public Expr slice(int from, int to) {
        if (from < 0 || to > size() || from >= to) {
            throw new IllegalArgumentException(
                    "slice [" + from + ", " + to + ") of " + this + " of size " + size());
        }
        int[] idx = new int[to - from];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = from + i;
        }
        return new Index(this, idx);
    }

    /** The entries at the given positions, in that order. */
    public Expr index(int... idx) {
        return new Index(this, idx.clone());
    }

    /** The sum of the entries (a scalar). */
    public Expr sum() {
        return new SumEntries(this);
    }

    // ---- constraints ----

    /** this &lt;= o: this - o must be convex. */
    public Constraint le(Expr o) {
        return Constraint.le(this, o);
    }

    public Constraint le(double c) {
        return Constraint.le(this, constant(c));
    }

    /** this &gt;= o: o - this must be convex. */
    public Constraint ge(Expr o) {
        return Constraint.le(o, this);
    }

    public Constraint ge(double c) {
        return Constraint.le(constant(c), this);
    }

    /** this == o: both must be affine. */
    public Constraint eq(Expr o) {
        return Constraint.eq(this, o);
    }

    public Constraint eq(double c) {
        return Constraint.eq(this, constant(c));
    }

    // ---- constructors ----

    /** A constant vector (a scalar for one value). */
    public static Expr constant(double... values) {
        return new Constant(values.clone());
    }

    /** M e for a constant matrix M [rows][e.size()]. */
    public static Expr matmul(double[][] m, Expr e) {
        return new MatMul(m, e);
    }

    /** P e for a matrix parameter P of shape [r, e.size()]; e must be free of parameters. */
    public static Expr matmul(Parameter p, Expr e) {
        return new ParamMatMul(p, e);
    }

    /** The entries of the parts, one after another. */
    public static Expr vstack(Expr... parts) {
        return new VStack(parts.clone());
    }

    /** The entries of the parts, one after another. */
    public static Expr vstack(List<? extends Expr> parts) {
        return new VStack(parts.toArray(new Expr[0]));
    }

    /** sum_i e_i^2 (convex). */
    public static Expr sumSquares(Expr e) {
        return new Atom(Atom.Kind.SUM_SQUARES, e, null);
    }

    /** e'Pe for a constant symmetric positive semidefinite P (convex). */
    public static Expr quadForm(Expr e, double[][] p) {
        return new Atom(Atom.Kind.QUAD_FORM, e, p);
    }

    /** sum_i |e_i| (convex). */
    public static Expr norm1(Expr e) {
        return new Atom(Atom.Kind.NORM1, e, null);
    }

    /** sqrt(sum_i e_i^2) (convex). */
    public static Expr norm2(Expr e) {
        return new Atom(Atom.Kind.NORM2, e, null);
    }

    /** max_i |e_i| (convex). */
    public static Expr normInf(Expr e) {
        return new Atom(Atom.Kind.NORM_INF, e, null);
    }

    /** max_i e_i (convex, nondecreasing). */
    public static Expr max(Expr e) {
        return new Atom(Atom.Kind.MAX, e, null);
    }

    /** min_i e_i (concave, nondecreasing). */
    public static Expr min(Expr e) {
        return new Atom(Atom.Kind.MIN, e, null);
    }

    /** |e_i| elementwise (convex). */
    public static Expr abs(Expr e) {
        return new Atom(Atom.Kind.ABS, e, null);
    }

    /** max(e_i, 0) elementwise (convex, nondecreasing). */
    public static Expr pos(Expr e) {
        return new Atom(Atom.Kind.POS, e, null);
    }

    static int broadcastSize(String op, Expr a, Expr b) {
        if (a.size() == b.size() || b.size() == 1) {
            return a.size();
        }
        if (a.size() == 1) {
            return b.size();
        }
        throw new IllegalArgumentException(
                op
                        + ": sizes "
                        + a.size()
                        + " ("
                        + a
                        + ") and "
                        + b.size()
                        + " ("
                        + b
                        + ") do not match");
    }

    // ---- nodes ----

    static final class Constant extends Expr {
        final double[] v;

        Constant(double[] v) {
            if (v.length == 0) {
                throw new IllegalArgumentException("constant: at least one value required");
            }
            this.v = v;
        }

        public int size() {
            return v.length;
        }

        public boolean isConvex() {
            return true;
        }

        public boolean isConcave() {
            return true;
        }

        public boolean isNonneg() {
            return Arrays.stream(v).allMatch(x -> x >= 0);
        }

        public boolean isNonpos() {
            return Arrays.stream(v).allMatch(x -> x <= 0);
        }

        public boolean isConstant() {
            return true;
        }

        public boolean hasParameters() {
            return false;
        }

        List<Expr> args() {
            return List.of();
        }

        Affine canon(Canon c) {
            return Affine.constant(v);
        }

        @Override
        public String toString() {
            if (v.length == 1) {
                return fmt(v[0]);
            }
            return v.length <= 4 ? Arrays.toString(v) : "const[" + v.length + "]";
        }
    }

    static String fmt(double x) {
        return x == Math.rint(x) && Math.abs(x) < 1e15
                ? Long.toString((long) x)
                : Double.toString(x);
    }

    static final class Add extends Expr {
        final Expr a, b;
        final int n;

        Add(Expr a, Expr b) {
            this.n = broadcastSize("plus", a, b);
            this.a = a;
            this.b = b;
        }

        public int size() {
            return n;
        }

        public boolean isConvex() {
            return a.isConvex() && b.isConvex();
        }

        public boolean isConcave() {
            return a.isConcave() && b.isConcave();
        }

        public boolean isNonneg() {
            return a.isNonneg() && b.isNonneg();
        }

        public boolean isNonpos() {
            return a.isNonpos() && b.isNonpos();
        }

        public boolean isConstant() {
            return a.isConstant() && b.isConstant();
        }

        public boolean hasParameters() {
            return a.hasParameters() || b.hasParameters();
        }

        List<Expr> args() {
            return List.of(a, b);
        }

        Affine canon(Canon c) {
            return a.canon(c).broadcast(n).plus(b.canon(c).broadcast(n));
        }

        @Override
        String dcpReason() {
            return super.dcpReason() == null
                    ? null
                    : "the sum of a "
                            + a.curvature()
                            + " term ("
                            + a
                            + ") and a "
                            + b.curvature()
                            + " term ("
                            + b
                            + ")";
        }

        @Override
        public String toString() {
            if (b instanceof Scale s && s.negation) {
                return a + " - " + paren(s.e);
            }
            return a + " + " + b;
        }
    }

    static String paren(Expr e) {
        return e instanceof Add ? "(" + e + ")" : e.toString();
    }

    static final class Scale extends Expr {
        final Expr e;
        final double[] c;
        final boolean negation;

        Scale(Expr e, double[] c, boolean negation) {
            if (c.length != 1 && c.length != e.size() && e.size() != 1) {
                throw new IllegalArgumentException(
                        "times: " + c.length + " constants for " + e + " of size " + e.size());
            }
            this.e = e;
            this.c = c;
            this.negation = negation;
        }

        private boolean allNonneg() {
            return Arrays.stream(c).allMatch(x -> x >= 0);
        }

        private boolean allNonpos() {
            return Arrays.stream(c).allMatch(x -> x <= 0);
        }

        public int size() {
            return Math.max(e.size(), c.length);
        }

        public boolean isConvex() {
            return e.isAffine() || (allNonneg() && e.isConvex()) || (allNonpos() && e.isConcave());
        }

        public boolean isConcave() {
            return e.isAffine() || (allNonneg() && e.isConcave()) || (allNonpos() && e.isConvex());
        }

        public boolean isNonneg() {
            return (allNonneg() && e.isNonneg()) || (allNonpos() && e.isNonpos());
        }

        public boolean isNonpos() {
            return (allNonneg() && e.isNonpos()) || (allNonpos() && e.isNonneg());
        }

        public boolean isConstant() {
            return e.isConstant();
        }

        public boolean hasParameters() {
            return e.hasParameters();
        }

        List<Expr> args() {
            return List.of(e);
        }

        Affine canon(Canon cc) {
            return e.canon(cc).scale(c);
        }

        @Override
        String dcpReason() {
            return super.dcpReason() == null
                    ? null
                    : "a " + e.curvature() + " term (" + e + ") times constants of mixed sign";
        }

        @Override
        public String toString() {
            if (negation) {
                return "-" + paren(e);
            }
            return (c.length == 1 ? fmt(c[0]) : "const[" + c.length + "]") + " * " + paren(e);
        }
    }

    static final class ParamScale extends Expr {
        final Expr e;
        final Parameter p;

        ParamScale(Expr e, Parameter p) {
            if (p.shape().length > 1) {
                throw new IllegalArgumentException(
                        "times: parameter "
                                + p.name()
                                + " is a matrix; use Expr.matmul("
                                + p.name()
                                + ", e)");
            }
            if (p.size() != 1 && e.size() != 1 && p.size() != e.size()) {
                throw new IllegalArgumentException(
                        "times: parameter "
                                + p.name()
                                + " of size "
                                + p.size()
                                + " and "
                                + e
                                + " of size "
                                + e.size());
            }
            this.e = e;
            this.p = p;
        }

        public int size() {
            return Math.max(e.size(), p.size());
        }

        private boolean dpp() {
            return !e.hasParameters();
        }

        public boolean isConvex() {
            return dpp() && (e.isAffine() || (p.isNonneg() && e.isConvex()));
        }

        public boolean isConcave() {
            return dpp() && (e.isAffine() || (p.isNonneg() && e.isConcave()));
        }

        public boolean isNonneg() {
            return p.isNonneg() && e.isNonneg();
        }

        public boolean isNonpos() {
            return p.isNonneg() && e.isNonpos();
        }

        public boolean isConstant() {
            return e.isConstant();
        }

        public boolean hasParameters() {
            return true;
        }

        List<Expr> args() {
            return List.of(e);
        }

        Affine canon(Canon c) {
            return e.canon(c).timesParameterElementwise(c.offset(p), p.size());
        }

        @Override
        String dcpReason() {
            if (!dpp()) {
                return "a product of two parameter-dependent factors ("
                        + p.name()
                        + " and "
                        + e
                        + "); the cone program would not be affine in the parameters";
            }
            return super.dcpReason() == null
                    ? null
                    : "parameter "
                            + p.name()
                            + " of unknown sign times a "
                            + e.curvature()
                            + " term ("
                            + e
                            + "); declare it with Parameter.nonneg if it is nonnegative";
        }

        @Override
        public String toString() {
            return p.name() + " * " + paren(e);
        }
    }

    static final class MatMul extends Expr {
        final double[][] m;
        final Expr e;
        final boolean nonneg, nonpos;

        MatMul(double[][] m, Expr e) {
            if (m.length == 0) {
                throw new IllegalArgumentException("matmul: empty matrix");
            }
            boolean nn = true, np = true;
            for (double[] row : m) {
                if (row.length != e.size()) {
                    throw new IllegalArgumentException(
                            "matmul: matrix ["
                                    + m.length
                                    + " x "
                                    + row.length
                                    + "] times "
                                    + e
                                    + " of size "
                                    + e.size());
                }
                for (double x : row) {
                    nn &= x >= 0;
                    np &= x <= 0;
                }
            }
            this.m = Arrays.stream(m).map(double[]::clone).toArray(double[][]::new);
            this.e = e;
            this.nonneg = nn;
            this.nonpos = np;
        }

        public int size() {
            return m.length;
        }

        public boolean isConvex() {
            return e.isAffine() || (nonneg && e.isConvex()) || (nonpos && e.isConcave());
        }

        public boolean isConcave() {
            return e.isAffine() || (nonneg && e.isConcave()) || (nonpos && e.isConvex());
        }

        public boolean isNonneg() {
            return (nonneg && e.isNonneg()) || (nonpos && e.isNonpos());
        }

        public boolean isNonpos() {
            return (nonneg && e.isNonpos()) || (nonpos && e.isNonneg());
        }

        public boolean isConstant() {
            return e.isConstant();
        }

        public boolean hasParameters() {
            return e.hasParameters();
        }

        List<Expr> args() {
            return List.of(e);
        }

        Affine canon(Canon c) {
            return e.canon(c).times(m);
        }

        @Override
        String dcpReason() {
            return super.dcpReason() == null
                    ? null
                    : "a matrix with entries of both signs times a "
                            + e.curvature()
                            + " term ("
                            + e
                            + ")";
        }

        @Override
        public String toString() {
            return "M[" + m.length + "x" + m[0].length + "] @ " + paren(e);
        }
    }

    static final class ParamMatMul extends Expr {
        final Parameter p;
        final Expr e;

        ParamMatMul(Parameter p, Expr e) {
            int[] s = p.shape();
            if (s.length != 2 || s[1] != e.size()) {
                throw new IllegalArgumentException(
                        "matmul: parameter "
                                + p.name()
                                + " of shape "
                                + Arrays.toString(s)
                                + " times "
                                + e
                                + " of size "
                                + e.size()
                                + " (shape [r, "
                                + e.size()
                                + "] required)");
            }
            this.p = p;
            this.e = e;
        }

        public int size() {
            return p.shape()[0];
        }

        private boolean ok() {
            return !e.hasParameters() && e.isAffine();
        }

        public boolean isConvex() {
            return ok();
        }

        public boolean isConcave() {
            return ok();
        }

        public boolean isNonneg() {
            return false;
        }

        public boolean isNonpos() {
            return false;
        }

        public boolean isConstant() {
            return e.isConstant();
        }

        public boolean hasParameters() {
            return true;
        }

        List<Expr> args() {
            return List.of(e);
        }

        Affine canon(Canon c) {
            return e.canon(c).timesParameter(c.offset(p), size());
        }

        @Override
        String dcpReason() {
            if (e.hasParameters()) {
                return "a product of two parameter-dependent factors ("
                        + p.name()
                        + " and "
                        + e
                        + "); the cone program would not be affine in the parameters";
            }
            return ok()
                    ? null
                    : "a parameter matrix of unknown signs times a "
                            + e.curvature()
                            + " term ("
                            + e
                            + ")";
        }

        @Override
        public String toString() {
            return p.name() + " @ " + paren(e);
        }
    }

    /**
     * An affine map of one argument that keeps its curvature and sign: taking entries, summing
     * them.
     */
    abstract static class EntrywiseOf extends Expr {
        final Expr e;

        EntrywiseOf(Expr e) {
            this.e = e;
        }

        public boolean isConvex() {
            return e.isConvex();
        }

        public boolean isConcave() {
            return e.isConcave();
        }

        public boolean isNonneg() {
            return e.isNonneg();
        }

        public boolean isNonpos() {
            return e.isNonpos();
        }

        public boolean isConstant() {
            return e.isConstant();
        }

        public boolean hasParameters() {
            return e.hasParameters();
        }

        List<Expr> args() {
            return List.of(e);
        }
    }

    static final class Index extends EntrywiseOf {
        final int[] idx;

        Index(Expr e, int[] idx) {
            super(e);
            if (idx.length == 0) {
                throw new IllegalArgumentException("index: no positions given for " + e);
            }
            for (int i : idx) {
                if (i < 0 || i >= e.size()) {
                    throw new IllegalArgumentException(
                            "index " + i + " out of range for " + e + " of size " + e.size());
                }
            }
            this.idx = idx;
        }

        public int size() {
            return idx.length;
        }

        Affine canon(Canon c) {
            return e.canon(c).index(idx);
        }

        @Override
        public String toString() {
            if (idx.length == 1) {
                return paren(e) + "[" + idx[0] + "]";
            }
            boolean contiguous = true;
            for (int i = 1; i < idx.length; i++) {
                contiguous &= idx[i] == idx[i - 1] + 1;
            }
            return paren(e)
                    + (contiguous ? "[" + idx[0] + ":" + (idx[idx.length - 1] + 1) + "]" : "[...]");
        }
    }

    static final class SumEntries extends EntrywiseOf {
        SumEntries(Expr e) {
            super(e);
        }

        public int size() {
            return 1;
        }

        Affine canon(Canon c) {
            return e.canon(c).sum();
        }

        @Override
        public String toString() {
            return "sum(" + e + ")";
        }
    }

    static final class VStack extends Expr {
        final Expr[] parts;

        VStack(Expr[] parts) {
            if (parts.length == 0) {
                throw new IllegalArgumentException("vstack: at least one part required");
            }
            this.parts = parts;
        }

        public int size() {
            return Arrays.stream(parts).mapToInt(Expr::size).sum();
        }

        public boolean isConvex() {
            return Arrays.stream(parts).allMatch(Expr::isConvex);
        }

        public boolean isConcave() {
            return Arrays.stream(parts).allMatch(Expr::isConcave);
        }

        public boolean isNonneg() {
            return Arrays.stream(parts).allMatch(Expr::isNonneg);
        }

        public boolean isNonpos() {
            return Arrays.stream(parts).allMatch(Expr::isNonpos);
        }

        public boolean isConstant() {
            return Arrays.stream(parts).allMatch(Expr::isConstant);
        }

        public boolean hasParameters() {
            return Arrays.stream(parts).anyMatch(Expr::hasParameters);
        }

        List<Expr> args() {
            return List.of(parts);
        }

        Affine canon(Canon c) {
            Affine[] a = new Affine[parts.length];
            for (int i = 0; i < parts.length; i++) {
                a[i] = parts[i].canon(c);
            }
            return Affine.concat(a);
        }

        @Override
        String dcpReason() {
            return super.dcpReason() == null ? null : "a stack of convex and concave parts";
        }

        @Override
        public String toString() {
            List<String> s = new ArrayList<>();
            for (Expr p : parts) {
                s.add(p.toString());
            }
            return "vstack(" + String.join(", ", s) + ")";
        }
    }
}
