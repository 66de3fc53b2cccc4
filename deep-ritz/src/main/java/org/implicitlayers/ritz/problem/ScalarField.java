package org.implicitlayers.ritz.problem;

import org.implicitlayers.core.Tensor;

/**
 * A function of position, evaluated on points x [n, d] to values [n, 1] with differentiable tensor
 * ops.
 */
@FunctionalInterface
public interface ScalarField {
    Tensor at(Tensor x);

    static ScalarField constant(double c) {
        return x -> Tensor.full(x.dtype(), c, x.shape(0), 1).to(x.backend());
    }

    /** A parsed formula in the coordinates. */
    static ScalarField formula(String source, int dim) {
        Expression e = Expression.parse(source, dim);
        return new ScalarField() {
            public Tensor at(Tensor x) {
                return e.evaluate(x);
            }

            @Override
            public String toString() {
                return source;
            }
        };
    }
}
