package org.implicitlayers.core.backend;

/**
 * Elementwise maps of two broadcast operands. Comparisons return 1 or 0 in the operands' dtype.
 * {@code TANH_GRAD} and {@code SIGMOID_GRAD} are the fused backward kernels of tanh and sigmoid:
 * with a = the forward output and b = the incoming gradient they save two passes over memory.
 */
public enum BinaryOp {
    ADD {
        public double apply(double a, double b) {
            return a + b;
        }
    },
    SUB {
        public double apply(double a, double b) {
            return a - b;
        }
    },
    MUL {
        public double apply(double a, double b) {
            return a * b;
        }
    },
    DIV {
        public double apply(double a, double b) {
            return a / b;
        }
    },
    POW {
        public double apply(double a, double b) {
            return Math.pow(a, b);
        }
    },
    MAX {
        public double apply(double a, double b) {
            return Math.max(a, b);
        }
    },
    MIN {
        public double apply(double a, double b) {
            return Math.min(a, b);
        }
    },
    GT {
        public double apply(double a, double b) {
            return a > b ? 1 : 0;
        }
    },
    GE {
        public double apply(double a, double b) {
            return a >= b ? 1 : 0;
        }
    },
    LT {
        public double apply(double a, double b) {
            return a < b ? 1 : 0;
        }
    },
    LE {
        public double apply(double a, double b) {
            return a <= b ? 1 : 0;
        }
    },
    EQ {
        public double apply(double a, double b) {
            return a == b ? 1 : 0;
        }
    },
    /** b (1 - a^2): the gradient b through y = tanh(x), given a = y. */
    TANH_GRAD {
        public double apply(double a, double b) {
            return b * (1 - a * a);
        }
    },
    /** b a (1 - a): the gradient b through s = sigmoid(x), given a = s. */
    SIGMOID_GRAD {
        public double apply(double a, double b) {
            return b * a * (1 - a);
        }
    };

    public abstract double apply(double a, double b);
}
