package org.implicitlayers.core.nn;

import java.util.function.UnaryOperator;
import org.implicitlayers.core.Tensor;

/** An elementwise nonlinearity with a name (used in descriptions and problem files). */
public interface Activation extends UnaryOperator<Tensor> {
    /** The name used in descriptions and problem files, e.g. "tanh" or "softplus(100.0)". */
    String name();

    private static Activation of(String name, UnaryOperator<Tensor> f) {
        return new Activation() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public Tensor apply(Tensor t) {
                return f.apply(t);
            }

            @Override
            public String toString() {
                return name;
            }
        };
    }

    /** The hyperbolic tangent. */
    static Activation tanh() {
        return of("tanh", Tensor::tanh);
    }

    /** max(x, 0). */
    static Activation relu() {
        return of("relu", Tensor::relu);
    }

    /** 1 / (1 + e^-x). */
    static Activation sigmoid() {
        return of("sigmoid", Tensor::sigmoid);
    }

    /** softplus with sharpness beta (IGR uses beta = 100). */
    static Activation softplus(double beta) {
        return of("softplus(" + beta + ")", t -> t.softplus(beta));
    }

    /** sin(omega0 x), the SIREN activation (Sitzmann et al. 2020 use omega0 = 30). */
    static Activation sine(double omega0) {
        return of("sine(" + omega0 + ")", t -> t.mul(omega0).sin());
    }

    /** max(x, 0)^3 (E and Yu 2018, Deep Ritz). */
    static Activation cubicRelu() {
        return of("cubic_relu", Tensor::cubicRelu);
    }

    /** x itself (no nonlinearity). */
    static Activation identity() {
        return of("identity", t -> t);
    }

    /** By name: tanh, relu, sigmoid, softplus[:beta], sine[:omega0], cubic_relu, identity. */
    static Activation parse(String spec) {
        String[] p = spec.trim().toLowerCase(java.util.Locale.ROOT).split(":", 2);
        switch (p[0]) {
            case "tanh":
                return tanh();
            case "relu":
                return relu();
            case "sigmoid":
                return sigmoid();
            case "softplus":
                return softplus(p.length > 1 ? Double.parseDouble(p[1]) : 1.0);
            case "sine":
            case "sin":
                return sine(p.length > 1 ? Double.parseDouble(p[1]) : 30.0);
            case "cubic_relu":
            case "relu3":
                return cubicRelu();
            case "identity":
            case "linear":
                return identity();
            default:
                throw new IllegalArgumentException(
                        "unknown activation '"
                                + spec
                                + "': expected tanh, relu, sigmoid, softplus[:beta], sine[:omega0], cubic_relu or identity");
        }
    }
}
