/**
 * Bilevel applications of the implicit function theorem: an inverse problem whose inner problem is
 * a Deep Ritz minimisation ({@link org.implicitlayers.examples.bilevel.CoefficientInversion}).
 */
package org.implicitlayers.examples.bilevel;
