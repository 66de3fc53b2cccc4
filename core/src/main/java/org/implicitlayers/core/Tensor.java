package org.implicitlayers.core;

import java.util.Arrays;
import org.implicitlayers.core.backend.Backend;
import org.implicitlayers.core.backend.BinaryOp;
import org.implicitlayers.core.backend.ReduceOp;
import org.implicitlayers.core.backend.Storage;
import org.implicitlayers.core.backend.TernaryOp;
import org.implicitlayers.core.backend.UnaryOp;

/**
 * An n-dimensional array of float32 or float64 values on one {@link Backend}, and, when it takes
 * part in differentiation, a node of the autodiff tape.
 *
 * <p>Tensors are immutable values: every operation returns a new tensor. The one exception is the
 * accumulated gradient of a leaf that requires grad ({@link #grad()}), and the in-place update of a
 * parameter's values by an optimiser ({@link #addScaled_}).
 *
 * <p>Each operation's backward rule sits next to its forward computation and is written with
 * differentiable tensor operations, so gradients can be differentiated again to any order.
 * Elementwise operations broadcast like NumPy; shape errors name the operation and the shapes.
 */
public final class Tensor {
    private final Storage storage;
    private final int[] shape;
    private final boolean requiresGrad;
    final Node node;

    /**
     * The value is a gradient taken without {@code createGraph} (or computed from one while
     * recording): differentiating it again would silently give zero, so {@link Grad} raises
     * instead.
     */
    final boolean cutGradient;

    private Tensor grad;

    Tensor(Storage storage, int[] shape, boolean requiresGrad, Node node) {
        this(storage, shape, requiresGrad, node, false);
    }

    private Tensor(
            Storage storage, int[] shape, boolean requiresGrad, Node node, boolean cutGradient) {
        this.storage = storage;
        this.shape = shape;
        this.requiresGrad = requiresGrad;
        this.node = node;
        this.cutGradient = cutGradient;
    }

    /**
     * The result of an operation: recorded on the tape when recording is on and an input requires
     * grad.
     */
    static Tensor result(String op, Storage s, int[] shape, BackwardRule rule, Tensor... inputs) {
        if (rule != null && Grad.isEnabled()) {
            boolean cut = false;
            for (Tensor t : inputs) {
                if (t.requiresGrad) {
                    return new Tensor(s, shape, true, new Node(op, inputs, rule));
                }
                cut |= t.cutGradient;
            }
            if (cut) {
                return new Tensor(s, shape, false, null, true);
            }
        }
        return new Tensor(s, shape, false, null);
    }

    /** The same values, marked as a gradient that was not recorded (see {@link #cutGradient}). */
    Tensor asCutGradient() {
        return new Tensor(storage, shape, false, null, true);
    }

    /** Wraps a storage as a constant tensor (no tape). */
    public static Tensor wrap(Storage s, int... shape) {
        if (Shapes.numel(shape) != s.size()) {
            throw new IllegalArgumentException(
                    "wrap: storage of "
                            + s.size()
                            + " elements does not fit shape "
                            + Shapes.str(shape));
        }
        return new Tensor(s, shape.clone(), false, null);
    }

    // ================================================================== creation

    /** A float64 tensor holding a copy of {@code data}. */
    public static Tensor of(double[] data, int... shape) {
        return of(DType.FLOAT64, data, shape);
    }

    /** A float32 tensor holding a copy of {@code data}. */
    public static Tensor of(float[] data, int... shape) {
        checkData("of", data.length, shape);
        return new Tensor(
                Backends.current().fromFloats(data, DType.FLOAT32), shape.clone(), false, null);
    }

    /** A tensor of the given dtype holding {@code data} (converted). */
    public static Tensor of(DType dtype, double[] data, int... shape) {
        checkData("of", data.length, shape);
        return new Tensor(Backends.current().fromDoubles(data, dtype), shape.clone(), false, null);
    }

    private static void checkData(String op, int n, int[] shape) {
        for (int s : shape) {
            if (s < 0) {
                throw new IllegalArgumentException(
                        op + ": negative extent in shape " + Shapes.str(shape));
            }
        }
        if (Shapes.numel(shape) != n) {
            throw new IllegalArgumentException(
                    op + ": " + n + " values do not fill shape " + Shapes.str(shape));
        }
    }

    /** A tensor of shape [] holding {@code value}. */
    public static Tensor scalar(DType dtype, double value) {
        return full(dtype, value);
    }

    /**
     * A float64 matrix [rows.length, rows[0].length] holding a copy of {@code rows}; rows must have
     * equal lengths.
     */
    public static Tensor of(double[][] rows) {
        return of(DType.FLOAT64, rows);
    }

    /**
     * A float32 matrix [rows.length, rows[0].length] holding a copy of {@code rows}; rows must have
     * equal lengths.
     */
    public static Tensor of(float[][] rows) {
        int m = rows.length, n = m == 0 ? 0 : rows[0].length;
        float[] v = new float[m * n];
        for (int i = 0; i < m; i++) {
            checkRow(i, rows[i].length, n);
            System.arraycopy(rows[i], 0, v, i * n, n);
        }
        return of(v, m, n);
    }

    /**
     * A matrix of the given dtype [rows.length, rows[0].length] holding {@code rows} (converted).
     */
    public static Tensor of(DType dtype, double[][] rows) {
        int m = rows.length, n = m == 0 ? 0 : rows[0].length;
        double[] v = new double[m * n];
        for (int i = 0; i < m; i++) {
            checkRow(i, rows[i].length, n);
            System.arraycopy(rows[i], 0, v, i * n, n);
        }
        return of(dtype, v, m, n);
    }

    private static void checkRow(int i, int length, int expected) {
        if (length != expected) {
            throw new IllegalArgumentException(
                    "of: row "
                            + i
                            + " has "
                            + length
                            + " values, row 0 has "
                            + expected
                            + "; a matrix needs rows of equal length");
        }
    }

    /** The n x n identity matrix. */
    public static Tensor eye(DType dtype, int n) {
        if (n < 0) {
            throw new IllegalArgumentException("eye: n must be >= 0, got " + n);
        }
        double[] v = new double[n * n];
        for (int i = 0; i < n; i++) {
            v[i * n + i] = 1;
        }
        return of(dtype, v, n, n);
    }

    /**
     * As NumPy's {@code diag}: for a vector [n], the n x n matrix with it on the diagonal; for a
     * matrix [m, n], its diagonal [min(m, n)]. Differentiable.
     */
    public static Tensor diag(Tensor t) {
        if (t.rank() == 1) {
            int n = t.shape[0];
            return eye(t.dtype(), n).to(t.backend()).mul(t.unsqueeze(0));
        }
        if (t.rank() == 2) {
            int k = Math.min(t.shape[0], t.shape[1]);
            int[] idx = new int[k];
            for (int i = 0; i < k; i++) {
                idx[i] = i * t.shape[1] + i;
            }
            return t.flatten().index(0, idx);
        }
        throw new IllegalArgumentException(
                "diag: expected a vector or a matrix, got shape " + Shapes.str(t.shape));
    }

