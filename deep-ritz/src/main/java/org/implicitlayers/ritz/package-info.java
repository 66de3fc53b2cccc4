/**
 * Deep Ritz: variational PDE solvers on n-dimensional domains. Not yet implemented.
 */
package org.implicitlayers.ritz;
