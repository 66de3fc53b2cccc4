/**
 * Linear solvers that need only the product x to A x: CG, GMRES(k), BiCGSTAB, the Neumann series,
 * and dense LU or Cholesky (also batched) for small systems.
 */
package org.implicitlayers.implicit.linear;