    /** A tensor of the given shape filled with {@code value}. */
    public static Tensor full(DType dtype, double value, int... shape) {
        checkData("full", Shapes.numel(shape), shape);
        return new Tensor(
                Backends.current().full(Shapes.numel(shape), value, dtype),
                shape.clone(),
                false,
                null);
    }

    /** A tensor of zeros. */
    public static Tensor zeros(DType dtype, int... shape) {
        return full(dtype, 0.0, shape);
    }

    /** A tensor of ones. */
    public static Tensor ones(DType dtype, int... shape) {
        return full(dtype, 1.0, shape);
    }

    /** Zeros of t's shape, dtype and backend (a constant). */
    public static Tensor zerosLike(Tensor t) {
        return new Tensor(t.backend().full(t.numel(), 0.0, t.dtype()), t.shape, false, null);
    }

    /** Ones of t's shape, dtype and backend (a constant). */
    public static Tensor onesLike(Tensor t) {
        return new Tensor(t.backend().full(t.numel(), 1.0, t.dtype()), t.shape, false, null);
    }

    /** A constant of t's shape, dtype and backend filled with {@code value}. */
    public static Tensor fullLike(Tensor t, double value) {
        return new Tensor(t.backend().full(t.numel(), value, t.dtype()), t.shape, false, null);
    }

