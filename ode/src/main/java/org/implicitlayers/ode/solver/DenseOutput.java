package org.implicitlayers.ode.solver;

/**
 * The continuous extension of a Runge-Kutta step: {@code y(t + theta h) = y + h sum_j w_j(theta)
 * K_j}, where K holds the step's stages followed by {@code f(t + h, y1)} (for FSAL methods that is
 * already the last stage and is not repeated). Output at requested times comes from here, not from
 * forcing steps onto them.
 */
@FunctionalInterface
public interface DenseOutput {
    /**
     * @param theta position in the step, in [0, 1]
     * @param b the method's solution weights (for interpolants written in terms of y1)
     * @return one weight per stage, plus one for {@code f(t + h, y1)} when the method is not FSAL
     */
    double[] weights(double theta, double[] b);

    /**
     * Cubic Hermite interpolation through y, y1 and their slopes f(t, y), f(t + h, y1): third order
     * accurate in h whatever the method (Hairer, Norsett and Wanner, Solving ODEs I, II.6).
     *
     * @param fsal whether the method's last stage is f(t + h, y1)
     */
    static DenseOutput hermite(boolean fsal) {
        return (theta, b) -> {
            int s = b.length;
            double[] w = new double[fsal ? s : s + 1];
            // y(theta) = y + theta (y1 - y) + theta (theta - 1) [(1 - 2 theta)(y1 - y) + (theta -
            // 1) h f0 + theta h f1]
            double onB = theta + theta * (theta - 1) * (1 - 2 * theta);
            for (int j = 0; j < s; j++) {
                w[j] = onB * b[j];
            }
            w[0] += theta * (theta - 1) * (theta - 1);
            w[w.length - 1] += theta * theta * (theta - 1);
            return w;
        };
    }

    /**
     * The quartic through y, y1, the slopes at both ends and a fifth-order midpoint value {@code y
     * + h sum_j m_j k_j} (Shampine 1986, Some practical Runge-Kutta formulas; the scheme of
     * torchdiffeq and diffrax for Dormand-Prince 5(4)). The method must be FSAL.
     */
    static DenseOutput quarticWithMidpoint(double[] mid) {
        return (theta, b) -> {
            int s = b.length;
            double t2 = theta * theta;
            double t3 = t2 * theta;
            double t4 = t3 * theta;
            double onY1 = -8 * t4 + 14 * t3 - 5 * t2;
            double onMid = 16 * t2 * (1 - theta) * (1 - theta);
            double[] w = new double[s];
            for (int j = 0; j < s; j++) {
                w[j] = onY1 * b[j] + onMid * mid[j];
            }
            w[0] += -2 * t4 + 5 * t3 - 4 * t2 + theta;
            w[s - 1] += 2 * t4 - 3 * t3 + t2;
            return w;
        };
    }

    /**
     * Tsitouras' (2011) own free interpolant of order 4 for his 5(4) pair, as factored polynomials
     * in theta (the form diffrax uses).
     */
    static DenseOutput tsitouras() {
        return (t, b) -> {
            double t2 = t * t;
            return new double[] {
                -1.0530884977290216
                        * t
                        * (t - 1.3299890189751412)
                        * (t2 - 1.4364028541716351 * t + 0.7139816917074209),
                0.1017 * t2 * (t2 - 2.1966568338249754 * t + 1.2949852507374631),
                2.490627285651252793 * t2 * (t2 - 2.38535645472061657 * t + 1.57803468208092486),
                -16.54810288924490272 * (t - 1.21712927295533244) * (t - 0.61620406037800089) * t2,
                47.37952196281928122 * (t - 1.203071208372362603) * (t - 0.658047292653547382) * t2,
                -34.87065786149660974 * (t - 1.2) * (t - 0.666666666666666667) * t2,
                2.5 * (t - 1) * (t - 0.6) * t2
            };
        };
    }
}
