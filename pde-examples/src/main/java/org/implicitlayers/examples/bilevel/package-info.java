/**
 * Bilevel applications of the implicit function theorem: data and problem families (a shipped
 * tabular data set, sine-wave regression tasks) and an inverse problem whose inner problem is a
 * Deep Ritz minimisation ({@link org.implicitlayers.examples.bilevel.CoefficientInversion}).
 */
package org.implicitlayers.examples.bilevel;
