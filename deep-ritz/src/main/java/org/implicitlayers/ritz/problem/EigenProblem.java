package org.implicitlayers.ritz.problem;

import org.implicitlayers.ritz.domain.Domain;

/**
 * The smallest eigenvalue of -Laplace(u) = lambda u with u = 0 on the boundary (E and Yu 2018, sec.
 * 3.3), found by minimising the Rayleigh quotient with a normalisation penalty.
 *
 * @param exactEigenvalue the known eigenvalue, or NaN
 */
public record EigenProblem(String name, Domain domain, double exactEigenvalue) implements Problem {}
