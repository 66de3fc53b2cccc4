package org.implicitlayers.core.backend.nd4j;

import org.implicitlayers.core.DType;
import org.implicitlayers.core.backend.Backend;
import org.implicitlayers.core.backend.Storage;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A flat, c-ordered ND4J array; shapes are applied by reshaping views when an op needs them. The
 * flat array is itself a view (ND4J marks reshapes as views, which it will not close), so the
 * storage also holds the array that owns the buffer, and releasing closes that one.
 */
final class Nd4jStorage implements Storage {
    final INDArray array;
    private final INDArray owner;
    private final Nd4jBackend backend;
    private volatile boolean released;

    /**
     * @param array the flat, c-ordered array the ops read
     * @param owner the array that owns its buffer (array itself, or the array it reshapes)
     */
    Nd4jStorage(Nd4jBackend backend, INDArray array, INDArray owner) {
        this.owner = owner;
        this.backend = backend;
        this.array = array;
    }

    INDArray array() {
        if (released) {
            throw new IllegalStateException(
                    "this tensor's ND4J memory was released (its MemoryScope closed, or the Parameter"
                            + " holding it was set to new values); keep it with MemoryScope.keep(...) or copy it to use it afterwards");
        }
        return array;
    }

    void release() {
        if (!released) {
            released = true;
            if (owner.closeable()) {
                owner.close();
            }
        }
    }

    @Override
    public DType dtype() {
        return array.dataType() == org.nd4j.linalg.api.buffer.DataType.DOUBLE
                ? DType.FLOAT64
                : DType.FLOAT32;
    }

    @Override
    public int size() {
        return (int) array.length();
    }

    @Override
    public Backend backend() {
        return backend;
    }
}
