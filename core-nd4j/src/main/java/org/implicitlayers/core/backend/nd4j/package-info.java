/**
 * The ND4J backend (CPU natives, or CUDA with the {@code cuda} build profile): storage in {@code
 * INDArray}s, released deterministically by memory scopes. Loaded by class name through {@code
 * Backends.nd4j()} when this module is on the class path.
 */
package org.implicitlayers.core.backend.nd4j;
