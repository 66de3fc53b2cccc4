/**
 * Neural signed distance fields: point-cloud readers, IGR networks and losses, fitting, marching
 * cubes and surface metrics.
 */
package org.implicitlayers.sdf;
