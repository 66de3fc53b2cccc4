package org.implicitlayers.implicit.convergence;

import org.implicitlayers.core.Tensor;

/**
 * The one residual of each kind of solve, which every solver of that kind reports and compares with
 * its {@code tol}, so that a tolerance means the same thing whichever solver is used. Norms are
 * Euclidean over the whole tensor, batch included.
 *
 * <ul>
 *   <li>fixed point z = f(z): {@code ||f(z) - z|| / (1e-5 + ||f(z)||)} (torchdeq's relative
 *       residual);
 *   <li>root F(z) = 0: {@code ||F(z)|| / (1e-5 + ||z||)};
 *   <li>linear A x = b: {@code ||b - A x|| / ||b||} (Krylov solvers may track it by their
 *       recurrence, which equals it in exact arithmetic).
 * </ul>
 *
 * The 1e-5 keeps the relative residuals finite at z = 0.
 */
public final class Residuals {
    /** The small constant added to denominators. */
    public static final double EPS = 1e-5;

    private Residuals() {}

    /** The fixed-point residual from f(z) and z. */
    public static double fixedPoint(Tensor fz, Tensor z) {
        return fz.sub(z).norm().item() / (EPS + fz.norm().item());
    }

    /** The root residual from F(z) and z. */
    public static double root(Tensor fz, Tensor z) {
        return root(fz.norm().item(), z);
    }

    /** The root residual from ||F(z)|| and z. */
    public static double root(double normF, Tensor z) {
        return normF / (EPS + z.norm().item());
    }

    /** The linear residual ||r|| / ||b|| (||b|| floored at 1e-300). */
    public static double linear(double normR, double normB) {
        return normR / Math.max(normB, 1e-300);
    }
}
