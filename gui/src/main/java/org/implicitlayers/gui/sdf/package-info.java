/**
 * The signed distance field workbench: fit a neural SDF to a point cloud, view the extracted mesh
 * in 3-D beside a slice of the field.
 */
package org.implicitlayers.gui.sdf;
