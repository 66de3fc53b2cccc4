<<<<<<< HEAD
/** Data and problem families of the bilevel examples: a shipped tabular data set, sine-wave regression tasks. */
=======
/**
 * Bilevel applications of the implicit function theorem: an inverse problem whose inner problem is
 * a Deep Ritz minimisation ({@link org.implicitlayers.examples.bilevel.CoefficientInversion}).
 */
>>>>>>> inverse
package org.implicitlayers.examples.bilevel;
