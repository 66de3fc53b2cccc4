package org.implicitlayers.core.backend;

import org.implicitlayers.core.DType;

/**
 * The elements of one tensor, contiguous and row-major, owned by one {@link Backend}. A storage has
 * no shape: the tensor that holds it does.
 */
public interface Storage {
    DType dtype();

    /** Number of elements. */
    int size();

    /** The backend whose kernels read and write this storage. */
    Backend backend();
}
