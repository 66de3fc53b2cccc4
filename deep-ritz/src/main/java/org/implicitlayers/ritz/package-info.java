/**
 * Deep Ritz and PINN solvers: the typed options ({@link org.implicitlayers.ritz.RitzOptions}), JSON
 * problem files ({@link org.implicitlayers.ritz.ProblemFile}), built-in problems with their tuned
 * settings ({@link org.implicitlayers.ritz.Examples}), the cancellable solver with progress
 * callbacks ({@link org.implicitlayers.ritz.RitzSolver}) and a solution sampled on a grid ({@link
 * org.implicitlayers.ritz.SolutionGrid}).
 */
package org.implicitlayers.ritz;
