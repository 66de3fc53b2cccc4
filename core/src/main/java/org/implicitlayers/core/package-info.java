/**
 * Tensors (immutable values with a shape, a dtype and a backend storage), reverse-mode autodiff to
 * any order ({@link org.implicitlayers.core.Grad}, {@link org.implicitlayers.core.CustomFunction}),
 * finite-difference gradient checks ({@link org.implicitlayers.core.GradCheck}), seeded random
 * streams, memory scopes and the choice of backend ({@link org.implicitlayers.core.Backends}).
 */
package org.implicitlayers.core;
