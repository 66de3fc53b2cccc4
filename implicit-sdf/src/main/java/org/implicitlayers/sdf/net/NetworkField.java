package org.implicitlayers.sdf.net;

import org.implicitlayers.core.DType;
import org.implicitlayers.core.Grad;
import org.implicitlayers.core.MemoryScope;
import org.implicitlayers.core.Tensor;
import org.implicitlayers.sdf.mesh.ScalarField;

/**
 * A network seen as a field: batches of points go through {@link SdfNetwork#forward} without a
 * tape, in chunks of {@code chunk} points (the backend's matrix kernels use every thread), each in
 * its own {@link MemoryScope} so that one chunk's activations serve the next.
 */
public final class NetworkField implements ScalarField {
    private final SdfNetwork net;
    private final DType dtype;
    private final int chunk;

    /**
     * @param net the network
     * @param dtype dtype of the inputs (that of the parameters)
     * @param chunk points per forward pass (16384 keeps a 256-wide layer's activations at 16 MB)
     */
    public NetworkField(SdfNetwork net, DType dtype, int chunk) {
        if (chunk < 1) {
            throw new IllegalArgumentException("NetworkField: chunk must be >= 1, got " + chunk);
        }
        this.net = net;
        this.dtype = dtype;
        this.chunk = chunk;
    }

    public NetworkField(SdfNetwork net, DType dtype) {
        this(net, dtype, 16384);
    }

    @Override
    public void evaluate(double[] xyz, int n, float[] out) {
        try (Grad.Scope ignored = Grad.noGrad()) {
            for (int start = 0; start < n; start += chunk) {
                int m = Math.min(chunk, n - start);
                double[] part = java.util.Arrays.copyOfRange(xyz, 3 * start, 3 * (start + m));
                // Each chunk's activations are released at once and recycled by the next chunk.
                try (MemoryScope scope = MemoryScope.open()) {
                    float[] f = net.forward(Tensor.of(dtype, part, m, 3)).toFloatArray();
                    System.arraycopy(f, 0, out, start, m);
                }
            }
        }
    }
}
