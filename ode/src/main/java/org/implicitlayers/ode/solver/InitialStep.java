package org.implicitlayers.ode.solver;

import org.implicitlayers.core.Tensor;
import org.implicitlayers.ode.Dynamics;

/**
 * The automatic first step of Hairer, Norsett and Wanner (Solving ODEs I, II.4, and the HINIT
 * routine of DOPRI5): an explicit Euler step of size h0 = 0.01 |y0| / |f0| (in the scaled RMS norm)
 * estimates the second derivative, and the step is chosen so that the local error of a method of
 * the given order is about 0.01. Costs one evaluation of f. Returns |h|; the probe step goes in
 * direction {@code dir} (+1 or -1).
 */
final class InitialStep {
    private InitialStep() {}

    static double hairer(
            Dynamics f,
            double t0,
            Tensor y0,
            Tensor f0,
            int order,
            double[] rtol,
            double[] atol,
            int normLength,
            double dir,
            double hMax,
            int[] nfe) {
        double[] y = y0.toDoubleArray();
        double[] fy = f0.toDoubleArray();
        double[] sc = new double[normLength];
        for (int i = 0; i < normLength; i++) {
            sc[i] =
                    atol[atol.length == 1 ? 0 : i]
                            + rtol[rtol.length == 1 ? 0 : i] * Math.abs(y[i]);
        }
        double d0 = rms(y, null, sc);
        double d1 = rms(fy, null, sc);
        double h0 = d0 < 1e-5 || d1 < 1e-5 ? 1e-6 : 0.01 * d0 / d1;
        h0 = Math.min(h0, hMax);
        Tensor y1 = Lincomb.of(y0, new double[] {dir * h0}, new Tensor[] {f0});
        Tensor f1 = RungeKutta.eval(f, t0 + dir * h0, y1, nfe);
        double d2 = rms(f1.toDoubleArray(), fy, sc) / h0;
        double dm = Math.max(d1, d2);
        double h1 = dm <= 1e-15 ? Math.max(1e-6, h0 * 1e-3) : Math.pow(0.01 / dm, 1.0 / order);
        return Math.min(Math.min(100 * h0, h1), hMax);
    }

    private static double rms(double[] a, double[] minus, double[] sc) {
        double s = 0;
        for (int i = 0; i < sc.length; i++) {
            double v = (minus == null ? a[i] : a[i] - minus[i]) / sc[i];
            s += v * v;
        }
        return Math.sqrt(s / sc.length);
    }
}
