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

    /**
     * While bound ({@link Module#withValues}): the tensor that {@link #value()} returns instead.
     */
    private Tensor bound;

    /**
     * A parameter holding a copy-free leaf with {@code initial}'s values (it is cut from any tape).
     */
    public Parameter(Tensor initial) {
        this(initial.detach().requiringGrad(), true);
    }

    private Parameter(Tensor leaf, boolean persist) {
        this.value = leaf;
        if (persist) {
            org.implicitlayers.core.MemoryScope.persist(value);
        }
    }

    /**
     * Wraps a plain tensor that the caller already uses as a leaf: the optimiser then updates
     * {@code leaf} itself (in place) from {@code leaf.grad()}, so code that keeps using the tensor
     * sees the new values.
     *
     * @param leaf a tensor made with {@link Tensor#requiringGrad()}
     * @throws IllegalArgumentException if the tensor is not a leaf that requires grad
     */
    public static Parameter wrap(Tensor leaf) {
        if (!leaf.isLeaf() || !leaf.requiresGrad()) {
            throw new IllegalArgumentException(
                    "parameter: expected a leaf that requires grad (made with requiringGrad()), got "
                            + (leaf.isLeaf()
                                    ? "a leaf that does not require grad"
                                    : "the result of operation '" + leaf.op() + "'")
                            + " of shape "
                            + leaf.shapeString());
        }
        return new Parameter(leaf, true);
    }

    /**
     * The current values, a leaf that requires grad; inside {@link Module#withValues} the tensor
     * bound in its place (which may be any tensor on the tape).
     */
    public Tensor value() {
        return bound != null ? bound : value;
    }

    /** Binds {@code t} (same shape and dtype) in place of the values, or unbinds with null. */
    void bind(Tensor t) {
        if (t != null && (!Arrays.equals(t.shape(), value.shape()) || t.dtype() != value.dtype())) {
            throw new IllegalArgumentException(
                    "parameter of "
                            + value.dtype()
                            + Shapes.str(value.shape())
                            + " cannot be bound to "
                            + t.dtype()
                            + Shapes.str(t.shape()));
        }
        bound = t;
    }

    /** The gradient accumulated by the last backward passes, or null. */
    public Tensor grad() {
        return value.grad();
    }

    /** Clears the gradient. */
    public void zeroGrad() {
        value.zeroGrad();
    }

    /** The shape of the values. */
    public int[] shape() {
        return value.shape();
    }

    /** The number of values. */
    public int numel() {
        return value.numel();
    }

    /**
     * Replaces the values (same shape and dtype); the gradient is cleared. The replaced values are
     * released ({@link org.implicitlayers.core.backend.Backend#release}: off-heap memory is freed
     * at once, which L-BFGS, setting parameters at every evaluation, relies on), unless the new
     * values share their storage; a tensor obtained earlier from {@link #value()} is then no longer
     * readable on an off-heap backend.
     */
    public void set(Tensor v) {
        if (!Arrays.equals(v.shape(), value.shape()) || v.dtype() != value.dtype()) {
            throw new IllegalArgumentException(
                    "parameter of "
                            + value.dtype()
                            + Shapes.str(value.shape())
                            + " cannot take "
                            + v.dtype()
                            + Shapes.str(v.shape()));
        }
        Tensor old = value;
        old.zeroGrad();
        value = v.detach().to(old.backend()).requiringGrad();
        org.implicitlayers.core.MemoryScope.persist(value);
        if (value.storage() != old.storage()) {
            old.backend().release(old.storage());
        }
    }
}
