/**
 * Implicit differentiation: fixed points ({@link org.implicitlayers.implicit.FixedPoints}), roots
 * ({@link org.implicitlayers.implicit.Roots}) and argmins ({@link
 * org.implicitlayers.implicit.Argmin}) whose gradients come from the implicit function theorem
 * ({@link org.implicitlayers.implicit.ImplicitDiff}) with any forward solver and any linear solver
 * for the backward.
 */
package org.implicitlayers.implicit;
