package org.implicitlayers.core.backend.nd4j;

import org.implicitlayers.core.DType;
import org.implicitlayers.core.backend.Backend;
import org.implicitlayers.core.backend.Storage;
import org.nd4j.linalg.api.ndarray.INDArray;

/** A flat, c-ordered ND4J array; shapes are applied by reshaping views when an op needs them. */
final class Nd4jStorage implements Storage {
    final INDArray array;
    private final Nd4jBackend backend;
    private volatile boolean released;

    Nd4jStorage(Nd4jBackend backend, INDArray array) {
        this.backend = backend;
        this.array = array;
    }

    INDArray array() {
        if (released) {
            throw new IllegalStateException("this tensor's ND4J memory was released (its MemoryScope closed, or the Parameter"
                    + " holding it was set to new values); keep it with MemoryScope.keep(...) or copy it to use it afterwards");
        }
        return array;
    }

    void release() {
        if (!released) {
            released = true;
            if (array.closeable()) {
                array.close();
            }
        }
    }

    @Override
    public DType dtype() {
        return array.dataType() == org.nd4j.linalg.api.buffer.DataType.DOUBLE ? DType.FLOAT64 : DType.FLOAT32;
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
