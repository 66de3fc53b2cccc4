package org.implicitlayers.core.nn;

import org.implicitlayers.core.DType;
import org.implicitlayers.core.Rng;
import org.implicitlayers.core.Tensor;

/** How a linear layer's weight [out, in] and bias [out] are drawn. */
public interface Init {
    /** A weight matrix [out, in] drawn from rng. */
    Tensor weight(Rng rng, DType dtype, int out, int in);

    /** A bias [out] for a layer with {@code in} inputs, drawn from rng. */
    Tensor bias(Rng rng, DType dtype, int out, int in);

    private static Tensor uniform(Rng rng, DType dtype, double bound, int... shape) {
        return Tensor.rand(rng, dtype, shape).mul(2 * bound).sub(bound);
    }

    private static Tensor normal(Rng rng, DType dtype, double mean, double std, int... shape) {
        return Tensor.randn(rng, dtype, shape).mul(std).add(mean);
    }

    /** PyTorch's nn.Linear default: weight and bias uniform in +-1/sqrt(in). */
    static Init pytorchDefault() {
        return new Init() {
            public Tensor weight(Rng rng, DType dt, int out, int in) {
                return uniform(rng, dt, 1 / Math.sqrt(in), out, in);
            }

            public Tensor bias(Rng rng, DType dt, int out, int in) {
                return uniform(rng, dt, 1 / Math.sqrt(in), out);
            }
        };
    }

    /** Glorot and Bengio (2010): uniform in +-gain sqrt(6 / (in + out)); zero bias. */
    static Init xavierUniform(double gain) {
        return new Init() {
            public Tensor weight(Rng rng, DType dt, int out, int in) {
                return uniform(rng, dt, gain * Math.sqrt(6.0 / (in + out)), out, in);
            }

            public Tensor bias(Rng rng, DType dt, int out, int in) {
                return Tensor.zeros(dt, out);
            }
        };
    }

    /** Glorot and Bengio (2010): normal with std gain sqrt(2 / (in + out)); zero bias. */
    static Init xavierNormal(double gain) {
        return new Init() {
            public Tensor weight(Rng rng, DType dt, int out, int in) {
                return normal(rng, dt, 0, gain * Math.sqrt(2.0 / (in + out)), out, in);
            }

            public Tensor bias(Rng rng, DType dt, int out, int in) {
                return Tensor.zeros(dt, out);
            }
        };
    }

    /** He et al. (2015), fan-in mode for relu: normal with std sqrt(2 / in); zero bias. */
    static Init kaimingNormal() {
        return new Init() {
            public Tensor weight(Rng rng, DType dt, int out, int in) {
                return normal(rng, dt, 0, Math.sqrt(2.0 / in), out, in);
            }

            public Tensor bias(Rng rng, DType dt, int out, int in) {
                return Tensor.zeros(dt, out);
            }
        };
    }

    /** He et al. (2015), fan-in mode for relu: uniform in +-sqrt(6 / in); zero bias. */
    static Init kaimingUniform() {
        return new Init() {
            public Tensor weight(Rng rng, DType dt, int out, int in) {
                return uniform(rng, dt, Math.sqrt(6.0 / in), out, in);
            }

            public Tensor bias(Rng rng, DType dt, int out, int in) {
                return Tensor.zeros(dt, out);
            }
        };
    }

    /**
     * SIREN (Sitzmann et al. 2020, sec. 3.2): the first layer uniform in +-1/in, later layers
     * uniform in +-sqrt(6/in)/omega0; biases like PyTorch's default.
     */
    static Init siren(double omega0, boolean firstLayer) {
        return new Init() {
            public Tensor weight(Rng rng, DType dt, int out, int in) {
                return uniform(
                        rng, dt, firstLayer ? 1.0 / in : Math.sqrt(6.0 / in) / omega0, out, in);
            }

            public Tensor bias(Rng rng, DType dt, int out, int in) {
                return uniform(rng, dt, 1 / Math.sqrt(in), out);
            }
        };
    }

    /**
     * IGR geometric initialisation (Atzmon and Lipman 2020), hidden layers: W ~ N(0,
     * sqrt(2)/sqrt(out)), b = 0.
     */
    static Init geometricHidden() {
        return new Init() {
            public Tensor weight(Rng rng, DType dt, int out, int in) {
                return normal(rng, dt, 0, Math.sqrt(2) / Math.sqrt(out), out, in);
            }

            public Tensor bias(Rng rng, DType dt, int out, int in) {
                return Tensor.zeros(dt, out);
            }
        };
    }

    /**
     * IGR geometric initialisation, last layer: W ~ N(sqrt(pi)/sqrt(in), 1e-5), b = -radius, so
     * that the network starts close to the signed distance of a sphere of that radius.
     */
    static Init geometricLast(double radius) {
        return new Init() {
            public Tensor weight(Rng rng, DType dt, int out, int in) {
                return normal(rng, dt, Math.sqrt(Math.PI) / Math.sqrt(in), 1e-5, out, in);
            }

            public Tensor bias(Rng rng, DType dt, int out, int in) {
                return Tensor.full(dt, -radius, out);
            }
        };
    }
}
