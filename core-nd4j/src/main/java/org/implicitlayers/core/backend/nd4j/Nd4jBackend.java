package org.implicitlayers.core.backend.nd4j;

import org.implicitlayers.core.DType;
import org.implicitlayers.core.MemoryScope;
import org.implicitlayers.core.backend.Backend;
import org.implicitlayers.core.backend.BinaryOp;
import org.implicitlayers.core.backend.ReduceOp;
import org.implicitlayers.core.backend.Storage;
import org.implicitlayers.core.backend.UnaryOp;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The ND4J backend: storage in {@link INDArray}s, kernels from ND4J's native library (its CUDA
 * build with the {@code cuda} profile, the GPU path). On the CPU it is a second implementation of
 * every primitive, which the op tests compare with the JVM backend.
 *
 * <p>Every array it allocates is registered with the current {@link MemoryScope}, so a loop that
 * opens a scope per step frees its intermediates deterministically instead of waiting for the
 * garbage collector. Intermediate arrays inside one primitive are closed before it returns.
 */
public final class Nd4jBackend implements Backend {
    public Nd4jBackend() {
        Nd4j.create(1); // loads the native library now, not inside the first timed op
        // Its OpenMP threads spin between calls: at the small sizes of our networks, several
        // threads were several times slower than one on two cores. OMP_NUM_THREADS overrides this.
        if (System.getenv("OMP_NUM_THREADS") == null) {
            Nd4j.getEnvironment().setMaxThreads(1);
            Nd4j.getEnvironment().setMaxMasterThreads(1);
        }
    }

    /** Closes an array made inside a primitive unless it is (a view of) a storage's array. */
    private static void free(INDArray t) {
        if (t != null && !t.isView() && t.closeable()) {
            t.close();
        }
    }

    @Override
    public String name() {
        return "nd4j";
    }

    @Override
    public String toString() {
        return "nd4j[" + Nd4j.getBackend().getClass().getSimpleName() + "]";
    }

    private static DataType dt(DType t) {
        return t == DType.FLOAT32 ? DataType.FLOAT : DataType.DOUBLE;
    }

    private static INDArray a(Storage s) {
        return ((Nd4jStorage) s).array();
    }

    /** Wraps a result, flattened and c-ordered, and registers it with the current scope. */
    private Storage wrap(INDArray x) {
        INDArray owner = x;
        if (x.isView() || x.ordering() != 'c') {
            owner = x.dup('c');
            // A fresh result in the wrong order (e.g. from gemm) is no storage's array: free it
            // now.
            // Storages' arrays are flat and c-ordered, so they never take this path.
            free(x);
        }
        // The reshape is a view that ND4J will not close: the storage closes its owner instead.
        INDArray flat = owner.reshape('c', new long[] {owner.length()});
        Nd4jStorage s = new Nd4jStorage(this, flat, owner);
        MemoryScope.register(s, st -> ((Nd4jStorage) st).release());
        return s;
    }

    private static long[] shapeOf(int[] shape, int rank) {
        long[] out = new long[Math.max(rank, 1)];
        java.util.Arrays.fill(out, 1L);
        int off = out.length - shape.length;
        for (int i = 0; i < shape.length; i++) {
            out[i + off] = shape[i];
        }
        return out;
    }

    private static INDArray view(Storage s, int[] shape) {
        return a(s).reshape('c', shapeOf(shape, shape.length));
    }

    private static INDArray broadcastView(Storage s, int[] shape, int[] out) {
        long[] target = shapeOf(out, out.length);
        INDArray v = a(s).reshape('c', shapeOf(shape, out.length));
        return java.util.Arrays.equals(v.shape(), target) ? v : v.broadcast(target);
    }

    @Override
    public Storage fromDoubles(double[] values, DType dtype) {
        INDArray x =
                values.length == 0
                        ? Nd4j.create(dt(dtype), 0)
                        : Nd4j.createFromArray(values.clone());
        return wrap(castFreeing(x, dt(dtype)));
    }

