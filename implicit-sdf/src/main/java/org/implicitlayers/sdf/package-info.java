/**
 * Neural signed distance fields and marching cubes. Not yet implemented.
 */
package org.implicitlayers.sdf;
