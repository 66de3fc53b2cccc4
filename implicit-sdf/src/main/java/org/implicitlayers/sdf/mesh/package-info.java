/**
 * Meshes from fields: grid sampling, marching cubes, analytic shapes, k-d trees and surface metrics
 * (Chamfer, Hausdorff, normal consistency).
 */
package org.implicitlayers.sdf.mesh;