    @Override
    public Storage fromFloats(float[] values, DType dtype) {
        INDArray x =
                values.length == 0
                        ? Nd4j.create(dt(dtype), 0)
                        : Nd4j.createFromArray(values.clone());
        return wrap(castFreeing(x, dt(dtype)));
    }

    /** x in the given type; a fresh x that had to be converted is freed. */
    private static INDArray castFreeing(INDArray x, DataType type) {
        if (x.dataType() == type) {
            return x;
        }
        INDArray out = x.castTo(type);
        free(x);
        return out;
    }

    @Override
    public double[] toDoubles(Storage s) {
        return s.size() == 0 ? new double[0] : a(s).toDoubleVector();
    }

    @Override
    public float[] toFloats(Storage s) {
        return s.size() == 0 ? new float[0] : a(s).toFloatVector();
    }

    @Override
    public double get(Storage s, int index) {
        return a(s).getDouble((long) index);
    }

    @Override
    public Storage full(int size, double value, DType dtype) {
        return wrap(Nd4j.valueArrayOf(new long[] {size}, value, dt(dtype)));
    }

    @Override
    public Storage cast(Storage s, DType dtype) {
        return s.dtype() == dtype ? s : wrap(a(s).castTo(dt(dtype)));
    }

    private static INDArray mask(INDArray bool, DataType type) {
        INDArray m = bool.castTo(type);
        free(bool);
        return m;
    }

    @Override
    public Storage unary(UnaryOp op, Storage s, double p, double q) {
        INDArray x = a(s);
        DataType t = x.dataType();
        switch (op) {
            case NEG:
                return wrap(x.neg());
            case ABS:
                return wrap(Transforms.abs(x, true));
            case EXP:
                return wrap(Transforms.exp(x, true));
            case LOG:
                return wrap(Transforms.log(x, true));
            case SQRT:
                return wrap(Transforms.sqrt(x, true));
            case SQUARE:
                return wrap(x.mul(x));
            case SIN:
                return wrap(Transforms.sin(x, true));
            case COS:
                return wrap(Transforms.cos(x, true));
            case TANH:
                return wrap(Transforms.tanh(x, true));
            case SIGMOID:
                return wrap(Transforms.sigmoid(x, true));
            case RELU:
                return wrap(Transforms.relu(x, true));
            case SOFTPLUS:
                {
                    // log(1 + exp(z)) = max(z, 0) + log(1 + exp(-|z|)), z = beta x: no overflow for
                    // large z.
                    INDArray z = x.mul(p);
                    INDArray tail =
                            Transforms.log(
                                    Transforms.exp(Transforms.abs(z, true).negi(), false).addi(1.0),
                                    false);
                    INDArray out = Transforms.max(z, 0.0, true).addi(tail).divi(p);
                    z.close();
                    tail.close();
                    return wrap(out);
                }
            case SOFTPLUS_SLOPE:
                {
                    INDArray z = x.mul(p);
                    INDArray out = Transforms.sigmoid(z, false);
                    if (out != z) {
                        z.close();
                    }
                    return wrap(out);
                }
            case CUBIC_RELU:
                {
                    INDArray r = Transforms.relu(x, true);
                    INDArray out = r.mul(r).muli(r);
                    r.close();
                    return wrap(out);
                }
            case POW:
                return wrap(Transforms.pow(x, p, true));
            case SIGN:
                return wrap(Transforms.sign(x, true));
            case STEP:
                return wrap(mask(x.gt(0.0), t));
            case SCALE:
                return wrap(x.mul(p));
            case SHIFT:
                return wrap(x.add(p));
            case CLAMP:
                {
                    INDArray lo = Transforms.max(x, p, true);
                    INDArray out = Transforms.min(lo, q, true);
                    lo.close();
                    return wrap(out);
                }
            case INSIDE:
                {
                    INDArray ge = mask(x.gte(p), t);
                    INDArray le = mask(x.lte(q), t);
                    INDArray out = ge.muli(le);
                    le.close();
                    return wrap(out);
                }
            default:
                throw new UnsupportedOperationException("nd4j: unary " + op);
        }
    }

