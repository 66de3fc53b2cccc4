/**
 * Nonlinear solvers: fixed-point solvers (Picard, Anderson acceleration, Broyden) and root solvers
 * (Newton-Krylov, Broyden), each a record with {@code defaults()} and withers; and the fixed-point
 * form of a linear solve.
 */
package org.implicitlayers.implicit.solve;
