package org.implicitlayers.ritz.domain;

/**
 * A re-entrant corner of a plane domain: a boundary point where two straight boundary pieces meet
 * at an interior angle omega greater than pi. Near it the solution of an elliptic problem behaves
 * like r^(pi/omega) sin(pi phi / omega) (Grisvard 1985, ch. 4; Kondrat'ev 1967), with r the
 * distance to the vertex and phi the angle from the first edge, measured counter-clockwise through
 * the domain: its gradient is unbounded at the vertex.
 *
 * @param x the vertex's first coordinate
 * @param y the vertex's second coordinate
 * @param start the direction of the first edge leaving the vertex, as an angle in radians from the
 *     x axis (the domain lies counter-clockwise of it, between start and start + omega)
 * @param omega the interior angle in radians, in (pi, 2 pi]
 * @param radius within this distance of the vertex the domain is exactly the sector 0 &lt; phi &lt;
 *     omega (no other boundary comes closer), positive
 */
public record Corner(double x, double y, double start, double omega, double radius) {
    public Corner {
        if (!(omega > Math.PI && omega <= 2 * Math.PI + 1e-12)) {
            throw new IllegalArgumentException(
                    "corner: expected an interior angle in (pi, 2 pi], got " + omega);
        }
        if (!(radius > 0) || !Double.isFinite(radius)) {
            throw new IllegalArgumentException("corner: expected a positive radius, got " + radius);
        }
    }
}
