/**
 * Neural-network modules with named, nested parameters: linear layers, MLPs, the Deep Ritz residual
 * block, sequential containers, activations and initialisers.
 */
package org.implicitlayers.core.nn;
