/**
 * Bilevel optimisation: an outer objective of the solution of an inner problem (an argmin or a
 * root), with hypergradients by the implicit function theorem (Krylov solves on Hessian-vector
 * products, memory independent of the inner iterations) or by backpropagation through all or the
 * last k inner steps. Entry point: {@link org.implicitlayers.implicit.bilevel.Bilevel}; inner
 * solvers: {@link org.implicitlayers.implicit.bilevel.InnerSolver}; inner variables, a tensor or a
 * module's parameters: {@link org.implicitlayers.implicit.bilevel.Variables}.
 */
package org.implicitlayers.implicit.bilevel;
