package org.implicitlayers.core.backend;

/** Reductions along axes. Mean and norms are built on SUM at the tensor level. */
public enum ReduceOp {
    SUM,
    MAX,
    MIN;

    public double identity() {
        switch (this) {
            case SUM:
                return 0.0;
            case MAX:
                return Double.NEGATIVE_INFINITY;
            default:
                return Double.POSITIVE_INFINITY;
        }
    }

    public double combine(double acc, double x) {
        switch (this) {
            case SUM:
                return acc + x;
            case MAX:
                return x > acc || Double.isNaN(x) ? x : acc;
            default:
                return x < acc || Double.isNaN(x) ? x : acc;
        }
    }
}
