package org.implicitlayers.core.nn;

import java.util.Arrays;
import org.implicitlayers.core.Shapes;
import org.implicitlayers.core.Tensor;

/**
 * A trainable tensor: a leaf that requires grad. Optimisers update its values in place; loading
 * replaces them ({@link #set}). Modules hold parameters, not tensors, so a replaced value is seen
 * by every forward pass after it.
 */
public final class Parameter {
    private Tensor value;

    public Parameter(Tensor initial) {
        this.value = initial.detach().requiringGrad();
        org.implicitlayers.core.MemoryScope.persist(value);
    }

    /** The current values, a leaf that requires grad. */
    public Tensor value() {
        return value;
    }

    /** The gradient accumulated by the last backward passes, or null. */
    public Tensor grad() {
        return value.grad();
    }

    public void zeroGrad() {
        value.zeroGrad();
    }

    public int[] shape() {
        return value.shape();
    }

    public int numel() {
        return value.numel();
    }

    /** Replaces the values (same shape and dtype); the gradient is cleared. */
    public void set(Tensor v) {
        if (!Arrays.equals(v.shape(), value.shape()) || v.dtype() != value.dtype()) {
            throw new IllegalArgumentException("parameter of " + value.dtype() + Shapes.str(value.shape())
                    + " cannot take " + v.dtype() + Shapes.str(v.shape()));
        }
        value.zeroGrad();
        value = v.detach().to(value.backend()).requiringGrad();
        org.implicitlayers.core.MemoryScope.persist(value);
    }
}
