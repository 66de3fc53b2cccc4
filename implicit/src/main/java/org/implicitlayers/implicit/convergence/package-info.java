/**
 * What every solver returns ({@link org.implicitlayers.implicit.convergence.Solution}), the one
 * residual definition of each kind of solve ({@link
 * org.implicitlayers.implicit.convergence.Residuals}) and the policy on non-convergence.
 */
package org.implicitlayers.implicit.convergence;
