/**
 * NumPy {@code .npz} files: tensors saved and loaded by name (parameters, checkpoints, outputs for
 * NumPy).
 */
package org.implicitlayers.core.io;
