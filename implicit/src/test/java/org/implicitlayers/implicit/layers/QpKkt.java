package org.implicitlayers.implicit.layers;

import org.implicitlayers.core.Tensor;

/**
 * The KKT conditions of a convex QP, evaluated from a returned (z, lambda, nu) and the data alone:
 * for a convex problem they certify optimality whatever solver produced the point. Each measure is
 * relative: an infinity norm over the sample divided by 1 + the size of the data it involves.
 */
record QpKkt(
        double primal,
        double dualSign,
        double complementarity,
        double stationarity,
        double maxViolation,
        double maxEqResidual,
        double objective) {

    double worst() {
        return Math.max(Math.max(primal, dualSign), Math.max(complementarity, stationarity));
    }

    /** Per-sample measures; q, g, a may be shared ([r, c]) or per sample ([B, r, c]). */
    static QpKkt[] of(QpFamily f, Tensor zt, Tensor lamt, Tensor nut) {
        int batch = f.batch(), n = f.n(), m = f.m(), pe = f.pe();
        double[] q = f.q().toDoubleArray(), p = f.p().toDoubleArray(), z = zt.toDoubleArray();
        double[] g = m == 0 ? null : f.g().toDoubleArray(),
                h = m == 0 ? null : f.h().toDoubleArray();
        double[] a = pe == 0 ? null : f.a().toDoubleArray(),
                b = pe == 0 ? null : f.b().toDoubleArray();
        double[] lam = m == 0 ? null : lamt.toDoubleArray(),
                nu = pe == 0 ? null : nut.toDoubleArray();
        int qs = f.q().rank() == 3 ? n * n : 0,
                gs = m > 0 && f.g().rank() == 3 ? m * n : 0,
                as = pe > 0 && f.a().rank() == 3 ? pe * n : 0;
        QpKkt[] out = new QpKkt[batch];
        for (int s = 0; s < batch; s++) {
            double hNorm = 0,
                    bNorm = 0,
                    pNorm = 0,
                    viol = 0,
                    eq = 0,
                    neg = 0,
                    comp = 0,
                    statScale = 0,
                    stat = 0,
                    obj = 0;
            double[] grad = new double[n];
            for (int i = 0; i < n; i++) {
                pNorm = Math.max(pNorm, Math.abs(p[s * n + i]));
                double qz = 0;
                for (int j = 0; j < n; j++) {
                    qz += q[s * qs + i * n + j] * z[s * n + j];
                }
                statScale = Math.max(statScale, Math.abs(qz));
                grad[i] = qz + p[s * n + i];
                obj += z[s * n + i] * (0.5 * qz + p[s * n + i]);
            }
            for (int c = 0; c < m; c++) {
                double gz = QpFamily.dot(g, s * gs + c * n, z, s * n, n);
                double hc = h[s * m + c], l = lam[s * m + c];
                hNorm = Math.max(hNorm, Math.abs(hc));
                viol = Math.max(viol, gz - hc);
                neg = Math.max(neg, -l);
                comp = Math.max(comp, Math.abs(l * (hc - gz)));
                for (int i = 0; i < n; i++) {
                    double t = g[s * gs + c * n + i] * l;
                    grad[i] += t;
                    statScale = Math.max(statScale, Math.abs(t));
                }
            }
            for (int c = 0; c < pe; c++) {
                double az = QpFamily.dot(a, s * as + c * n, z, s * n, n);
                bNorm = Math.max(bNorm, Math.abs(b[s * pe + c]));
                eq = Math.max(eq, Math.abs(az - b[s * pe + c]));
                for (int i = 0; i < n; i++) {
                    grad[i] += a[s * as + c * n + i] * nu[s * pe + c];
                }
            }
            for (double v : grad) {
                stat = Math.max(stat, Math.abs(v));
            }
            double primal = Math.max(Math.max(viol, 0) / (1 + hNorm), eq / (1 + bNorm));
            out[s] =
                    new QpKkt(
                            primal,
                            neg,
                            comp / (1 + Math.abs(obj)),
                            stat / (1 + Math.max(pNorm, statScale)),
                            Math.max(viol, 0),
                            eq,
                            obj);
        }
        return out;
    }
}
