package org.implicitlayers.sdf.mesh;

/** A scalar function of 3-D points, evaluated in batches (a signed distance, a network). */
@FunctionalInterface
public interface ScalarField {
    /**
     * Values at {@code n} points.
     *
     * @param xyz [3 n] coordinates, x y z per point
     * @param n number of points
     * @param out receives the n values
     */
    void evaluate(double[] xyz, int n, float[] out);
}
