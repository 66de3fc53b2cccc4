package org.implicitlayers.ritz.problem;

/**
 * A condition on the whole boundary or on the part where {@code where(x) > 0}: Dirichlet u = g;
 * Neumann a du/dn = g; Robin a du/dn + alpha u = g.
 */
public record BoundaryCondition(Type type, ScalarField g, ScalarField alpha, ScalarField where) {
    public enum Type {
        DIRICHLET,
        NEUMANN,
        ROBIN
    }

    public static BoundaryCondition dirichlet(ScalarField g) {
        return new BoundaryCondition(Type.DIRICHLET, g, null, null);
    }

    public static BoundaryCondition neumann(ScalarField h) {
        return new BoundaryCondition(Type.NEUMANN, h, null, null);
    }

    public static BoundaryCondition robin(ScalarField alpha, ScalarField h) {
        return new BoundaryCondition(Type.ROBIN, h, alpha, null);
    }

    /** The same condition restricted to where the field is positive. */
    public BoundaryCondition on(ScalarField region) {
        return new BoundaryCondition(type, g, alpha, region);
    }
}
