package org.implicitlayers.core.backend;

import org.implicitlayers.core.DType;

/**
 * The primitive kernels that every tensor operation is built from. Storages are contiguous and
 * row-major; shapes are passed alongside. All methods return fresh storages and never modify their
 * arguments, except {@link #addScaledInPlace}, which optimisers use on parameters.
 *
 * <p>Shapes have been checked by the caller ({@code Tensor}); a backend may assume them valid. Two
 * implementations: the JVM backend (heap arrays, Vector API kernels) and the ND4J backend.
 */
public interface Backend {
    /** A short name: "jvm" or "nd4j". */
    String name();

    Storage fromDoubles(double[] values, DType dtype);

    Storage fromFloats(float[] values, DType dtype);

    double[] toDoubles(Storage s);

    float[] toFloats(Storage s);

    /** Element {@code index} as a double. */
    double get(Storage s, int index);

    Storage full(int size, double value, DType dtype);

    Storage cast(Storage s, DType dtype);

    /** {@code out[i] = op(a[i], p, q)}. */
    Storage unary(UnaryOp op, Storage a, double p, double q);

    /**
     * Two maps of one operand in one pass, {@code {first(a, p, q), second(a, p, q)}}; backends fuse
     * the pairs they know (softplus and its slope share one exponential) and otherwise make two
     * passes.
     */
    default Storage[] unaryPair(UnaryOp first, UnaryOp second, Storage a, double p, double q) {
        return new Storage[] {unary(first, a, p, q), unary(second, a, p, q)};
    }

    /**
     * {@code out[i] = op(a[i], b[i], c[i], p)} for three storages of one size. The default composes
     * unary and binary kernels; backends override it with one pass.
     */
    default Storage ternary(TernaryOp op, Storage a, Storage b, Storage c, double p) {
        int[] s = {a.size()};
        switch (op) {
            case ADDCMUL:
                {
                    Storage bc = binary(BinaryOp.MUL, b, s, c, s, s);
                    Storage pbc = unary(UnaryOp.SCALE, bc, p, 0);
                    release(bc);
                    Storage out = binary(BinaryOp.ADD, a, s, pbc, s, s);
                    release(pbc);
                    return out;
                }
            case SOFTPLUS_BACKWARD:
                {
                    Storage negA = unary(UnaryOp.NEG, a, 0, 0);
                    Storage oneMinus = unary(UnaryOp.SHIFT, negA, 1, 0);
                    release(negA);
                    Storage t = binary(BinaryOp.MUL, oneMinus, s, c, s, s);
                    release(oneMinus);
                    Storage pt = unary(UnaryOp.SCALE, t, p, 0);
                    release(t);
                    Storage sum = binary(BinaryOp.ADD, b, s, pt, s, s);
                    release(pt);
                    Storage out = binary(BinaryOp.MUL, a, s, sum, s, s);
                    release(sum);
                    return out;
                }
            default:
                throw new UnsupportedOperationException(name() + ": ternary " + op);
        }
    }

    /**
     * {@code out = op(a, b)} with NumPy broadcasting of {@code aShape} and {@code bShape} to {@code
     * outShape}.
     */
    Storage binary(BinaryOp op, Storage a, int[] aShape, Storage b, int[] bShape, int[] outShape);

    /** {@code out = cond != 0 ? a : b}, all three broadcast to {@code outShape}. */
    Storage where(
            Storage cond,
            int[] condShape,
            Storage a,
            int[] aShape,
            Storage b,
            int[] bShape,
            int[] outShape);

    /**
     * Matrix product {@code op(A) op(B)} where op transposes the last two axes when asked. Either
     * both operands have rank 2, or both have rank 3 with the same batch size.
     */
    Storage matmul(
            Storage a, int[] aShape, boolean transA, Storage b, int[] bShape, boolean transB);

    /**
     * A linear layer, {@code x W^T + b}, in one pass: x is [m,k], W is [n,k], b is [n] or null. The
     * bias initialises the output instead of being added afterwards.
     */
    Storage linear(Storage x, int[] xShape, Storage w, int[] wShape, Storage b);

    /** Reduction over {@code axes} (sorted, distinct); the result keeps reduced axes as size 1. */
    Storage reduce(ReduceOp op, Storage a, int[] shape, int[] axes);

    /** Copies {@code a} broadcast to {@code outShape} (rank of outShape >= rank of aShape). */
    Storage broadcastTo(Storage a, int[] aShape, int[] outShape);

    /** Copies {@code a} with its axes permuted: output axis i is input axis perm[i]. */
    Storage permute(Storage a, int[] shape, int[] perm);

    /** Concatenation along {@code axis}; all other extents agree. */
    Storage concat(Storage[] parts, int[][] shapes, int axis);

    /** Selects entries {@code index} along {@code axis}; the output has index.length there. */
    Storage gather(Storage a, int[] shape, int axis, int[] index);

    /**
     * The adjoint of gather: a zero tensor of {@code shape} with {@code shape[axis] = outExtent},
     * and {@code out[.., index[i], ..] += src[.., i, ..]}.
     */
    Storage indexAdd(Storage src, int[] srcShape, int axis, int[] index, int outExtent);

    /**
     * Frees the storage's memory now where the backend owns memory outside the Java heap; a no-op
     * otherwise.
     */
    default void release(Storage s) {}

    /** {@code target += alpha * x} in place: the one mutating kernel, used by optimisers. */
    void addScaledInPlace(Storage target, double alpha, Storage x);
}