    @Override
    public Storage binary(
            BinaryOp op, Storage as, int[] aShape, Storage bs, int[] bShape, int[] outShape) {
        INDArray x = broadcastView(as, aShape, outShape), y = broadcastView(bs, bShape, outShape);
        try {
            return wrap(binaryOp(op, x, y));
        } finally {
            if (x != a(as)) {
                free(x);
            }
            if (y != a(bs)) {
                free(y);
            }
        }
    }

    private static INDArray binaryOp(BinaryOp op, INDArray x, INDArray y) {
        DataType t = x.dataType();
        switch (op) {
            case ADD:
                return (x.add(y));
            case SUB:
                return (x.sub(y));
            case MUL:
                return (x.mul(y));
            case DIV:
                return (x.div(y));
            case POW:
                return (Transforms.pow(x, y, true));
            case MAX:
                return (Transforms.max(x, y, true));
            case MIN:
                return (Transforms.min(x, y, true));
            case GT:
                return (mask(x.gt(y), t));
            case LT:
                return (mask(y.gt(x), t));
            case GE:
                return (mask(y.gt(x), t).rsubi(1.0));
            case LE:
                return (mask(x.gt(y), t).rsubi(1.0));
            case EQ:
                return (mask(x.eq(y), t));
            case TANH_GRAD:
                return x.mul(x).rsubi(1.0).muli(y);
            case SIGMOID_GRAD:
                return x.rsub(1.0).muli(x).muli(y);
            default:
                throw new UnsupportedOperationException("nd4j: binary " + op);
        }
    }

    /**
     * Selection by a mask runs on host copies: ND4J M2.1 has no three-operand where that
     * broadcasts, and arithmetic blending (mask * a + (1 - mask) * b) would turn an infinite
     * unselected value into NaN.
     */
    @Override
    public Storage where(
            Storage cond,
            int[] condShape,
            Storage as,
            int[] aShape,
            Storage bs,
            int[] bShape,
            int[] outShape) {
        long n = 1;
        for (int d : outShape) {
            n *= d;
        }
        double[] c =
                broadcastView(cond, condShape, outShape)
                        .dup('c')
                        .reshape('c', new long[] {n})
                        .toDoubleVector();
        double[] x =
                broadcastView(as, aShape, outShape)
                        .dup('c')
                        .reshape('c', new long[] {n})
                        .toDoubleVector();
        double[] y =
                broadcastView(bs, bShape, outShape)
                        .dup('c')
                        .reshape('c', new long[] {n})
                        .toDoubleVector();
        for (int i = 0; i < x.length; i++) {
            if (c[i] == 0) {
                x[i] = y[i];
            }
        }
        return fromDoubles(x, as.dtype());
    }

    @Override
    public Storage matmul(
            Storage as, int[] aShape, boolean transA, Storage bs, int[] bShape, boolean transB) {
        if (aShape.length == 2) {
            return wrap(Nd4j.gemm(view(as, aShape), view(bs, bShape), transA, transB));
        }
        INDArray x = view(as, aShape), y = view(bs, bShape);
        int batch = aShape[0];
        INDArray[] parts = new INDArray[batch];
        INDArray[] products = new INDArray[batch];
        for (int i = 0; i < batch; i++) {
            INDArray c = Nd4j.gemm(x.slice(i), y.slice(i), transA, transB);
            products[i] = c;
            parts[i] = c.reshape('c', new long[] {1, c.rows(), c.columns()});
        }
        // Wrapped (copied if concat handed back a view of a product) before the products are freed;
        // the reshapes are views, which ND4J does not close, so the products themselves are freed.
        Storage out = wrap(Nd4j.concat(0, parts));
        for (INDArray p : products) {
            free(p);
        }
        return out;
    }

