/**
 * What is solved: Poisson-type problems -div(a grad u) + c u = f with boundary conditions,
 * Dirichlet eigenproblems, and the formula fields (exp4j expressions evaluated as differentiable
 * tensors) they are written with.
 */
package org.implicitlayers.ritz.problem;
