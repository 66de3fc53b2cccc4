package org.implicitlayers.ode.solver;

import java.util.Arrays;

/**
 * A Runge-Kutta method as data: its Butcher tableau, the weights of its embedded error estimate and
 * its dense output. {@link RungeKutta} turns any tableau into a stepper. Explicit methods have no
 * diagonal; diagonally implicit ones (backward Euler, ESDIRK) have {@code diag}, and each of their
 * stages solves {@code z = y + h sum_{j<i} a_ij k_j + h diag_i f(t + c_i h, z)} by Newton's method
 * with its gradient from the implicit function theorem.
 *
 * <p>Stage i (0-based) evaluates {@code k_i = f(t + c_i h, y + h sum_{j<i} a_ij k_j)}; the step is
 * {@code y1 = y + h sum_i b_i k_i}; the error estimate is {@code h sum_i e_i k_i} with {@code e = b
 * - bhat}. A method whose last stage is evaluated at {@code (t + h, y1)} is FSAL (first same as
 * last): that stage is the next step's first.
 *
 * @param name the method's name, as accepted by {@link Tableaus#byName}
 * @param order the order of {@code y1}
 * @param errorOrder the order of the embedded estimate that the step-size controller uses (the
 *     exponent is {@code 1 / (errorOrder + 1)}); 0 for fixed-step methods
 * @param c nodes, one per stage ({@code c[0] = 0})
 * @param a lower triangle: {@code a[i]} has {@code i} entries
 * @param b solution weights, one per stage
 * @param e error weights {@code b - bhat}, one per stage, or null for fixed-step methods
 * @param e3 second error weights of Dormand-Prince 8(5,3) (combined as in Hairer's DOP853), or null
 * @param dense the dense output
 * @param diag the diagonal of a diagonally implicit method (0 for explicit stages), or null for an
 *     explicit method
 */
public record ButcherTableau(
        String name,
        int order,
        int errorOrder,
        double[] c,
        double[][] a,
        double[] b,
        double[] e,
        double[] e3,
        DenseOutput dense,
        double[] diag) {
    /** An explicit method. */
    public ButcherTableau(
            String name,
            int order,
            int errorOrder,
            double[] c,
            double[][] a,
            double[] b,
            double[] e,
            double[] e3,
            DenseOutput dense) {
        this(name, order, errorOrder, c, a, b, e, e3, dense, null);
    }

    public ButcherTableau {
        int s = c.length;
        if (a.length != s
                || b.length != s
                || (e != null && e.length != s)
                || (e3 != null && e3.length != s)) {
            throw new IllegalArgumentException(
                    name + ": tableau arrays disagree on the number of stages " + s);
        }
        for (int i = 0; i < s; i++) {
            if (a[i].length != i) {
                throw new IllegalArgumentException(
                        name
                                + ": row "
                                + i
                                + " of a has "
                                + a[i].length
                                + " entries, expected "
                                + i);
            }
            double sum = diag == null ? 0 : diag[i];
            for (double v : a[i]) {
                sum += v;
            }
            if (Math.abs(sum - c[i]) > 1e-12) {
                throw new IllegalArgumentException(
                        name + ": row " + i + " of a sums to " + sum + ", not c = " + c[i]);
            }
        }
        if (diag != null && (diag.length != s || diag[0] != 0)) {
            throw new IllegalArgumentException(
                    name + ": the diagonal needs one entry per stage and an explicit first stage");
        }
        if (e == null && errorOrder != 0) {
            throw new IllegalArgumentException(name + ": a fixed-step method has no error order");
        }
    }

    /** Number of stages. */
    public int stages() {
        return c.length;
    }

    /** Whether the method has an embedded error estimate (and so an adaptive step size). */
    public boolean adaptive() {
        return e != null;
    }

    /**
     * Whether the last stage is {@code f(t + h, y1)}: c = 1 and its row of a (with the diagonal)
     * equals b.
     */
    public boolean fsal() {
        int s = stages();
        double last = diag == null ? 0 : diag[s - 1];
        return s > 1
                && c[s - 1] == 1.0
                && b[s - 1] == last
                && Arrays.equals(Arrays.copyOf(a[s - 1], s - 1), Arrays.copyOf(b, s - 1));
    }

    /** Whether any stage is implicit. */
    public boolean implicit() {
        if (diag == null) {
            return false;
        }
        for (double d : diag) {
            if (d != 0) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return name;
    }
}
