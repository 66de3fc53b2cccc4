/**
 * Fitting a neural SDF to a point cloud: the IGR loss (surface, normal and eikonal terms), its
 * training pipeline and the saved model.
 */
package org.implicitlayers.sdf.fit;
