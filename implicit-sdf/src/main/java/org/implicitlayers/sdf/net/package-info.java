/**
 * SDF networks: the IGR architecture with geometric initialisation, and networks seen as scalar
 * fields.
 */
package org.implicitlayers.sdf.net;
