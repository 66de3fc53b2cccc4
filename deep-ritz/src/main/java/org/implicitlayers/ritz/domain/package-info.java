/**
 * Domains in n dimensions (boxes, balls, polygons, CSG, the slit disk): membership, interior and
 * boundary sampling with normals, measures, and smooth distance functions built from R-functions.
 */
package org.implicitlayers.ritz.domain;
