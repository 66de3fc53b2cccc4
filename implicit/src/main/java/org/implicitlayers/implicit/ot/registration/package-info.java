/**
 * Point-cloud registration by optimal transport: a similarity transform (rotation, translation,
 * optional scale) of a source cloud is fitted to a target cloud by gradient descent on the debiased
 * Sinkhorn divergence, with gradients through Sinkhorn (implicit or unrolled); a built-in 2-D
 * example with noise, outliers and a known ground truth.
 */
package org.implicitlayers.implicit.ot.registration;
