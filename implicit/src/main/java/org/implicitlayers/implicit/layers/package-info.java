/**
 * Layers built on implicit differentiation: deep equilibrium layers, batched QP layers (OptNet),
 * declarative nodes, and the projections used to check them.
 */
package org.implicitlayers.implicit.layers;
