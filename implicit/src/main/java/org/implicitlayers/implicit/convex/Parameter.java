package org.implicitlayers.implicit.convex;

import java.util.Arrays;
import java.util.List;

/**
 * A problem datum whose value is given at each solve (and may carry a leading batch axis there): a
 * scalar (shape []), a vector (shape [n]) or a matrix (shape [r, c], used through {@link
 * Expr#matmul(Parameter, Expr)}). Gradients flow to every parameter. A parameter declared
 * nonnegative may multiply a convex expression (a regularisation weight); the values given at solve
 * time are then checked.
 */
public final class Parameter extends Expr {
    private final String name;
    private final int[] shape;
    private final boolean nonneg;

    private Parameter(String name, int[] shape, boolean nonneg) {
        if (name == null
                || name.isBlank()
                || shape.length > 2
                || Arrays.stream(shape).anyMatch(d -> d < 1)) {
            throw new IllegalArgumentException(
                    "Parameter: a name and a shape of rank 0, 1 or 2 with positive extents required, got '"
                            + name
                            + "', "
                            + Arrays.toString(shape));
        }
        this.name = name;
        this.shape = shape.clone();
        this.nonneg = nonneg;
    }

    /** A parameter of the given shape ([] scalar, [n] vector, [r, c] matrix). */
    public Parameter(String name, int... shape) {
        this(name, shape, false);
    }

    /** A parameter known to be nonnegative (elementwise); its values are checked at each solve. */
    public static Parameter nonneg(String name, int... shape) {
        return new Parameter(name, shape, true);
    }

    public String name() {
        return name;
    }

    /** The shape of one sample's value. */
    public int[] shape() {
        return shape.clone();
    }

    /** Number of entries of one sample's value. */
    public int numel() {
        int n = 1;
        for (int d : shape) {
            n *= d;
        }
        return n;
    }

    /**
     * As an expression: the number of entries; a matrix parameter is not an expression by itself.
     */
    public int size() {
        if (shape.length == 2) {
            throw new IllegalArgumentException(
                    "parameter "
                            + name
                            + " of shape "
                            + Arrays.toString(shape)
                            + " is a matrix; use it through Expr.matmul("
                            + name
                            + ", e)");
        }
        return numel();
    }

    public boolean isConvex() {
        return true;
    }

    public boolean isConcave() {
        return true;
    }

    public boolean isNonneg() {
        return nonneg;
    }

    public boolean isNonpos() {
        return false;
    }

    public boolean isConstant() {
        return true;
    }

    public boolean hasParameters() {
        return true;
    }

    List<Expr> args() {
        return List.of();
    }

    Affine canon(Canon c) {
        return Affine.parameter(c.offset(this), size());
    }

    @Override
    public String toString() {
        return name;
    }
}
