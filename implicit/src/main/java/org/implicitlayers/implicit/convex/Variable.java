package org.implicitlayers.implicit.convex;

import java.util.List;

/**
 * An optimisation variable: a vector of {@code size} reals (a scalar for size 1). Identity, not
 * name, tells variables apart.
 */
public final class Variable extends Expr {
    private final String name;
    private final int size;

    /** A variable named {@code name} (in messages) with {@code size} entries, size &gt;= 1. */
    public Variable(String name, int size) {
        if (size < 1 || name == null || name.isBlank()) {
            throw new IllegalArgumentException(
                    "Variable: a name and size >= 1 required, got '" + name + "', " + size);
        }
        this.name = name;
        this.size = size;
    }

    /** A scalar variable. */
    public Variable(String name) {
        this(name, 1);
    }

    public String name() {
        return name;
    }

    public int size() {
        return size;
    }

    public boolean isConvex() {
        return true;
    }

    public boolean isConcave() {
        return true;
    }

    public boolean isNonneg() {
        return false;
    }

    public boolean isNonpos() {
        return false;
    }

    public boolean isConstant() {
        return false;
    }

    public boolean hasParameters() {
        return false;
    }

    List<Expr> args() {
        return List.of();
    }

    Affine canon(Canon c) {
        return Affine.variable(c.offset(this), size);
    }

    @Override
    public String toString() {
        return name;
    }
}
