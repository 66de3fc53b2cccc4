/**
 * Point clouds and meshes in and out: PLY (ASCII and binary), OBJ, OFF, STL and XYZ(N) readers with
 * errors naming the file and line, normalisation, mesh and grid writers, built-in clouds.
 */
package org.implicitlayers.sdf.io;
