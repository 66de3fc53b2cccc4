package org.implicitlayers.implicit.convex;

/**
 * A constraint of a {@link Problem}: {@code lhs == rhs} (both affine), {@code lhs <= rhs} (lhs
 * convex, rhs concave, elementwise with scalars broadcast) or a second-order cone {@code norm2(x)
 * <= t} given as {@link #soc(Expr, Expr)} (t and x affine). Its dual value at the solution has the
 * constraint's size (1 + size of x for a cone).
 */
public final class Constraint {
    enum Kind {
        EQ,
        LE,
        SOC
    }

    final Kind kind;
    final Expr lhs, rhs;

    private Constraint(Kind kind, Expr lhs, Expr rhs) {
        this.kind = kind;
        this.lhs = lhs;
        this.rhs = rhs;
    }

    static Constraint le(Expr a, Expr b) {
        Expr.broadcastSize("<=", a, b);
        return new Constraint(Kind.LE, a, b);
    }

    static Constraint eq(Expr a, Expr b) {
        Expr.broadcastSize("==", a, b);
        return new Constraint(Kind.EQ, a, b);
    }

    /**
     * ||x||_2 &lt;= t for a scalar affine t and an affine vector x: (t, x) in the second-order
     * cone.
     */
    public static Constraint soc(Expr t, Expr x) {
        if (t.size() != 1) {
            throw new IllegalArgumentException(
                    "soc: t must be a scalar, got " + t + " of size " + t.size());
        }
        return new Constraint(Kind.SOC, t, x);
    }

    /** Number of entries of the constraint (and of its dual value). */
    public int size() {
        return kind == Kind.SOC ? 1 + rhs.size() : Math.max(lhs.size(), rhs.size());
    }

    @Override
    public String toString() {
        return switch (kind) {
            case EQ -> lhs + " == " + rhs;
            case LE -> lhs + " <= " + rhs;
            case SOC -> "norm2(" + rhs + ") <= " + lhs;
        };
    }
}
