package org.implicitlayers.core.backend.jvm;

import org.implicitlayers.core.DType;
import org.implicitlayers.core.backend.Backend;
import org.implicitlayers.core.backend.Storage;

/**
 * Elements in one heap array: exactly one of {@code f} (float32) and {@code d} (float64) is set. A
 * pooled storage's array came from the backend's {@link ArrayPool} and goes back to it when the
 * storage is released (its {@link org.implicitlayers.core.MemoryScope} closed); from then on the
 * storage refuses to be read, since its array may already hold another tensor's values.
 */
final class HeapStorage implements Storage {
    final float[] f;
    final double[] d;
    final boolean pooled;
    boolean released;
    private final JvmBackend backend;

    private HeapStorage(JvmBackend backend, float[] f, double[] d, boolean pooled) {
        this.backend = backend;
        this.f = f;
        this.d = d;
        this.pooled = pooled;
    }

    static HeapStorage pooled(JvmBackend backend, float[] f) {
        return new HeapStorage(backend, f, null, true);
    }

    static HeapStorage pooled(JvmBackend backend, double[] d) {
        return new HeapStorage(backend, null, d, true);
    }

    static HeapStorage of(JvmBackend backend, float[] f) {
        return new HeapStorage(backend, f, null, false);
    }

    static HeapStorage of(JvmBackend backend, double[] d) {
        return new HeapStorage(backend, null, d, false);
    }

    static HeapStorage allocate(JvmBackend backend, DType dtype, int size) {
        return dtype == DType.FLOAT32
                ? of(backend, new float[size])
                : of(backend, new double[size]);
    }

    boolean isFloat() {
        return f != null;
    }

    @Override
    public DType dtype() {
        return f != null ? DType.FLOAT32 : DType.FLOAT64;
    }

    @Override
    public int size() {
        return f != null ? f.length : d.length;
    }

    @Override
    public Backend backend() {
        return backend;
    }
}
