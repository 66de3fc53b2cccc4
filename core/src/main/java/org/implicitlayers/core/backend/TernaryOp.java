package org.implicitlayers.core.backend;

/**
 * Elementwise maps of three operands of one shape, with a scalar parameter p: fused kernels that
 * save passes over memory where a chain of binary operations would make three or four.
 */
public enum TernaryOp {
    /** a + p b c. */
    ADDCMUL {
        public double apply(double a, double b, double c, double p) {
            return a + p * b * c;
        }
    },
    /**
     * a (b + p (1 - a) c): the gradient reaching z through both h = softplus_p(z) and its slope s =
     * sigmoid(p z), given a = s, b = dL/dh and c = dL/ds (ds/dz = p s (1 - s)). Networks whose loss
     * holds their own input gradient (IGR, eikonal terms) need it in every layer.
     */
    SOFTPLUS_BACKWARD {
        public double apply(double a, double b, double c, double p) {
            return a * (b + p * (1 - a) * c);
        }
    };

    /** The value of this map at (a, b, c) with parameter p. */
    public abstract double apply(double a, double b, double c, double p);
}
