/**
 * Convex optimisation problems written as mathematics and used as differentiable layers (in the
 * spirit of CVXPY and cvxpylayers): {@link org.implicitlayers.implicit.convex.Variable}, {@link
 * org.implicitlayers.implicit.convex.Parameter} and expressions over them, checked for convexity by
 * the disciplined convex programming rules when a {@link
 * org.implicitlayers.implicit.convex.Problem} is built, compiled once into a cone program min c'x
 * s.t. Ax + s = b, s in K (K a product of zero, nonnegative and second-order cones) whose data are
 * affine in the parameters, solved per sample by a primal-dual interior-point method ({@link
 * org.implicitlayers.implicit.convex.ConeSolver}) and differentiated by the implicit function
 * theorem on the cone program's residual map ({@code ConeDerivative}).
 */
package org.implicitlayers.implicit.convex;
