package org.implicitlayers.ritz.domain;

import org.implicitlayers.core.Tensor;

/**
 * Rvachev's R-functions on distance fields (tensors [n, 1]), with the normalised segment distance
 * of Sukumar and Srivastava (2022, eq. 5-6): the building blocks of every domain's distance().
 */
final class RFunctions {
    private RFunctions() {}

    /**
     * Intersection: phi1 + phi2 - sqrt(phi1^2 + phi2^2) (R0 conjunction); a tiny shift keeps the
     * gradient finite where both vanish.
     */
    static Tensor and(Tensor a, Tensor b) {
        return a.add(b).sub(a.square().add(b.square()).add(1e-30).sqrt());
    }

    /** Union: phi1 + phi2 + sqrt(phi1^2 + phi2^2) (R0 disjunction). */
    static Tensor or(Tensor a, Tensor b) {
        return a.add(b).add(a.square().add(b.square()).add(1e-30).sqrt());
    }

    /** Distance to the union of boundary pieces (R-equivalence with m = 1): 1 / sum 1/phi_i. */
    static Tensor equivalence(Tensor... phis) {
        Tensor s = null;
        for (Tensor p : phis) {
            Tensor inv = p.add(1e-12).pow(-1.0);
            s = s == null ? inv : s.add(inv);
        }
        return s.pow(-1.0);
    }

    /**
     * Unsigned, normalised distance to the segment (x1, y1)-(x2, y2), zero on it and smooth
     * elsewhere.
     */
    static Tensor segment(Tensor x, double x1, double y1, double x2, double y2) {
        double len = Math.hypot(x2 - x1, y2 - y1);
        double xc = 0.5 * (x1 + x2), yc = 0.5 * (y1 + y2);
        Tensor px = x.slice(1, 0, 1), py = x.slice(1, 1, 2);
        // f: signed distance to the line; t: positive on the segment's disc, trims the line to the
        // segment.
        Tensor f = px.sub(x1).mul((y2 - y1) / len).sub(py.sub(y1).mul((x2 - x1) / len)).neg();
        Tensor t = px.sub(xc).square().add(py.sub(yc).square()).neg().add(len * len / 4).div(len);
        Tensor fourth = f.square().square();
        // At an end point t and f both vanish: the shift keeps sqrt's slope finite there (without
        // it the gradient at a polygon's vertices was 0 * inf = NaN).
        Tensor psi = t.square().add(fourth).add(1e-30).sqrt();
        return f.square().add(psi.sub(t).mul(0.5).square()).add(1e-30).sqrt();
    }
}
