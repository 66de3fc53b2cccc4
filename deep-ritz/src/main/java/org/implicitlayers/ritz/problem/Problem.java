package org.implicitlayers.ritz.problem;

import org.implicitlayers.ritz.domain.Domain;

/**
 * What the solver is asked: a boundary-value problem ({@link PoissonProblem}) or the smallest
 * eigenvalue of the Dirichlet Laplacian ({@link EigenProblem}). A switch over the two is
 * exhaustive.
 */
public sealed interface Problem permits PoissonProblem, EigenProblem {
    /** A short name, used for output folders and titles. */
    String name();

    /** The domain, of dimension {@code domain().dim()}. */
    Domain domain();
}
