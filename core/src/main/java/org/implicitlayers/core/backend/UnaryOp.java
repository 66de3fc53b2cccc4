package org.implicitlayers.core.backend;

/**
 * Elementwise maps of one operand. Some take parameters {@code p} and {@code q}. The scalar
 * definitions here are the semantics every kernel implements; vector kernels must agree with them.
 */
public enum UnaryOp {
    NEG {
        public double apply(double x, double p, double q) {
            return -x;
        }
    },
    ABS {
        public double apply(double x, double p, double q) {
            return Math.abs(x);
        }
    },
    EXP {
        public double apply(double x, double p, double q) {
            return Math.exp(x);
        }
    },
    LOG {
        public double apply(double x, double p, double q) {
            return Math.log(x);
        }
    },
    SQRT {
        public double apply(double x, double p, double q) {
            return Math.sqrt(x);
        }
    },
    SQUARE {
        public double apply(double x, double p, double q) {
            return x * x;
        }
    },
    SIN {
        public double apply(double x, double p, double q) {
            return Math.sin(x);
        }
    },
    COS {
        public double apply(double x, double p, double q) {
            return Math.cos(x);
        }
    },
    TANH {
        public double apply(double x, double p, double q) {
            return Math.tanh(x);
        }
    },
    SIGMOID {
        public double apply(double x, double p, double q) {
            return 1.0 / (1.0 + Math.exp(-x));
        }
    },
    RELU {
        public double apply(double x, double p, double q) {
            return x > 0 ? x : 0.0;
        }
    },
    /** softplus with beta = p: log(1 + exp(p x)) / p, computed without overflow. */
    SOFTPLUS {
        public double apply(double x, double p, double q) {
            double z = p * x;
            return (Math.max(z, 0.0) + Math.log1p(Math.exp(-Math.abs(z)))) / p;
        }
    },
    /** sigmoid(p x): the slope of softplus with beta = p. */
    SOFTPLUS_SLOPE {
        public double apply(double x, double p, double q) {
            double z = p * x;
            return z >= 0 ? 1.0 / (1.0 + Math.exp(-z)) : Math.exp(z) / (1.0 + Math.exp(z));
        }
    },
    /** max(x, 0)^3, the activation of the Deep Ritz paper. */
    CUBIC_RELU {
        public double apply(double x, double p, double q) {
            return x > 0 ? x * x * x : 0.0;
        }
    },
    /** x^p for a constant exponent p. */
    POW {
        public double apply(double x, double p, double q) {
            return Math.pow(x, p);
        }
    },
    SIGN {
        public double apply(double x, double p, double q) {
            return Math.signum(x);
        }
    },
    /** Heaviside step: 1 where x > 0, else 0 (the derivative of relu). */
    STEP {
        public double apply(double x, double p, double q) {
            return x > 0 ? 1.0 : 0.0;
        }
    },
    /** x * p */
    SCALE {
        public double apply(double x, double p, double q) {
            return x * p;
        }
    },
    /** x + p */
    SHIFT {
        public double apply(double x, double p, double q) {
            return x + p;
        }
    },
    /** min(max(x, p), q) */
    CLAMP {
        public double apply(double x, double p, double q) {
            return Math.min(Math.max(x, p), q);
        }
    },
    /** 1 where {@literal p <= x <= q}, else 0 (the derivative of clamp). */
    INSIDE {
        public double apply(double x, double p, double q) {
            return x >= p && x <= q ? 1.0 : 0.0;
        }
    };

    /** The value of this map at x, with parameters p and q. */
    public abstract double apply(double x, double p, double q);
}