    @Override
    public Storage linear(Storage x, int[] xShape, Storage w, int[] wShape, Storage b) {
        INDArray out = Nd4j.gemm(view(x, xShape), view(w, wShape), false, true);
        if (b != null) {
            out.addiRowVector(a(b));
        }
        return wrap(out);
    }

    @Override
    public Storage reduce(ReduceOp op, Storage s, int[] shape, int[] axes) {
        if (axes.length == 0) {
            return wrap(a(s).dup());
        }
        INDArray x = view(s, shape);
        switch (op) {
            case SUM:
                return wrap(x.sum(true, axes));
            case MAX:
                return wrap(x.max(true, axes));
            default:
                return wrap(x.min(true, axes));
        }
    }

    @Override
    public Storage broadcastTo(Storage s, int[] aShape, int[] outShape) {
        INDArray v = broadcastView(s, aShape, outShape);
        INDArray out = v.dup('c');
        if (v != a(s)) {
            free(v);
        }
        return wrap(out);
    }

    @Override
    public Storage permute(Storage s, int[] shape, int[] perm) {
        return wrap(view(s, shape).permute(perm).dup('c'));
    }

    @Override
    public Storage concat(Storage[] parts, int[][] shapes, int axis) {
        INDArray[] xs = new INDArray[parts.length];
        for (int i = 0; i < parts.length; i++) {
            xs[i] = view(parts[i], shapes[i]);
        }
        return wrap(Nd4j.concat(axis, xs));
    }

    /** [outer, n, inner] view of a shape split at axis. */
    private static long[] split(int[] shape, int axis) {
        long outer = 1, inner = 1;
        for (int d = 0; d < axis; d++) {
            outer *= shape[d];
        }
        for (int d = axis + 1; d < shape.length; d++) {
            inner *= shape[d];
        }
        return new long[] {outer, shape[axis], inner};
    }

    @Override
    public Storage gather(Storage s, int[] shape, int axis, int[] index) {
        long[] v = split(shape, axis);
        INDArray x = a(s).reshape('c', new long[] {v[0], v[1], v[2]});
        INDArray out = Nd4j.create(x.dataType(), v[0], index.length, v[2]);
        for (int j = 0; j < index.length; j++) {
            out.get(
                            org.nd4j.linalg.indexing.NDArrayIndex.all(),
                            org.nd4j.linalg.indexing.NDArrayIndex.point(j),
                            org.nd4j.linalg.indexing.NDArrayIndex.all())
                    .assign(
                            x.get(
                                    org.nd4j.linalg.indexing.NDArrayIndex.all(),
                                    org.nd4j.linalg.indexing.NDArrayIndex.point(index[j]),
                                    org.nd4j.linalg.indexing.NDArrayIndex.all()));
        }
        return wrap(out);
    }

    @Override
    public Storage indexAdd(Storage s, int[] srcShape, int axis, int[] index, int outExtent) {
        long[] v = split(srcShape, axis);
        INDArray x = a(s).reshape('c', new long[] {v[0], v[1], v[2]});
        INDArray out = Nd4j.zeros(x.dataType(), v[0], outExtent, v[2]);
        for (int j = 0; j < index.length; j++) {
            out.get(
                            org.nd4j.linalg.indexing.NDArrayIndex.all(),
                            org.nd4j.linalg.indexing.NDArrayIndex.point(index[j]),
                            org.nd4j.linalg.indexing.NDArrayIndex.all())
                    .addi(
                            x.get(
                                    org.nd4j.linalg.indexing.NDArrayIndex.all(),
                                    org.nd4j.linalg.indexing.NDArrayIndex.point(j),
                                    org.nd4j.linalg.indexing.NDArrayIndex.all()));
        }
        return wrap(out);
    }

    @Override
    public void release(Storage s) {
        ((Nd4jStorage) s).release();
    }

    @Override
    public void addScaledInPlace(Storage target, double alpha, Storage x) {
        INDArray scaled = a(x).mul(alpha);
        a(target).addi(scaled);
        scaled.close();
    }
}