    /** start, start+step, ... while {@literal <} end (or {@literal >} end for a negative step). */
    public static Tensor arange(DType dtype, double start, double end, double step) {
        if (step == 0 || Double.isNaN(step)) {
            throw new IllegalArgumentException("arange: step must be non-zero, got " + step);
        }
        int n = (int) Math.max(0, Math.ceil((end - start) / step));
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = start + i * step;
        }
        return of(dtype, v, n);
    }

    /** n evenly spaced values from a to b inclusive. */
    public static Tensor linspace(DType dtype, double a, double b, int n) {
        if (n < 0) {
            throw new IllegalArgumentException("linspace: n must be >= 0, got " + n);
        }
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = n == 1 ? a : a + (b - a) * i / (n - 1);
        }
        if (n > 1) {
            v[n - 1] = b;
        }
        return of(dtype, v, n);
    }

    /** Uniform in [0, 1) from the given generator. */
    public static Tensor rand(Rng rng, DType dtype, int... shape) {
        double[] v = new double[Shapes.numel(shape)];
        for (int i = 0; i < v.length; i++) {
            v[i] = rng.nextDouble();
        }
        return of(dtype, v, shape);
    }

    /** Standard normal from the given generator. */
    public static Tensor randn(Rng rng, DType dtype, int... shape) {
        double[] v = new double[Shapes.numel(shape)];
        for (int i = 0; i < v.length; i++) {
            v[i] = rng.nextGaussian();
        }
        return of(dtype, v, shape);
    }

    // ================================================================== properties

    /** A copy of the shape. */
    public int[] shape() {
        return shape.clone();
    }

    /** The extent of one axis; negative axes count from the end. */
    public int shape(int axis) {
        return shape[Shapes.axis("shape", axis, shape.length)];
    }

    /** The number of axes (0 for a scalar). */
    public int rank() {
        return shape.length;
    }

    /** The number of elements (1 for shape []). */
    public int numel() {
        return storage.size();
    }

    /** float32 or float64. */
    public DType dtype() {
        return storage.dtype();
    }

    /** The backend holding the values. */
    public Backend backend() {
        return storage.backend();
    }

    /** The backing storage; for backend-level code. */
    public Storage storage() {
        return storage;
    }

    /**
     * Whether gradients flow to or through this tensor: a leaf made with {@link #requiringGrad()}
     * or a recorded result computed from one.
     */
    public boolean requiresGrad() {
        return requiresGrad;
    }

    /** True for tensors not produced by a recorded operation. */
    public boolean isLeaf() {
        return node == null;
    }

    /** The recorded operation that produced this tensor, or null for a leaf. */
    public String op() {
        return node == null ? null : node.op;
    }

    /**
     * A new leaf that shares this tensor's values and requires grad; this tensor is unchanged
     * (tensors are immutable). Use the returned tensor: {@code Tensor x = data.requiringGrad();}.
     * Differentiating with respect to the original instead raises an error that says so.
     */
    public Tensor requiringGrad() {
        return new Tensor(storage, shape, true, null);
    }

    /** The same values as a constant: cut from the tape, not requiring grad. */
    public Tensor detach() {
        return node == null && !requiresGrad && !cutGradient
                ? this
                : new Tensor(storage, shape, false, null);
    }

    /** The gradient accumulated by {@link #backward()}, or null. */
    public Tensor grad() {
        return grad;
    }

    /**
     * Clears the accumulated gradient (and frees its off-heap memory, on backends that have it).
     */
    public void zeroGrad() {
        if (grad != null) {
            grad.backend().release(grad.storage);
            grad = null;
        }
    }

    /**
     * Leaf gradients outlive the {@link MemoryScope} of the step that computed them: they leave the
     * scope and are freed when replaced or cleared.
     */
    void accumulateGrad(Tensor g) {
        Tensor old = grad;
        // A private copy: a rule may hand the same storage to several inputs (add), and each leaf
        // frees its own.
        grad =
                old == null
                        ? new Tensor(
                                backend().unary(UnaryOp.SCALE, g.storage, 1.0, 0),
                                g.shape,
                                false,
                                null,
                                true)
                        : old.add(g.detach()).asCutGradient();
        MemoryScope.persist(grad);
        if (old != null && old.storage != grad.storage) {
            old.backend().release(old.storage);
        }
    }

    /**
     * Backpropagates from this one-element tensor into the {@code grad()} of every leaf that
     * requires grad, adding to what is there, and releases the graph: a second backward through the
     * same operations raises an error (see {@link #backward(boolean)}).
     *
     * @throws IllegalArgumentException if this tensor does not require grad (nothing to
     *     backpropagate into)
     */
    public void backward() {
        Grad.backward(this, null, false);
    }

    /**
     * As {@link #backward()}; with {@code retainGraph} the graph stays usable for another backward
     * pass (whose gradients add to these).
     */
    public void backward(boolean retainGraph) {
        Grad.backward(this, null, retainGraph);
    }

    /** Backpropagates {@code seed} (of this tensor's shape) and releases the graph. */
    public void backward(Tensor seed) {
        Grad.backward(this, seed, false);
    }

    /**
     * Backpropagates {@code seed} (of this tensor's shape), keeping the graph when {@code
     * retainGraph}.
     */
    public void backward(Tensor seed, boolean retainGraph) {
        Grad.backward(this, seed, retainGraph);
    }

    /**
     * In place, without recording: {@code this += alpha * x}. For optimisers updating parameter
     * leaves; any tape that still refers to the old values sees the new ones.
     */
    public void addScaled_(double alpha, Tensor x) {
        if (!Arrays.equals(shape, x.shape) || dtype() != x.dtype()) {
            throw new IllegalArgumentException(
                    "addScaled_: " + describe() + " and " + x.describe() + " differ");
        }
        backend().addScaledInPlace(storage, alpha, x.storage);
    }

    /** The single value of a one-element tensor. */
    public double item() {
        if (numel() != 1) {
            throw new IllegalStateException(
                    "item: tensor of shape " + Shapes.str(shape) + " is not a single value");
        }
        return backend().get(storage, 0);
    }

    /**
     * Element at a flat (row-major) index in [0, numel()); for a vector, the element at that index.
     */
    public double get(int flatIndex) {
        if (flatIndex < 0 || flatIndex >= numel()) {
            throw new IndexOutOfBoundsException(
                    "get: flat index "
                            + flatIndex
                            + " is out of range [0, "
                            + numel()
                            + ") for shape "
                            + Shapes.str(shape));
        }
        return backend().get(storage, flatIndex);
    }

    /**
     * Element at {@code index}, one index per axis ({@code m.get(i, j)} for a matrix); a single
     * index is a flat index ({@link #get(int)}).
     *
     * @throws IllegalArgumentException if the number of indices differs from the rank
     * @throws IndexOutOfBoundsException if an index is outside its axis, naming the axis and shape
     */
    public double get(int... index) {
        if (index.length == 1) {
            return get(index[0]);
        }
        if (index.length != shape.length) {
            throw new IllegalArgumentException(
                    "get: "
                            + index.length
                            + " indices "
                            + Arrays.toString(index)
                            + " for a tensor of shape "
                            + Shapes.str(shape)
                            + "; give one index per axis ("
                            + shape.length
                            + ")");
        }
        int flat = 0;
        for (int d = 0; d < shape.length; d++) {
            if (index[d] < 0 || index[d] >= shape[d]) {
                throw new IndexOutOfBoundsException(
                        "get: index "
                                + index[d]
                                + " is out of range [0, "
                                + shape[d]
                                + ") on axis "
                                + d
                                + " of shape "
                                + Shapes.str(shape));
            }
            flat = flat * shape[d] + index[d];
        }
        return backend().get(storage, flat);
    }

    /** The shape as text, e.g. {@code "[3, 4]"} ({@code "[]"} for a scalar). */
    public String shapeString() {
        return Shapes.str(shape);
    }

    /** The values of a matrix as rows, in float64. */
    public double[][] toDoubleArray2d() {
        if (rank() != 2) {
            throw new IllegalArgumentException(
                    "toDoubleArray2d: expected a matrix, got shape " + Shapes.str(shape));
        }
        double[] v = toDoubleArray();
        double[][] rows = new double[shape[0]][];
        for (int i = 0; i < shape[0]; i++) {
            rows[i] = Arrays.copyOfRange(v, i * shape[1], (i + 1) * shape[1]);
        }
        return rows;
    }

    /** The values of a matrix as rows, in float32. */
    public float[][] toFloatArray2d() {
        if (rank() != 2) {
            throw new IllegalArgumentException(
                    "toFloatArray2d: expected a matrix, got shape " + Shapes.str(shape));
        }
        float[] v = toFloatArray();
        float[][] rows = new float[shape[0]][];
        for (int i = 0; i < shape[0]; i++) {
            rows[i] = Arrays.copyOfRange(v, i * shape[1], (i + 1) * shape[1]);
        }
        return rows;
    }

    /** A copy of the values in row-major order, as float64. */
    public double[] toDoubleArray() {
        return backend().toDoubles(storage);
    }

    /** A copy of the values in row-major order, as float32. */
    public float[] toFloatArray() {
        return backend().toFloats(storage);
    }

    /** A constant copy on another backend. */
    public Tensor to(Backend target) {
        if (target == backend()) {
            return this;
        }
        Storage s =
                dtype() == DType.FLOAT32
                        ? target.fromFloats(toFloatArray(), DType.FLOAT32)
                        : target.fromDoubles(toDoubleArray(), DType.FLOAT64);
        return new Tensor(s, shape, false, null);
    }

    /** Converts the dtype; differentiable. */
    public Tensor to(DType dtype) {
        if (dtype == dtype()) {
            return this;
        }
        DType from = dtype();
        return result(
                "cast",
                backend().cast(storage, dtype),
                shape,
                (g, out, needs) -> new Tensor[] {g.to(from)},
                this);
    }

    String describe() {
        return dtype() + Shapes.str(shape) + "@" + backend().name();
    }

    /**
     * The values as NumPy prints them (at most 4 digits after the point, scientific notation for
     * wide ranges, rows wrapped at 75 columns), then dtype, shape and (when it is not the JVM
     * backend) the backend, e.g. {@code tensor([[1. , 2. ], [3. , 4.5 ]], float32[2, 2])} (one row
     * per line). float32 values round as floats ({@code 0.1}, not {@code 0.10000000149}). Tensors
     * of more than 1000 elements show the first and last three entries of each long axis.
     */
    @Override
    public String toString() {
        return TensorFormat.format(this);
    }

    // ================================================================== elementwise, one operand

    private Tensor map(String name, UnaryOp op, double p, double q, BackwardRule rule) {
        return result(name, backend().unary(op, storage, p, q), shape, rule, this);
    }

    private Tensor map(UnaryOp op) {
        return new Tensor(backend().unary(op, storage, 0, 0), shape, false, null);
    }

    /** -x elementwise. */
    public Tensor neg() {
        return map("neg", UnaryOp.NEG, 0, 0, (g, out, n) -> new Tensor[] {g.neg()});
    }

    /** Elementwise |x|; the gradient is sign(x) (0 at 0). */
    public Tensor abs() {
        return map(
                "abs", UnaryOp.ABS, 0, 0, (g, out, n) -> new Tensor[] {g.mul(map(UnaryOp.SIGN))});
    }

    /** -1, 0 or 1 elementwise (a constant: not differentiable). */
    public Tensor sign() {
        return map(UnaryOp.SIGN);
    }

    /** Elementwise e^x. */
    public Tensor exp() {
        return map("exp", UnaryOp.EXP, 0, 0, (g, out, n) -> new Tensor[] {g.mul(out)});
    }

    /** Elementwise natural logarithm. */
    public Tensor log() {
        return map("log", UnaryOp.LOG, 0, 0, (g, out, n) -> new Tensor[] {g.div(this)});
    }

    /** Elementwise square root. */
    public Tensor sqrt() {
        return map("sqrt", UnaryOp.SQRT, 0, 0, (g, out, n) -> new Tensor[] {g.div(out).mul(0.5)});
    }

    /** x^2 elementwise. */
    public Tensor square() {
        return map(
                "square", UnaryOp.SQUARE, 0, 0, (g, out, n) -> new Tensor[] {g.mul(this).mul(2.0)});
    }

    /** Elementwise sine (radians). */
    public Tensor sin() {
        return map("sin", UnaryOp.SIN, 0, 0, (g, out, n) -> new Tensor[] {g.mul(cos())});
    }

    /** Elementwise cosine (radians). */
    public Tensor cos() {
        return map("cos", UnaryOp.COS, 0, 0, (g, out, n) -> new Tensor[] {g.mul(sin()).neg()});
    }

    /** Elementwise hyperbolic tangent. */
    public Tensor tanh() {
        return map("tanh", UnaryOp.TANH, 0, 0, (g, out, n) -> new Tensor[] {tanhGrad(out, g)});
    }

    /**
     * g (1 - y^2), the gradient through y = tanh(x), as one fused kernel; differentiable in y and
     * g.
     */
    static Tensor tanhGrad(Tensor y, Tensor g) {
        return result(
                "tanh_grad",
                y.backend()
                        .binary(
                                BinaryOp.TANH_GRAD,
                                y.storage,
                                y.shape,
                                g.storage,
                                g.shape,
                                y.shape),
                y.shape,
                (b, out, n) ->
                        new Tensor[] {
                            n[0] ? b.mul(g).mul(y).mul(-2.0) : null, n[1] ? tanhGrad(y, b) : null
                        },
                y,
                g);
    }

    /** 1 / (1 + e^-x) elementwise. */
    public Tensor sigmoid() {
        return map(
                "sigmoid",
                UnaryOp.SIGMOID,
                0,
                0,
                (g, out, n) -> new Tensor[] {sigmoidGrad(out, g)});
    }

    /** g s (1 - s), the gradient through s = sigmoid(x); differentiable in s and g. */
    static Tensor sigmoidGrad(Tensor s, Tensor g) {
        return result(
                "sigmoid_grad",
                s.backend()
                        .binary(
                                BinaryOp.SIGMOID_GRAD,
                                s.storage,
                                s.shape,
                                g.storage,
                                g.shape,
                                s.shape),
                s.shape,
                (b, out, n) ->
                        new Tensor[] {
                            n[0] ? b.mul(g).mul(s.mul(-2.0).add(1.0)) : null,
                            n[1] ? sigmoidGrad(s, b) : null
                        },
                s,
                g);
    }

    /** max(x, 0) elementwise; the gradient at 0 is 0. */
    public Tensor relu() {
        return map(
                "relu", UnaryOp.RELU, 0, 0, (g, out, n) -> new Tensor[] {g.mul(map(UnaryOp.STEP))});
    }

    /** log(1 + exp(beta x)) / beta; tends to relu as beta grows. */
    public Tensor softplus(double beta) {
        if (!(beta > 0)) {
            throw new IllegalArgumentException("softplus: beta must be > 0, got " + beta);
        }
        return map(
                "softplus",
                UnaryOp.SOFTPLUS,
                beta,
                0,
                (g, out, n) -> new Tensor[] {g.mul(softplusSlope(beta))});
    }

    /** sigmoid(beta x): the slope of {@link #softplus}, in one pass; differentiable. */
    public Tensor softplusSlope(double beta) {
        if (!(beta > 0)) {
            throw new IllegalArgumentException("softplusSlope: beta must be > 0, got " + beta);
        }
        return map(
                "softplus_slope",
                UnaryOp.SOFTPLUS_SLOPE,
                beta,
                0,
                (g, out, n) -> new Tensor[] {sigmoidGrad(out, g).mul(beta)});
    }

    /**
     * {@code {softplus(beta), softplusSlope(beta)}} from one pass over this tensor (the two share
     * one exponential): what a layer needs when its input gradient is part of the loss. Both are
     * differentiable.
     */
    public Tensor[] softplusWithSlope(double beta) {
        if (!(beta > 0)) {
            throw new IllegalArgumentException("softplusWithSlope: beta must be > 0, got " + beta);
        }
        Storage[] hs =
                backend().unaryPair(UnaryOp.SOFTPLUS, UnaryOp.SOFTPLUS_SLOPE, storage, beta, 0);
        Tensor h =
                result(
                        "softplus",
                        hs[0],
                        shape,
                        (g, out, n) -> new Tensor[] {g.mul(softplusSlope(beta))},
                        this);
        Tensor s =
                result(
                        "softplus_slope",
                        hs[1],
                        shape,
                        (g, out, n) -> new Tensor[] {sigmoidGrad(out, g).mul(beta)},
                        this);
        return new Tensor[] {h, s};
    }

    /**
     * {@code this + value * b * c}, one pass when the three shapes agree (broadcast otherwise);
     * differentiable.
     */
    public Tensor addcmul(Tensor b, Tensor c, double value) {
        checkCompatible("addcmul", b);
        checkCompatible("addcmul", c);
        if (!Arrays.equals(shape, b.shape) || !Arrays.equals(shape, c.shape)) {
            return add(b.mul(c).mul(value));
        }
        return result(
                "addcmul",
                backend().ternary(TernaryOp.ADDCMUL, storage, b.storage, c.storage, value),
                shape,
                (g, out, n) ->
                        new Tensor[] {
                            n[0] ? g : null,
                            n[1] ? g.mul(c).mul(value) : null,
                            n[2] ? g.mul(b).mul(value) : null
                        },
                this,
                b,
                c);
    }

    /**
     * The gradient at z through both h = softplus_beta(z) and its slope s = sigmoid(beta z): {@code
     * s * (dh + beta * (1 - s) * ds)}, one pass for tensors of one shape. With it, the reverse pass
     * of a softplus network whose loss holds its own input gradient costs one elementwise pass per
     * layer instead of six. Differentiable in all three.
     *
     * @param s the slope sigmoid(beta z)
     * @param dh the gradient at h
     * @param ds the gradient at s
     */
    public static Tensor softplusBackward(Tensor s, Tensor dh, Tensor ds, double beta) {
        s.checkCompatible("softplusBackward", dh);
        s.checkCompatible("softplusBackward", ds);
        if (!Arrays.equals(s.shape, dh.shape) || !Arrays.equals(s.shape, ds.shape)) {
            throw new IllegalArgumentException(
                    "softplusBackward: s, dh and ds must have one shape, got "
                            + Shapes.str(s.shape)
                            + ", "
                            + Shapes.str(dh.shape)
                            + " and "
                            + Shapes.str(ds.shape));
        }
        return result(
                "softplus_backward",
                s.backend()
                        .ternary(
                                TernaryOp.SOFTPLUS_BACKWARD,
                                s.storage,
                                dh.storage,
                                ds.storage,
                                beta),
                s.shape,
                (g, out, n) ->
                        new Tensor[] {
                            // d/ds = dh + beta ds (1 - 2 s); d/ddh = s; d/dds = beta s (1 - s)
                            n[0] ? g.mul(dh.add(ds.mul(s.mul(-2.0).add(1.0)).mul(beta))) : null,
                            n[1] ? g.mul(s) : null,
                            n[2] ? sigmoidGrad(s, g).mul(beta) : null
                        },
                s,
                dh,
                ds);
    }

    /** max(x, 0)^3, the activation of the Deep Ritz paper (E and Yu 2018). */
    public Tensor cubicRelu() {
        return map(
                "cubic_relu",
                UnaryOp.CUBIC_RELU,
                0,
                0,
                (g, out, n) -> new Tensor[] {g.mul(relu().square()).mul(3.0)});
    }

    /** x^p for a constant exponent. */
    public Tensor pow(double p) {
        if (p == 1) {
            return this;
        }
        if (p == 2) {
            return square();
        }
        return map(
                "pow", UnaryOp.POW, p, 0, (g, out, n) -> new Tensor[] {g.mul(pow(p - 1)).mul(p)});
    }

    /** x * c elementwise. */
    public Tensor mul(double c) {
        return map("scale", UnaryOp.SCALE, c, 0, (g, out, n) -> new Tensor[] {g.mul(c)});
    }

    /** x / c elementwise. */
    public Tensor div(double c) {
        return mul(1.0 / c);
    }

    /** x + c elementwise. */
    public Tensor add(double c) {
        return map("shift", UnaryOp.SHIFT, c, 0, (g, out, n) -> new Tensor[] {g});
    }

    /** x - c elementwise. */
    public Tensor sub(double c) {
        return add(-c);
    }

    /** min(max(x, lo), hi); the gradient passes where {@literal lo <= x <= hi}. */
    public Tensor clamp(double lo, double hi) {
        if (lo > hi) {
            throw new IllegalArgumentException("clamp: lo " + lo + " > hi " + hi);
        }
        return map(
                "clamp",
                UnaryOp.CLAMP,
                lo,
                hi,
                (g, out, n) ->
                        new Tensor[] {
                            g.mul(
                                    new Tensor(
                                            backend().unary(UnaryOp.INSIDE, storage, lo, hi),
                                            shape,
                                            false,
                                            null))
                        });
    }

    /** max(x, lo) elementwise. */
    public Tensor clampMin(double lo) {
        return clamp(lo, Double.POSITIVE_INFINITY);
    }

    // ================================================================== elementwise, two operands

    private void checkCompatible(String op, Tensor o) {
        if (dtype() != o.dtype()) {
            throw new IllegalArgumentException(
                    op
                            + ": dtypes differ: "
                            + describe()
                            + " and "
                            + o.describe()
                            + "; convert one with .to(DType)");
        }
        if (backend() != o.backend()) {
            throw new IllegalArgumentException(
                    op
                            + ": backends differ: "
                            + describe()
                            + " and "
                            + o.describe()
                            + "; move one with .to(Backend)");
        }
    }

    private Tensor zip(String name, BinaryOp op, Tensor o, BackwardRule rule) {
        checkCompatible(name, o);
        int[] out = Arrays.equals(shape, o.shape) ? shape : Shapes.broadcast(name, shape, o.shape);
        return result(
                name,
                backend().binary(op, storage, shape, o.storage, o.shape, out),
                out,
                rule,
                this,
                o);
    }

    private Tensor compare(String name, BinaryOp op, Tensor o) {
        checkCompatible(name, o);
        int[] out = Arrays.equals(shape, o.shape) ? shape : Shapes.broadcast(name, shape, o.shape);
        return new Tensor(
                backend().binary(op, storage, shape, o.storage, o.shape, out), out, false, null);
    }

    /** Elementwise sum, broadcast as in NumPy. */
    public Tensor add(Tensor o) {
        return zip(
                "add",
                BinaryOp.ADD,
                o,
                (g, out, n) ->
                        new Tensor[] {
                            n[0] ? g.sumTo(shape) : null, n[1] ? g.sumTo(o.shape) : null
                        });
    }

    /** Elementwise difference, broadcast. */
    public Tensor sub(Tensor o) {
        return zip(
                "sub",
                BinaryOp.SUB,
                o,
                (g, out, n) ->
                        new Tensor[] {
                            n[0] ? g.sumTo(shape) : null, n[1] ? g.neg().sumTo(o.shape) : null
                        });
    }

    /** Elementwise product, broadcast. */
    public Tensor mul(Tensor o) {
        return zip(
                "mul",
                BinaryOp.MUL,
                o,
                (g, out, n) ->
                        new Tensor[] {
                            n[0] ? g.mul(o).sumTo(shape) : null,
                            n[1] ? g.mul(this).sumTo(o.shape) : null
                        });
    }

    /** Elementwise quotient, broadcast. */
    public Tensor div(Tensor o) {
        return zip(
                "div",
                BinaryOp.DIV,
                o,
                (g, out, n) ->
                        new Tensor[] {
                            n[0] ? g.div(o).sumTo(shape) : null,
                            n[1] ? g.mul(out).div(o).neg().sumTo(o.shape) : null
                        });
    }

    /**
     * this^o elementwise; the gradient in o uses log(this), so the base should be positive there.
     */
    public Tensor pow(Tensor o) {
        return zip(
                "pow",
                BinaryOp.POW,
                o,
                (g, out, n) ->
                        new Tensor[] {
                            n[0] ? g.mul(o).mul(pow(o.sub(1.0))).sumTo(shape) : null,
                            n[1] ? g.mul(out).mul(log()).sumTo(o.shape) : null
                        });
    }

    /** Elementwise maximum; at ties the gradient goes to this operand. */
    public Tensor maximum(Tensor o) {
        return zip(
                "maximum",
                BinaryOp.MAX,
                o,
                (g, out, n) -> {
                    Tensor m = ge(o);
                    return new Tensor[] {
                        n[0] ? g.mul(m).sumTo(shape) : null,
                        n[1] ? g.mul(m.neg().add(1.0)).sumTo(o.shape) : null
                    };
                });
    }

    /** Elementwise minimum; at ties the gradient goes to this operand. */
    public Tensor minimum(Tensor o) {
        return zip(
                "minimum",
                BinaryOp.MIN,
                o,
                (g, out, n) -> {
                    Tensor m = le(o);
                    return new Tensor[] {
                        n[0] ? g.mul(m).sumTo(shape) : null,
                        n[1] ? g.mul(m.neg().add(1.0)).sumTo(o.shape) : null
                    };
                });
    }

    /** 1 where this > o, else 0 (not differentiable; a constant). */
    public Tensor gt(Tensor o) {
        return compare("gt", BinaryOp.GT, o);
    }

    /** 1 where this {@literal >=} o, else 0 (a constant). */
    public Tensor ge(Tensor o) {
        return compare("ge", BinaryOp.GE, o);
    }

    /** 1 where this {@literal <} o, else 0 (a constant). */
    public Tensor lt(Tensor o) {
        return compare("lt", BinaryOp.LT, o);
    }

    /** 1 where this {@literal <=} o, else 0 (a constant). */
    public Tensor le(Tensor o) {
        return compare("le", BinaryOp.LE, o);
    }

    /** 1 where this == o, else 0 (a constant). */
    public Tensor eq(Tensor o) {
        return compare("eq", BinaryOp.EQ, o);
    }

    /** 1 where this {@literal >} c, else 0 (a constant). */
    public Tensor gt(double c) {
        return gt(fullLikeScalar(c));
    }

    /** 1 where this {@literal <} c, else 0 (a constant). */
    public Tensor lt(double c) {
        return lt(fullLikeScalar(c));
    }

    private Tensor fullLikeScalar(double c) {
        return new Tensor(backend().full(1, c, dtype()), new int[0], false, null);
    }

    /** cond != 0 ? a : b, broadcast; differentiable in a and b. */
    public static Tensor where(Tensor cond, Tensor a, Tensor b) {
        a.checkCompatible("where", b);
        a.checkCompatible("where", cond);
        int[] out =
                Shapes.broadcast("where", Shapes.broadcast("where", cond.shape, a.shape), b.shape);
        Storage s =
                a.backend()
                        .where(
                                cond.storage,
                                cond.shape,
                                a.storage,
                                a.shape,
                                b.storage,
                                b.shape,
                                out);
        return result(
                "where",
                s,
                out,
                (g, o, n) -> {
                    Tensor zero = zerosLike(g);
                    return new Tensor[] {
                        null,
                        n[1] ? where(cond, g, zero).sumTo(a.shape) : null,
                        n[2] ? where(cond, zero, g).sumTo(b.shape) : null
                    };
                },
                cond.detach(),
                a,
                b);
    }

    // ================================================================== matrix products

    /**
     * Matrix product: [m,k] x [k,n] = [m,n], batched [b,m,k] x [b,k,n] or [b,m,k] x [k,n] =
     * [b,m,n]; with vectors as in NumPy: [k] x [k,n] = [n], [m,k] x [k] = [m], [k] x [k] = [] (dot
     * product).
     */
    public Tensor matmul(Tensor o) {
        if (rank() == 1 || o.rank() == 1) {
            if (rank() == 0 || o.rank() == 0 || rank() > 2 || o.rank() > 2) {
                throw new IllegalArgumentException(
                        "matmul: shapes "
                                + Shapes.str(shape)
                                + " and "
                                + Shapes.str(o.shape)
                                + " do not multiply: a vector multiplies a vector or a matrix");
            }
            Tensor a = rank() == 1 ? unsqueeze(0) : this;
            Tensor b = o.rank() == 1 ? o.unsqueeze(1) : o;
            Tensor p = a.matmul(b, false, false);
            return p.reshape(
                    rank() == 1 && o.rank() == 1
                            ? new int[0]
                            : rank() == 1 ? new int[] {p.shape[1]} : new int[] {p.shape[0]});
        }
        return matmul(o, false, false);
    }

    /**
     * {@code op(this) op(o)} where op transposes the last two axes when the flag is set; the
     * transposes are never materialised for the left operand. {@code x.matmul(w, false, true)} is a
     * linear layer's {@code x W^T}.
     */
    public Tensor matmul(Tensor o, boolean transA, boolean transB) {
        checkCompatible("matmul", o);
        if (rank() == 3 && o.rank() == 2 && !transA) {
            Tensor flat = reshape(shape[0] * shape[1], shape[2]).matmul(o, false, transB);
            return flat.reshape(shape[0], shape[1], flat.shape[1]);
        }
        boolean ok =
                (rank() == 2 && o.rank() == 2)
                        || (rank() == 3 && o.rank() == 3 && shape[0] == o.shape[0]);
        int r = rank();
        int k1 = ok ? (transA ? shape[r - 2] : shape[r - 1]) : -1;
        int k2 = ok ? (transB ? o.shape[r - 1] : o.shape[r - 2]) : -2;
        if (!ok || k1 != k2) {
            throw new IllegalArgumentException(
                    "matmul: shapes "
                            + Shapes.str(shape)
                            + (transA ? "^T" : "")
                            + " and "
                            + Shapes.str(o.shape)
                            + (transB ? "^T" : "")
                            + " do not multiply");
        }
        int m = transA ? shape[r - 1] : shape[r - 2];
        int nn = transB ? o.shape[r - 2] : o.shape[r - 1];
        int[] out = r == 2 ? new int[] {m, nn} : new int[] {shape[0], m, nn};
        Tensor a = this;
        return result(
                "matmul",
                backend().matmul(storage, shape, transA, o.storage, o.shape, transB),
                out,
                (g, res, n) ->
                        new Tensor[] {
                            n[0]
                                    ? (transA
                                            ? o.matmul(g, transB, true)
                                            : g.matmul(o, false, !transB))
                                    : null,
                            n[1]
                                    ? (transB
                                            ? g.matmul(a, true, transA)
                                            : a.matmul(g, !transA, false))
                                    : null
                        },
                this,
                o);
    }

    /**
     * A linear layer {@code x W^T + b} as one operation: x [batch, in] (or [..., in]), W [out, in],
     * b [out] or null. The bias is folded into the product, so this is one pass, not two.
     */
    public static Tensor linear(Tensor x, Tensor w, Tensor b) {
        x.checkCompatible("linear", w);
        if (b != null) {
            x.checkCompatible("linear", b);
        }
        if (x.rank() > 2) {
            int[] s = x.shape;
            Tensor y = linear(x.reshape(-1, s[s.length - 1]), w, b);
            int[] out = s.clone();
            out[out.length - 1] = w.shape[0];
            return y.reshape(out);
        }
        if (x.rank() != 2
                || w.rank() != 2
                || x.shape[1] != w.shape[1]
                || (b != null && (b.rank() != 1 || b.shape[0] != w.shape[0]))) {
            throw new IllegalArgumentException(
                    "linear: input "
                            + Shapes.str(x.shape)
                            + ", weight "
                            + Shapes.str(w.shape)
                            + (b == null ? "" : ", bias " + Shapes.str(b.shape))
                            + ": expected [batch, in], [out, in], [out]");
        }
        Storage s =
                x.backend()
                        .linear(
                                x.storage,
                                x.shape,
                                w.storage,
                                w.shape,
                                b == null ? null : b.storage);
        BackwardRule rule =
                (g, out, n) ->
                        new Tensor[] {
                            n[0] ? g.matmul(w) : null,
                            n[1] ? g.matmul(x, true, false) : null,
                            b != null && n[2] ? g.sum(0) : null
                        };
        int[] shape = {x.shape[0], w.shape[0]};
        return b == null
                ? result("linear", s, shape, rule, x, w)
                : result("linear", s, shape, rule, x, w, b);
    }

    // ================================================================== reductions

    private int[] keptShape(int[] axes) {
        int[] k = shape.clone();
        for (int a : axes) {
            k[a] = 1;
        }
        return k;
    }

    private static int[] dropAxes(int[] shape, int[] axes) {
        int[] out = new int[shape.length - axes.length];
        int j = 0;
        for (int d = 0, a = 0; d < shape.length; d++) {
            if (a < axes.length && axes[a] == d) {
                a++;
            } else {
                out[j++] = shape[d];
            }
        }
        return out;
    }

    private Tensor reduce(
            String name, ReduceOp op, int[] axesIn, boolean keepDims, BackwardRule ruleOnKept) {
        int[] axes = Shapes.axes(name, axesIn, rank());
        int[] kept = keptShape(axes);
        Storage s = backend().reduce(op, storage, shape, axes);
        Tensor k = result(name, s, kept, ruleOnKept, this);
        return keepDims ? k : k.reshape(dropAxes(shape, axes));
    }

    /** Sum of all elements (a scalar of shape []). */
    public Tensor sum() {
        return sum(new int[0], false);
    }

    /** Sum over one axis, which is removed. */
    public Tensor sum(int axis) {
        return sum(new int[] {axis}, false);
    }

    /**
     * Sum over {@code axes} (all when empty); reduced axes kept as size 1 when {@code keepDims}.
     */
    public Tensor sum(int[] axes, boolean keepDims) {
        return reduce(
                "sum",
                ReduceOp.SUM,
                axes,
                keepDims,
                (g, out, n) -> new Tensor[] {g.broadcastTo(shape)});
    }

    /** Mean of all elements, shape []. */
    public Tensor mean() {
        return mean(new int[0], false);
    }

    /** Mean over one axis, which is removed. */
    public Tensor mean(int axis) {
        return mean(new int[] {axis}, false);
    }

    /**
     * Mean over {@code axes} (all when empty); reduced axes kept as size 1 when {@code keepDims}.
     */
    public Tensor mean(int[] axes, boolean keepDims) {
        int[] ax = Shapes.axes("mean", axes, rank());
        int count = 1;
        for (int a : ax) {
            count *= shape[a];
        }
        return sum(ax, keepDims).mul(1.0 / count);
    }

    /** The largest element, shape []. */
    public Tensor max() {
        return max(new int[0], false);
    }

    /** Maximum over one axis, which is removed. */
    public Tensor max(int axis) {
        return max(new int[] {axis}, false);
    }

    /** Maximum over axes; ties share the gradient equally. */
    public Tensor max(int[] axes, boolean keepDims) {
        return extremum("max", ReduceOp.MAX, axes, keepDims);
    }

    /** The smallest element, shape []. */
    public Tensor min() {
        return min(new int[0], false);
    }

    /** Minimum over one axis, which is removed. */
    public Tensor min(int axis) {
        return min(new int[] {axis}, false);
    }

    /** Minimum over axes; ties share the gradient equally. */
    public Tensor min(int[] axes, boolean keepDims) {
        return extremum("min", ReduceOp.MIN, axes, keepDims);
    }

    private Tensor extremum(String name, ReduceOp op, int[] axes, boolean keepDims) {
        int[] ax = Shapes.axes(name, axes, rank());
        return reduce(
                name,
                op,
                ax,
                keepDims,
                (g, out, n) -> {
                    Tensor mask = eq(out);
                    Tensor count = mask.sum(ax, true);
                    return new Tensor[] {g.mul(mask).div(count)};
                });
    }

    /** Euclidean norm of all elements. */
    public Tensor norm() {
        return norm(new int[0], false);
    }

    /** Euclidean norm over one axis, which is removed. */
    public Tensor norm(int axis) {
        return norm(new int[] {axis}, false);
    }

    /** Euclidean norm over axes. Its gradient x / |x| is taken as 0 where |x| = 0. */
    public Tensor norm(int[] axes, boolean keepDims) {
        int[] ax = Shapes.axes("norm", axes, rank());
        Tensor sq = square();
        Storage s;
        try (Grad.Scope ignored = Grad.noGrad()) {
            s = sq.backend().unary(UnaryOp.SQRT, sq.sum(ax, true).storage, 0, 0);
        }
        Tensor k =
                result(
                        "norm",
                        s,
                        keptShape(ax),
                        (g, out, n) ->
                                new Tensor[] {g.mul(this).div(out.clampMin(Double.MIN_NORMAL))},
                        this);
        return keepDims ? k : k.reshape(dropAxes(shape, ax));
    }

    /**
     * log(sum(exp(x))) over {@code axis}, computed stably (the maximum is subtracted first); its
     * gradient is the softmax. Differentiable to any order.
     */
    public Tensor logsumexp(int axis, boolean keepDims) {
        int a = Shapes.axis("logsumexp", axis, rank());
        Tensor m;
        try (Grad.Scope ignored = Grad.noGrad()) {
            m = max(new int[] {a}, true);
            // An infinite maximum (all -inf, or +inf) would give inf - inf: shift by 0 there.
            m = where(m.abs().lt(Double.POSITIVE_INFINITY), m, zerosLike(m));
        }
        Tensor k = sub(m).exp().sum(new int[] {a}, true).log().add(m);
        return keepDims ? k : k.squeeze(a);
    }

    /** exp(x) / sum(exp(x)) over {@code axis}: entries in (0, 1) summing to 1. */
    public Tensor softmax(int axis) {
        return logSoftmax(axis).exp();
    }

    /** x - logsumexp(x) over {@code axis}: the log of {@link #softmax}, without its underflow. */
    public Tensor logSoftmax(int axis) {
        return sub(logsumexp(axis, true));
    }

    // ================================================================== shapes and indexing

    /** Same values, new shape; one extent may be -1 (inferred). */
    public Tensor reshape(int... newShape) {
        int[] ns = newShape.clone();
        int infer = -1, known = 1;
        for (int i = 0; i < ns.length; i++) {
            if (ns[i] == -1) {
                if (infer >= 0) {
                    throw new IllegalArgumentException(
                            "reshape: more than one -1 in " + Shapes.str(newShape));
                }
                infer = i;
            } else {
                known *= ns[i];
            }
        }
        if (infer >= 0 && known > 0) {
            ns[infer] = numel() / known;
        }
        if (Shapes.numel(ns) != numel()) {
            throw new IllegalArgumentException(
                    "reshape: cannot view " + Shapes.str(shape) + " as " + Shapes.str(newShape));
        }
        if (Arrays.equals(ns, shape)) {
            return this;
        }
        return result("reshape", storage, ns, (g, out, n) -> new Tensor[] {g.reshape(shape)}, this);
    }

    /** Inserts an axis of extent 1. */
    public Tensor unsqueeze(int axis) {
        int a = axis < 0 ? axis + rank() + 1 : axis;
        if (a < 0 || a > rank()) {
            throw new IllegalArgumentException(
                    "unsqueeze: axis " + axis + " out of range for rank " + rank());
        }
        int[] ns = new int[rank() + 1];
        for (int i = 0, j = 0; i < ns.length; i++) {
            ns[i] = i == a ? 1 : shape[j++];
        }
        return reshape(ns);
    }

    /** Removes an axis of extent 1. */
    public Tensor squeeze(int axis) {
        int a = Shapes.axis("squeeze", axis, rank());
        if (shape[a] != 1) {
            throw new IllegalArgumentException(
                    "squeeze: axis "
                            + axis
                            + " of "
                            + Shapes.str(shape)
                            + " has extent "
                            + shape[a]);
        }
        return reshape(dropAxes(shape, new int[] {a}));
    }

    /** The values as a vector [numel]. */
    public Tensor flatten() {
        return reshape(numel());
    }

    /** Output axis i is input axis perm[i]. */
    public Tensor permute(int... perm) {
        if (perm.length != rank()) {
            throw new IllegalArgumentException(
                    "permute: "
                            + Arrays.toString(perm)
                            + " is not a permutation of "
                            + rank()
                            + " axes");
        }
        int[] inv = new int[perm.length];
        boolean[] seen = new boolean[perm.length];
        int[] ns = new int[perm.length];
        boolean identity = true;
        for (int i = 0; i < perm.length; i++) {
            int p = Shapes.axis("permute", perm[i], rank());
            if (seen[p]) {
                throw new IllegalArgumentException(
                        "permute: "
                                + Arrays.toString(perm)
                                + " is not a permutation of "
                                + rank()
                                + " axes");
            }
            seen[p] = true;
            inv[p] = i;
            ns[i] = shape[p];
            identity &= p == i;
        }
        if (identity) {
            return this;
        }
        int[] pp = new int[perm.length];
        for (int i = 0; i < perm.length; i++) {
            pp[i] = Shapes.axis("permute", perm[i], rank());
        }
        return result(
                "permute",
                backend().permute(storage, shape, pp),
                ns,
                (g, out, n) -> new Tensor[] {g.permute(inv)},
                this);
    }

    /** Swaps the last two axes. */
    public Tensor transpose() {
        if (rank() < 2) {
            throw new IllegalArgumentException(
                    "transpose: needs rank >= 2, got " + Shapes.str(shape));
        }
        return transpose(rank() - 2, rank() - 1);
    }

    /** Swaps axes a and b. */
    public Tensor transpose(int a, int b) {
        int[] perm = new int[rank()];
        for (int i = 0; i < perm.length; i++) {
            perm[i] = i;
        }
        int x = Shapes.axis("transpose", a, rank()), y = Shapes.axis("transpose", b, rank());
        perm[x] = y;
        perm[y] = x;
        return permute(perm);
    }

    /** Copies this tensor broadcast to {@code target}. */
    public Tensor broadcastTo(int... target) {
        if (Arrays.equals(target, shape)) {
            return this;
        }
        int[] b = Shapes.broadcast("broadcastTo", shape, target);
        if (!Arrays.equals(b, target)) {
            throw new IllegalArgumentException(
                    "broadcastTo: "
                            + Shapes.str(shape)
                            + " cannot be broadcast to "
                            + Shapes.str(target));
        }
        return result(
                "broadcast_to",
                backend().broadcastTo(storage, shape, target),
                target.clone(),
                (g, out, n) -> new Tensor[] {g.sumTo(shape)},
                this);
    }

    /** Sums a broadcast result back to {@code target}: the adjoint of {@link #broadcastTo}. */
    public Tensor sumTo(int... target) {
        if (Arrays.equals(target, shape)) {
            return this;
        }
        int lead = rank() - target.length;
        if (lead < 0) {
            throw new IllegalArgumentException(
                    "sumTo: " + Shapes.str(shape) + " cannot be summed to " + Shapes.str(target));
        }
        int[] axes = new int[rank()];
        int na = 0;
        for (int d = 0; d < rank(); d++) {
            if (d < lead || (target[d - lead] == 1 && shape[d] != 1)) {
                axes[na++] = d;
            } else if (target[d - lead] != shape[d]) {
                throw new IllegalArgumentException(
                        "sumTo: "
                                + Shapes.str(shape)
                                + " cannot be summed to "
                                + Shapes.str(target));
            }
        }
        Tensor s = na == 0 ? this : sum(Arrays.copyOf(axes, na), true);
        return s.reshape(target);
    }

    /** Entries {@code index} along {@code axis} (a gather); indices may repeat. */
    public Tensor index(int axis, int... index) {
        int a = Shapes.axis("index", axis, rank());
        for (int i : index) {
            if (i < 0 || i >= shape[a]) {
                throw new IndexOutOfBoundsException(
                        "index: "
                                + i
                                + " is out of range [0, "
                                + shape[a]
                                + ") on axis "
                                + axis
                                + " of "
                                + Shapes.str(shape));
            }
        }
        int[] ns = shape.clone();
        ns[a] = index.length;
        int[] idx = index.clone();
        int extent = shape[a];
        return result(
                "index",
                backend().gather(storage, shape, a, idx),
                ns,
                (g, out, n) -> new Tensor[] {g.indexAdd(a, idx, extent)},
                this);
    }

    /**
     * The adjoint of {@link #index}: zeros with {@code extent} along axis, plus this at rows {@code
     * index}.
     */
    public Tensor indexAdd(int axis, int[] index, int extent) {
        int a = Shapes.axis("indexAdd", axis, rank());
        if (index.length != shape[a]) {
            throw new IllegalArgumentException(
                    "indexAdd: " + index.length + " indices for extent " + shape[a]);
        }
        for (int i : index) {
            if (i < 0 || i >= extent) {
                throw new IndexOutOfBoundsException(
                        "indexAdd: " + i + " is out of range [0, " + extent + ")");
            }
        }
        int[] ns = shape.clone();
        ns[a] = extent;
        int[] idx = index.clone();
        return result(
                "index_add",
                backend().indexAdd(storage, shape, a, idx, extent),
                ns,
                (g, out, n) -> new Tensor[] {g.index(a, idx)},
                this);
    }

    /** Entries start, start+step, ... below end along axis. */
    public Tensor slice(int axis, int start, int end, int step) {
        int a = Shapes.axis("slice", axis, rank());
        if (step <= 0 || start < 0 || end > shape[a] || start > end) {
            throw new IllegalArgumentException(
                    "slice: ["
                            + start
                            + ":"
                            + end
                            + ":"
                            + step
                            + "] is not a valid range of axis "
                            + axis
                            + " with extent "
                            + shape[a]);
        }
        int m = (end - start + step - 1) / step;
        int[] idx = new int[m];
        for (int i = 0; i < m; i++) {
            idx[i] = start + i * step;
        }
        return index(a, idx);
    }

    /** Entries start to end - 1 along axis. */
    public Tensor slice(int axis, int start, int end) {
        return slice(axis, start, end, 1);
    }

    /** The sub-tensor at position i of axis, with that axis removed. */
    public Tensor select(int axis, int i) {
        return index(axis, i).squeeze(axis);
    }

    /** Joins tensors along an existing axis. */
    public static Tensor concat(int axis, Tensor... parts) {
        if (parts.length == 0) {
            throw new IllegalArgumentException("concat: no tensors");
        }
        Tensor first = parts[0];
        int a = Shapes.axis("concat", axis, first.rank());
        int[][] shapes = new int[parts.length][];
        Storage[] st = new Storage[parts.length];
        int[] ns = first.shape.clone();
        ns[a] = 0;
        for (int p = 0; p < parts.length; p++) {
            Tensor t = parts[p];
            first.checkCompatible("concat", t);
            if (t.rank() != first.rank()) {
                throw new IllegalArgumentException(
                        "concat: shapes "
                                + Shapes.str(first.shape)
                                + " and "
                                + Shapes.str(t.shape)
                                + " differ in rank");
            }
            for (int d = 0; d < t.rank(); d++) {
                if (d != a && t.shape[d] != first.shape[d]) {
                    throw new IllegalArgumentException(
                            "concat: shapes "
                                    + Shapes.str(first.shape)
                                    + " and "
                                    + Shapes.str(t.shape)
                                    + " differ outside axis "
                                    + axis);
                }
            }
            shapes[p] = t.shape;
            st[p] = t.storage;
            ns[a] += t.shape[a];
        }
        return result(
                "concat",
                first.backend().concat(st, shapes, a),
                ns,
                (g, out, n) -> {
                    Tensor[] gs = new Tensor[parts.length];
                    int off = 0;
                    for (int p = 0; p < parts.length; p++) {
                        int len = parts[p].shape[a];
                        if (n[p]) {
                            gs[p] = g.slice(a, off, off + len);
                        }
                        off += len;
                    }
                    return gs;
                },
                parts.clone());
    }

    /** Joins tensors of equal shape along a new axis. */
    public static Tensor stack(int axis, Tensor... parts) {
        if (parts.length == 0) {
            throw new IllegalArgumentException("stack: no tensors");
        }
        Tensor[] u = new Tensor[parts.length];
        for (int i = 0; i < parts.length; i++) {
            if (!Arrays.equals(parts[i].shape, parts[0].shape)) {
                throw new IllegalArgumentException(
                        "stack: shapes "
                                + Shapes.str(parts[0].shape)
                                + " and "
                                + Shapes.str(parts[i].shape)
                                + " differ");
            }
            u[i] = parts[i].unsqueeze(axis);
        }
        return concat(axis, u);
    }
}
