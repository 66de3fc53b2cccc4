package org.implicitlayers.core.backend.jvm;

import java.util.Arrays;
import org.implicitlayers.core.DType;
import org.implicitlayers.core.MemoryScope;
import org.implicitlayers.core.backend.Backend;
import org.implicitlayers.core.backend.BinaryOp;
import org.implicitlayers.core.backend.ReduceOp;
import org.implicitlayers.core.backend.Storage;
import org.implicitlayers.core.backend.TernaryOp;
import org.implicitlayers.core.backend.UnaryOp;

/**
 * The default CPU backend: storage in heap {@code float[]}/{@code double[]}, hot loops in {@link
 * Kernels} (Vector API when the incubator module is enabled, plain Java otherwise), large work
 * split over {@link #setThreads threads}.
 */
public final class JvmBackend implements Backend {
    /** Cache blocking of GEMM: a KC x NC panel of B (256 KB in float32) stays in L2. */
    private static final int KC = 256;

    private static final int NC = 256;

    /** Elementwise work below this many elements runs on one thread. */
    private static final int GRAIN = 1 << 13;

    private static final boolean VECTOR_AVAILABLE =
            ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()
                    && !"scalar".equals(System.getProperty("implicitlayers.kernels"));

    private final Kernels kernels;
    private final GemmPlan plan;

    private JvmBackend(Kernels kernels) {
        this.kernels = kernels;
        this.plan = kernels.gemmPlan();
    }

    private static final java.util.concurrent.atomic.AtomicBoolean ANNOUNCED =
            new java.util.concurrent.atomic.AtomicBoolean();

    /**
     * Vector API kernels when {@code jdk.incubator.vector} is enabled, else plain loops. The first
     * call logs (slf4j, logger {@code org.implicitlayers.core.backend.jvm.JvmBackend}) which
     * kernels are in use: at INFO for the vector kernels, at WARN, with the remedy, for the
     * fallback that the missing module causes.
     */
    public static JvmBackend create() {
        JvmBackend b = VECTOR_AVAILABLE ? vector() : scalar();
        if (ANNOUNCED.compareAndSet(false, true)) {
            org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(JvmBackend.class);
            boolean moduleMissing =
                    !ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
            String text = kernelNotice(b.kernelName(), moduleMissing);
            if (moduleMissing) {
                log.warn(text);
            } else {
                log.info(text);
            }
        }
        return b;
    }

    /**
     * What the first use of the backend logs: the kernels in use and, when the Vector API module is
     * missing, how to enable it.
     */
    static String kernelNotice(String kernels, boolean moduleMissing) {
        String head =
                "implicit-layers JVM backend: "
                        + kernels
                        + " kernels, "
                        + Parallel.threads()
                        + " kernel threads";
        if (!moduleMissing) {
            return head;
        }
        return head
                + ". The Vector API module is not enabled, so the plain scalar loops run, about 10x slower:"
                + " add --add-modules jdk.incubator.vector to the java command (exec-maven-plugin: an <argument>;"
                + " Surefire: <argLine>; Gradle: jvmArgs; IDE: the VM options of the run configuration)";
    }

    /**
     * Plain Java loops: the fallback, and the reference the tests compare the vector kernels with.
     */
    public static JvmBackend scalar() {
        return new JvmBackend(new ScalarKernels());
    }

    /**
     * Vector API kernels; fails when the module is not enabled ({@code --add-modules
     * jdk.incubator.vector}).
     */
    public static JvmBackend vector() {
        if (!ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()) {
            throw new IllegalStateException(
                    "the Vector API module is not enabled: run java with --add-modules jdk.incubator.vector");
        }
        try {
            Kernels k =
                    (Kernels)
                            Class.forName("org.implicitlayers.core.backend.jvm.VectorKernels")
                                    .getDeclaredConstructor()
                                    .newInstance();
            return new JvmBackend(k);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot load the Vector API kernels", e);
        }
    }

    /**
     * Vector API kernels with a given GEMM plan rather than the one chosen for this machine: the
     * tests run every micro-kernel shape on every machine this way.
     */
    public static JvmBackend vector(GemmPlan plan) {
        if (!ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()) {
            throw new IllegalStateException(
                    "the Vector API module is not enabled: run java with --add-modules jdk.incubator.vector");
        }
        try {
            Kernels k =
                    (Kernels)
                            Class.forName("org.implicitlayers.core.backend.jvm.VectorKernels")
                                    .getDeclaredConstructor(GemmPlan.class)
                                    .newInstance(plan);
            return new JvmBackend(k);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot load the Vector API kernels", e);
        }
    }

    /**
     * Floats per vector of the Vector API kernels (1 for the plain loops' view of the world when
     * the module is absent).
     */
    public static int vectorFloatLanes() {
        if (!ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()) {
            return 1;
        }
        try {
            return (int)
                    Class.forName("org.implicitlayers.core.backend.jvm.VectorKernels")
                            .getDeclaredMethod("floatLanes")
                            .invoke(null);
        } catch (ReflectiveOperationException e) {
            return 1;
        }
    }

    /** Threads used by large kernels (default: available processors). */
    public static void setThreads(int n) {
        Parallel.setThreads(n);
    }

    public static int threads() {
        return Parallel.threads();
    }

    /**
     * Steps of k per call of the 6 x 2 micro-kernels' loop: 64 where the JVM keeps safepoint polls
     * in counted loops (G1, the default collector), {@link Integer#MAX_VALUE} (all of k) where it
     * keeps none (the parallel collector).
     */
    public static int gemmKStep() {
        return VectorKernels.KSTEP;
    }

    /** The GEMM micro-kernel shape and cache blocking in use (see {@link GemmPlan}). */
    public GemmPlan gemmPlan() {
        return plan;
    }

    /** "vector(512-bit)" or "scalar". */
    public String kernelName() {
        return kernels.name();
    }

    @Override
    public String name() {
        return "jvm";
    }

    @Override
    public String toString() {
        return "jvm[" + kernels.name() + ", " + Parallel.threads() + " threads]";
    }

    /**
     * Arrays of at least this many elements are recycled (smaller ones are cheap for the
     * collector).
     */
    static final int POOL_MIN = 1 << 16;

    /**
     * At most 512 MB (or {@code -Dimplicit.pool.mb}) and a quarter of the heap: pooled arrays must
     * not starve the rest.
     */
    private final ArrayPool pool =
            new ArrayPool(
                    Math.min(
                            Long.getLong("implicit.pool.mb", 512) << 20,
                            Runtime.getRuntime().maxMemory() / 4));

    /** A zeroed storage. */
    private HeapStorage alloc(DType dtype, int size) {
        return allocate(dtype, size, true);
    }

    /** A storage whose every element the caller writes: a recycled array is not cleared first. */
    private HeapStorage allocFull(DType dtype, int size) {
        return allocate(dtype, size, false);
    }

    /**
     * Large storages allocated while a {@link MemoryScope} is open belong to it: when it closes,
     * their arrays return to the pool for the next allocation of the same length. Outside a scope,
     * and for small sizes, arrays come from the heap and go to the collector.
     */
    private HeapStorage allocate(DType dtype, int size, boolean zero) {
        if (size < POOL_MIN || !MemoryScope.isOpen()) {
            return HeapStorage.allocate(this, dtype, size);
        }
        HeapStorage s;
        if (dtype == DType.FLOAT32) {
            float[] a = pool.takeFloats(size);
            if (a == null) {
                a = new float[size];
            } else if (zero) {
                Arrays.fill(a, 0f);
            }
            s = HeapStorage.pooled(this, a);
        } else {
            double[] a = pool.takeDoubles(size);
            if (a == null) {
                a = new double[size];
            } else if (zero) {
                Arrays.fill(a, 0.0);
            }
            s = HeapStorage.pooled(this, a);
        }
        MemoryScope.register(s, this::release);
        return s;
    }

    /**
     * Returns a pooled storage's array to the pool; the storage can no longer be read. Other
     * storages: nothing to do.
     */
    @Override
    public void release(Storage s) {
        HeapStorage x = (HeapStorage) s;
        if (x.pooled && !x.released) {
            x.released = true;
            if (x.f != null) {
                pool.give(x.f);
            } else {
                pool.give(x.d);
            }
        }
    }

    /** Bytes of released arrays held for reuse (diagnostics). */
    public long pooledBytes() {
        return pool.heldBytes();
    }

    private static HeapStorage h(Storage s) {
        HeapStorage x = (HeapStorage) s;
        if (x.released) {
            throw new IllegalStateException(
                    "this tensor's memory was released (its MemoryScope closed, or the Parameter"
                            + " holding it was set to new values); keep it with MemoryScope.keep(...) or copy it to use it afterwards");
        }
        return x;
    }

    // ------------------------------------------------------------------ creation and access

    @Override
    public Storage fromDoubles(double[] values, DType dtype) {
        if (dtype == DType.FLOAT64) {
            return HeapStorage.of(this, values.clone());
        }
        float[] f = new float[values.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) values[i];
        }
        return HeapStorage.of(this, f);
    }

    @Override
    public Storage fromFloats(float[] values, DType dtype) {
        if (dtype == DType.FLOAT32) {
            return HeapStorage.of(this, values.clone());
        }
        double[] d = new double[values.length];
        for (int i = 0; i < d.length; i++) {
            d[i] = values[i];
        }
        return HeapStorage.of(this, d);
    }

    @Override
    public double[] toDoubles(Storage s) {
        HeapStorage x = h(s);
        if (!x.isFloat()) {
            return x.d.clone();
        }
        double[] d = new double[x.f.length];
        for (int i = 0; i < d.length; i++) {
            d[i] = x.f[i];
        }
        return d;
    }

    @Override
    public float[] toFloats(Storage s) {
        HeapStorage x = h(s);
        if (x.isFloat()) {
            return x.f.clone();
        }
        float[] f = new float[x.d.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) x.d[i];
        }
        return f;
    }

    @Override
    public double get(Storage s, int index) {
        HeapStorage x = h(s);
        return x.isFloat() ? x.f[index] : x.d[index];
    }

    @Override
    public Storage full(int size, double value, DType dtype) {
        HeapStorage out = alloc(dtype, size);
        if (value != 0) {
            if (out.isFloat()) {
                Arrays.fill(out.f, (float) value);
            } else {
                Arrays.fill(out.d, value);
            }
        }
        return out;
    }

    @Override
    public Storage cast(Storage s, DType dtype) {
        if (s.dtype() == dtype) {
            return s;
        }
        HeapStorage x = h(s);
        return x.isFloat() ? fromFloats(x.f, dtype) : fromDoubles(x.d, dtype);
    }

    // ------------------------------------------------------------------ elementwise

    @Override
    public Storage unary(UnaryOp op, Storage a, double p, double q) {
        HeapStorage x = h(a);
        HeapStorage out = allocFull(a.dtype(), a.size());
        if (x.isFloat()) {
            Parallel.range(
                    x.f.length,
                    GRAIN,
                    64,
                    (from, to) -> kernels.unary(op, p, q, x.f, from, out.f, from, to - from));
        } else {
            Parallel.range(
                    x.d.length,
                    GRAIN,
                    64,
                    (from, to) -> kernels.unary(op, p, q, x.d, from, out.d, from, to - from));
        }
        return out;
    }

    @Override
    public Storage[] unaryPair(UnaryOp first, UnaryOp second, Storage a, double p, double q) {
        boolean softplus = first == UnaryOp.SOFTPLUS && second == UnaryOp.SOFTPLUS_SLOPE;
        if (!softplus) {
            return new Storage[] {unary(first, a, p, q), unary(second, a, p, q)};
        }
        HeapStorage x = h(a);
        HeapStorage h = allocFull(a.dtype(), a.size()), s = allocFull(a.dtype(), a.size());
        if (x.isFloat()) {
            Parallel.range(
                    x.f.length,
                    GRAIN,
                    64,
                    (from, to) ->
                            kernels.softplusWithSlope(p, x.f, from, h.f, s.f, from, to - from));
        } else {
            Parallel.range(
                    x.d.length,
                    GRAIN,
                    64,
                    (from, to) ->
                            kernels.softplusWithSlope(p, x.d, from, h.d, s.d, from, to - from));
        }
        return new Storage[] {h, s};
    }

    @Override
    public Storage ternary(TernaryOp op, Storage a, Storage b, Storage c, double p) {
        HeapStorage x = h(a), y = h(b), z = h(c);
        HeapStorage out = allocFull(a.dtype(), a.size());
        if (out.isFloat()) {
            Parallel.range(
                    out.f.length,
                    GRAIN,
                    64,
                    (from, to) -> kernels.ternary(op, p, x.f, y.f, z.f, out.f, from, to - from));
        } else {
            Parallel.range(
                    out.d.length,
                    GRAIN,
                    64,
                    (from, to) -> kernels.ternary(op, p, x.d, y.d, z.d, out.d, from, to - from));
        }
        return out;
    }

    @Override
    public Storage binary(
            BinaryOp op, Storage a, int[] aShape, Storage b, int[] bShape, int[] outShape) {
        HeapStorage x = h(a), y = h(b);
        int n = numel(outShape);
        HeapStorage out = allocFull(a.dtype(), n);
        if (x.size() == n && y.size() == n) {
            if (out.isFloat()) {
                Parallel.range(
                        n,
                        GRAIN,
                        64,
                        (f, t) -> kernels.binary(op, x.f, f, 1, y.f, f, 1, out.f, f, t - f));
            } else {
                Parallel.range(
                        n,
                        GRAIN,
                        64,
                        (f, t) -> kernels.binary(op, x.d, f, 1, y.d, f, 1, out.d, f, t - f));
            }
            return out;
        }
        StridedPlan plan =
                StridedPlan.of(
                        outShape,
                        StridedPlan.broadcastStrides(aShape, outShape),
                        StridedPlan.broadcastStrides(bShape, outShape));
        int in = plan.inner, sa = plan.innerStride[0], sb = plan.innerStride[1];
        int[] oa = plan.offsets[0], ob = plan.offsets[1];
        int grainRows = Math.max(1, GRAIN / Math.max(1, in));
        if (out.isFloat()) {
            Parallel.range(
                    plan.rows,
                    grainRows,
                    1,
                    (r0, r1) -> {
                        for (int r = r0; r < r1; r++) {
                            kernels.binary(op, x.f, oa[r], sa, y.f, ob[r], sb, out.f, r * in, in);
                        }
                    });
        } else {
            Parallel.range(
                    plan.rows,
                    grainRows,
                    1,
                    (r0, r1) -> {
                        for (int r = r0; r < r1; r++) {
                            kernels.binary(op, x.d, oa[r], sa, y.d, ob[r], sb, out.d, r * in, in);
                        }
                    });
        }
        return out;
    }

    @Override
    public Storage where(
            Storage cond,
            int[] condShape,
            Storage a,
            int[] aShape,
            Storage b,
            int[] bShape,
            int[] outShape) {
        HeapStorage c = h(cond), x = h(a), y = h(b);
        HeapStorage out = allocFull(a.dtype(), numel(outShape));
        StridedPlan plan =
                StridedPlan.of(
                        outShape,
                        StridedPlan.broadcastStrides(condShape, outShape),
                        StridedPlan.broadcastStrides(aShape, outShape),
                        StridedPlan.broadcastStrides(bShape, outShape));
        int in = plan.inner,
                sc = plan.innerStride[0],
                sa = plan.innerStride[1],
                sb = plan.innerStride[2];
        for (int r = 0; r < plan.rows; r++) {
            int oc = plan.offsets[0][r],
                    oa = plan.offsets[1][r],
                    ob = plan.offsets[2][r],
                    oo = r * in;
            for (int i = 0; i < in; i++) {
                boolean take = (c.isFloat() ? c.f[oc + i * sc] : c.d[oc + i * sc]) != 0;
                if (out.isFloat()) {
                    out.f[oo + i] = take ? x.f[oa + i * sa] : y.f[ob + i * sb];
                } else {
                    out.d[oo + i] = take ? x.d[oa + i * sa] : y.d[ob + i * sb];
                }
            }
        }
        return out;
    }

    // ------------------------------------------------------------------ matmul

    /** Products narrower than this many columns are computed as dot products or transposed. */
    private static final int NARROW = 16;

    @Override
    public Storage matmul(
            Storage a, int[] aShape, boolean transA, Storage b, int[] bShape, boolean transB) {
        int r = aShape.length;
        int batch = r == 3 ? aShape[0] : 1;
        int ar = aShape[r - 2], ac = aShape[r - 1], br = bShape[r - 2], bc = bShape[r - 1];
        int m = transA ? ac : ar, k = transA ? ar : ac, n = transB ? br : bc;
        HeapStorage x = h(a), y = h(b);
        // With k = 0 the kernels write nothing and the product is zero: a recycled array must be
        // cleared.
        HeapStorage out =
                k == 0 ? alloc(a.dtype(), batch * m * n) : allocFull(a.dtype(), batch * m * n);
        int[] swap = r == 3 ? new int[] {0, 2, 1} : new int[] {1, 0};
        boolean narrow = n < NARROW && (!transA || m > n);
        // A needs no copy: the kernel reads it through strides. B's rows must be contiguous
        // (for narrow products, B^T's rows).
        HeapStorage bk =
                narrow
                        ? (transB ? y : h(permute(b, bShape, swap)))
                        : (transB ? h(permute(b, bShape, swap)) : y);
        int ars = transA ? 1 : k, acs = transA ? m : 1;
        if (batch > 1) {
            // Many small products: one task per batch element, each on one thread.
            Parallel.range(
                    batch,
                    Math.max(1, GRAIN / Math.max(1, m * n + m * k)),
                    1,
                    (t0, t1) -> {
                        for (int t = t0; t < t1; t++) {
                            product(
                                    x, t * m * k, ars, acs, transA, bk, t * k * n, out, t * m * n,
                                    m, n, k, narrow);
                        }
                    });
            return out;
        }
        product(x, 0, ars, acs, transA, bk, 0, out, 0, m, n, k, narrow);
        return out;
    }

    private void product(
            HeapStorage x,
            int ao,
            int ars,
            int acs,
            boolean transA,
            HeapStorage bk,
            int bo,
            HeapStorage out,
            int co,
            int m,
            int n,
            int k,
            boolean narrow) {
        if (k == 0) {
            return; // an empty sum: out was allocated zeroed
        }
        if (narrow) {
            // Too narrow for vectors along n: vectorise along k (dot products of A rows with B^T
            // rows)
            // or, when A is stored transposed, along m by computing C^T = B^T A^T.
            if (!transA) {
                dotRows(x, ao, bk, bo, out, co, m, n, k, null);
            } else {
                narrowByTranspose(x, ao, bk, bo, out, co, m, n, k);
            }
        } else if (out.isFloat()) {
            gemm(m, n, k, x.f, ao, ars, acs, bk.f, bo, out.f, co, false, null);
        } else {
            gemm(m, n, k, x.d, ao, ars, acs, bk.d, bo, out.d, co, false);
        }
    }

    /**
     * C[i,j] = A[i,:] . Bt[j,:] (+ bias[j]), A row-major [m,k], Bt row-major [n,k]: {@link
     * Kernels#dotRows} over m rows, shared out by rows; bias (or null) added after.
     */
    private void dotRows(
            HeapStorage x,
            int ao,
            HeapStorage bt,
            int bo,
            HeapStorage out,
            int co,
            int m,
            int n,
            int k,
            HeapStorage bias) {
        Parallel.range(
                m,
                Math.max(16, GRAIN / Math.max(1, n * k)),
                4,
                (r0, r1) -> {
                    if (out.isFloat()) {
                        kernels.dotRows(
                                r0,
                                r1,
                                n,
                                k,
                                x.f,
                                ao,
                                bt.f,
                                bo,
                                out.f,
                                co,
                                bias == null ? null : bias.f);
                    } else {
                        kernels.dotRows(
                                r0,
                                r1,
                                n,
                                k,
                                x.d,
                                ao,
                                bt.d,
                                bo,
                                out.d,
                                co,
                                bias == null ? null : bias.d);
                    }
                });
    }

    /**
     * A stored [k,m]: C^T [n,m] = Bt [n,k] A [k,m] with vectors along m, then transposed into C.
     */
    private void narrowByTranspose(
            HeapStorage x,
            int ao,
            HeapStorage bt,
            int bo,
            HeapStorage out,
            int co,
            int m,
            int n,
            int k) {
        HeapStorage ct = allocFull(out.dtype(), n * m);
        if (n < 2 * plan.shape().rows() && k > SHALLOW_K) {
            // Too few rows for the packed paths: gemm would run its unpacked path on one thread.
            fewRowsByColumns(n, m, k, bt, bo, x, ao, ct);
        } else if (out.isFloat()) {
            gemm(n, m, k, bt.f, bo, k, 1, x.f, ao, ct.f, 0, false, null);
        } else {
            gemm(n, m, k, bt.d, bo, k, 1, x.d, ao, ct.d, 0, false);
        }
        if (out.isFloat()) {
            for (int j = 0; j < n; j++) {
                for (int i = 0; i < m; i++) {
                    out.f[co + i * n + j] = ct.f[j * m + i];
                }
            }
        } else {
            for (int j = 0; j < n; j++) {
                for (int i = 0; i < m; i++) {
                    out.d[co + i * n + j] = ct.d[j * m + i];
                }
            }
        }
    }

    /**
     * C [rows, cols] = A [rows, k] B [k, cols] for a product of a few rows (C^T of a narrow weight
     * gradient: a first layer's 2 or 3 inputs, k = the batch), with the blocking of {@link #gemm}'s
     * unpacked path, shared out by columns: too few rows to share, it ran on one thread. Column
     * shares start at multiples of the kernel's tile width, so every column sits in the same tile
     * with the same blocks and steps of k as on one thread: the same bits.
     */
    private void fewRowsByColumns(
            int rows,
            int cols,
            int k,
            HeapStorage a,
            int ao,
            HeapStorage b,
            int bo,
            HeapStorage c) {
        int sw = kernels.packWidth();
        int grain = Math.max(sw, (1 << 16) / Math.max(1, rows * k) / sw * sw);
        Parallel.range(
                cols,
                grain,
                sw,
                (j0, j1) -> {
                    for (int kb = 0; kb < k; kb += KC) {
                        int kc = Math.min(KC, k - kb);
                        for (int nb = j0; nb < j1; nb += NC) {
                            int nc = Math.min(NC, j1 - nb), bk = bo + kb * cols + nb;
                            if (c.isFloat()) {
                                kernels.gemm(
                                        0, rows, nc, kc, a.f, ao + kb, k, 1, b.f, bk, cols, c.f, nb,
                                        cols, kb > 0);
                            } else {
                                kernels.gemm(
                                        0, rows, nc, kc, a.d, ao + kb, k, 1, b.d, bk, cols, c.d, nb,
                                        cols, kb > 0);
                            }
                        }
                    }
                });
    }

    @Override
    public Storage linear(Storage x, int[] xShape, Storage w, int[] wShape, Storage b) {
        int m = xShape[0], k = xShape[1], n = wShape[0];
        if (n < NARROW && b != null && k > 0) {
            // A narrow output layer: dot products of x's rows with w's, the bias added to each.
            HeapStorage out = allocFull(x.dtype(), m * n);
            dotRows(h(x), 0, h(w), 0, out, 0, m, n, k, h(b));
            return out;
        }
        if (n < NARROW || b == null) {
            Storage y = matmul(x, xShape, false, w, wShape, true);
            return b == null
                    ? y
                    : binary(BinaryOp.ADD, y, new int[] {m, n}, b, new int[] {n}, new int[] {m, n});
        }
        HeapStorage xs = h(x), bias = h(b);
        HeapStorage wt = h(permute(w, wShape, new int[] {1, 0}));
        HeapStorage out = allocFull(x.dtype(), m * n);
        // float32: each kernel thread writes the bias into its own rows (as C's starting value, or
        // added after the product on the packed-A plan; see gemm); float64: the bias rows
        // initialise C and the GEMM accumulates onto them.
        if (out.isFloat()) {
            gemm(m, n, k, xs.f, 0, k, 1, wt.f, 0, out.f, 0, false, bias.f);
        } else {
            for (int i = 0; i < m; i++) {
                System.arraycopy(bias.d, 0, out.d, i * n, n);
            }
            gemm(m, n, k, xs.d, 0, k, 1, wt.d, 0, out.d, 0, true);
        }
        return out;
    }

    /**
     * Rows per chunk: about 2^17 multiply-adds, counting a row at least 16 deep, so that the
     * shallow products of a first layer (1024 x 64 x 2) or of a gradient through a 1-wide output (k
     * = 1), which mostly write C, are still shared out rather than left to the caller.
     */
    private static int rowGrain(int n, int k) {
        return Math.max(4, (1 << 17) / Math.max(1, n * Math.max(k, 16)));
    }

    /** Columns of B packed at a time: with KC rows, a 1 MB buffer per calling thread. */
    private static final int PACK_COLS = 1024;

    /**
     * Products at most this wide run unpacked: a B of 64 columns (16 KB per 64 rows) sits in L1 as
     * it is, and packing it and A cost more than they saved. Alternating both in one JVM on AVX2
     * (medians): 1024 x 64 x 64 71 us unpacked against 103 packed, its transposed-A weight gradient
     * (64 x 64, k = 1024) 89 against 320; on AVX-512 the two are the same (43 / 53 us).
     */
    private static final int PACK_MIN_COLS = 64;

    /**
     * Products at most this deep and at least {@link #SHALLOW_MIN_VECTORS} vectors wide take {@link
     * Kernels#gemmShallow}, row by row. Both builds loaded side by side in one JVM, tenth
     * percentiles of alternated rounds: a 4096 x 3 -> 256 first layer (sdf-bunny's) took 0.59 of
     * the tile kernels' time on one thread and 0.62 on two with AVX2, 0.70 on two with AVX-512;
     * 1024 x 2 -> 64 on AVX2 (8 vectors a row) 0.76 on one thread. That kernel swept each row once
     * per step of k; with the steps in registers, four vectors at a time, 1024 x 2 -> 64 took
     * 0.55-0.64 of the sweeping kernel's time with AVX2 and 4096 x 3 -> 256 0.57-0.61 (one and two
     * threads), and rows of 4 vectors (1024 x 2 -> 64 on AVX-512, which had kept the tiles: the
     * sweeps were 1.05-1.2x slower there) 0.68-0.79 of the tiles' time. Narrower products keep the
     * tiles.
     */
    private static final int SHALLOW_K = 4;

    private static final int SHALLOW_MIN_VECTORS = 4;

    private static final int FLOAT_LANES = vectorFloatLanes();

    /** Products with fewer rows than this run unpacked: packing B would cost more than it saves. */
    private static final int PACK_MIN_ROWS = 24;

    /**
     * Products shallower than this run unpacked (a first layer's k = 3): packing would cost more
     * than it saves.
     */
    private static final int PACK_MIN_DEPTH = 32;

    /**
     * Where A is packed ({@link GemmPlan#packA()}, the 6 x 2 plan), products at most {@link
     * #PACK_MIN_COLS} wide, at least this deep and with B of at most {@link #SMALL_MAX_B} floats
     * take B whole as strips and A as row panels (row-major A, {@code VectorKernels.gemmRowPanels})
     * or column panels (transposed A, a weight gradient: {@code gemmColumnPanels}, one array copy
     * per step of k) in one hand-off to the threads: AVX2 setting, 1024 x 64 x 64 in 50-65 us
     * against 68 unpacked; 64 x 1024 x 64 with A transposed 112-120 us on one thread, as fast as
     * unpacked (114-125), where the interleaved panels had cost 320 (above). With A transposed and
     * k at least two {@link #SPLIT_K} blocks deep, the threads share the blocks of k instead of the
     * rows ({@link #gemmSplitK}).
     */
    private static final int SMALL_MIN_DEPTH = 16;

    private static final int SMALL_MAX_B = 1 << 18;
    private static final ThreadLocal<float[]> PACKED_B =
            ThreadLocal.withInitial(() -> new float[0]);

    /**
     * C (+)= A B with B [k,n] row-major (ldb = n) and C [m,n]. Where B is wider than one strip of
     * {@link Kernels#packWidth()} columns, each KC x PACK_COLS block of B is first copied into
     * contiguous strips (once for all row chunks) and the strips go through {@link
     * Kernels#gemmPacked}; leftover columns and small products take the unpacked kernel, with K and
     * N blocked so a B panel stays in cache.
     */
    private void gemm(
            int m,
            int n,
            int k,
            float[] a,
            int ao,
            int ars,
            int acs,
            float[] b,
            int bo,
            float[] c,
            int co,
            boolean accumulate,
            float[] bias) {
        if (k == 0) {
            if (bias != null) {
                biasRows(c, co, n, 0, m, bias, 0, n);
            }
            return;
        }
        // Where A is packed (the 16-register plan), the product starts from zero and the bias is
        // added after it: C2 compiles that plan's kernel with a spilling loop when its zero-start
        // branch has never run (a network only evaluated, every product accumulating onto a bias;
        // docs/benchmarks.md). Elsewhere the bias rows are C's starting value.
        final boolean biasFirst = bias != null && !plan.packA(),
                biasAfter = bias != null && plan.packA();
        final boolean acc0 = accumulate || biasFirst;
        int w = kernels.packWidth();
        int rowsPerTile = plan.shape().rows();
        if (plan.packA()
                && (acs == 1 || ars == 1)
                && n >= w
                && n <= PACK_MIN_COLS
                && m >= 2 * rowsPerTile
                && k >= SMALL_MIN_DEPTH
                && n * k <= SMALL_MAX_B) {
            if (ars == 1 && k >= 2 * SPLIT_K && bias == null) {
                gemmSplitK(m, n, k, a, ao, acs, b, bo, c, co, accumulate);
                return;
            }
            // A small product (the layers of a 64-wide network): B whole as strips (a B exactly one
            // strip wide already is one), then one hand-off to the threads, each taking a share of
            // the rows.
            int strips = n / w, full = strips * w;
            float[] bp = n == w ? b : packB(b, bo, n, k, strips, w);
            int bpo = n == w ? bo : 0;
            Parallel.range(
                    m,
                    rowGrain(n, k),
                    rowsPerTile,
                    (r0, r1) -> {
                        if (biasFirst) {
                            biasRows(c, co, n, r0, r1, bias, 0, n);
                        }
                        kernels.gemmPacked(
                                r0, r1, strips, k, a, ao, ars, acs, bp, bpo, c, co, n, acc0);
                        if (full < n) {
                            kernels.gemm(
                                    r0, r1, n - full, k, a, ao, ars, acs, b, bo + full, n, c,
                                    co + full, n, acc0);
                        }
                        if (biasAfter) {
                            addBias(c, co, n, r0, r1, bias, 0, n);
                        }
                    });
            return;
        }
        // A B exactly one strip wide is already laid out as a packed strip.
        if (n > Math.max(w, PACK_MIN_COLS) && m >= PACK_MIN_ROWS && k >= PACK_MIN_DEPTH) {
            if (ars == 1 && bias == null && k >= 2 * plan.kc() && n / w >= Parallel.threads()) {
                gemmByStrips(m, n, k, a, ao, acs, b, bo, c, co, accumulate);
                return;
            }
            int rows = plan.shape().rows();
            for (int kb = 0; kb < k; kb += plan.kc()) {
                int kc = Math.min(plan.kc(), k - kb);
                boolean acc = acc0 || kb > 0, first = kb == 0 && biasFirst;
                boolean last = kb + kc >= k && biasAfter;
                int ak = ao + kb * acs;
                for (int nb = 0; nb < n; nb += PACK_COLS) {
                    int nc = Math.min(PACK_COLS, n - nb), strips = nc / w, full = strips * w;
                    float[] bp = packB(b, bo + kb * n + nb, n, kc, strips, w);
                    int bRest = bo + kb * n + nb + full, cb = co + nb;
                    Parallel.range(
                            m,
                            rowGrain(nc, kc),
                            rows,
                            (r0, r1) -> {
                                if (first) {
                                    biasRows(c, co, n, r0, r1, bias, cb - co, nc);
                                }
                                if (strips > 0) {
                                    kernels.gemmPacked(
                                            r0, r1, strips, kc, a, ak, ars, acs, bp, 0, c, cb, n,
                                            acc);
                                }
                                if (full < nc) {
                                    kernels.gemm(
                                            r0, r1, nc - full, kc, a, ak, ars, acs, b, bRest, n, c,
                                            cb + full, n, acc);
                                }
                                if (last) {
                                    addBias(c, co, n, r0, r1, bias, cb - co, nc);
                                }
                            });
                }
            }
            return;
        }
        if (k <= SHALLOW_K && n >= SHALLOW_MIN_VECTORS * FLOAT_LANES) {
            Parallel.range(
                    m,
                    rowGrain(n, k),
                    plan.shape().rows(),
                    (r0, r1) ->
                            kernels.gemmShallow(
                                    r0,
                                    r1,
                                    n,
                                    k,
                                    a,
                                    ao,
                                    ars,
                                    acs,
                                    b,
                                    bo,
                                    c,
                                    co,
                                    accumulate,
                                    bias,
                                    biasAfter));
            return;
        }
        Parallel.range(
                m,
                rowGrain(n, k),
                plan.shape().rows(),
                (r0, r1) -> {
                    if (biasFirst) {
                        biasRows(c, co, n, r0, r1, bias, 0, n);
                    }
                    for (int kb = 0; kb < k; kb += KC) {
                        int kc = Math.min(KC, k - kb);
                        for (int nb = 0; nb < n; nb += NC) {
                            kernels.gemm(
                                    r0,
                                    r1,
                                    Math.min(NC, n - nb),
                                    kc,
                                    a,
                                    ao + kb * acs,
                                    ars,
                                    acs,
                                    b,
                                    bo + kb * n + nb,
                                    n,
                                    c,
                                    co + nb,
                                    n,
                                    acc0 || kb > 0);
                        }
                    }
                    if (biasAfter) {
                        addBias(c, co, n, r0, r1, bias, 0, n);
                    }
                });
    }

    /** Rows [r0, r1) of C (row length n), columns [j0, j0 + nc), plus bias[j0, j0 + nc). */
    private void addBias(float[] c, int co, int n, int r0, int r1, float[] bias, int j0, int nc) {
        for (int i = r0; i < r1; i++) {
            int ci = co + i * n + j0;
            kernels.binary(BinaryOp.ADD, c, ci, 1, bias, j0, 1, c, ci, nc);
        }
    }

    /** Rows [r0, r1) of C (row length n), columns [j0, j0 + nc), set to bias[j0, j0 + nc). */
    private static void biasRows(
            float[] c, int co, int n, int r0, int r1, float[] bias, int j0, int nc) {
        for (int i = r0; i < r1; i++) {
            System.arraycopy(bias, j0, c, co + i * n + j0, nc);
        }
    }

    /**
     * A deep product with A transposed (a weight gradient X^T dY of a wide layer: 256 x 256, k =
     * the batch), shared out by strips of B's columns in one hand-off: each thread walks all the
     * blocks of k for its own strips, copying its own part of each block of B. Shared by rows, each
     * of the k / kc blocks took two hand-offs (the copy of B and the product) and each thread read
     * strips copied by the other core. Every element of C sees the same blocks and steps in the
     * same order either way, so the bits do not depend on the split.
     */
    private void gemmByStrips(
            int m,
            int n,
            int k,
            float[] a,
            int ao,
            int acs,
            float[] b,
            int bo,
            float[] c,
            int co,
            boolean accumulate) {
        int w = kernels.packWidth(), strips = n / w, full = strips * w, kcMax = plan.kc();
        // The columns past the last full strip go with the last share. One piece per share: each
        // call of the body copies A's column panels for every block of k, so cutting a share into
        // pieces would copy them again for each piece (AVX2, 256 x 256 x 4096: 1.10x the time with
        // four).
        Parallel.range(
                strips,
                1,
                1,
                1,
                (s0, s1) -> {
                    float[] bp = ArrayPool.scratch(PACKED_B, (s1 - s0) * kcMax * w);
                    for (int kb = 0; kb < k; kb += kcMax) {
                        int kc = Math.min(kcMax, k - kb), bk = bo + kb * n, ak = ao + kb * acs;
                        boolean acc = accumulate || kb > 0;
                        for (int s = s0; s < s1; s++) {
                            kernels.packStrip(b, bk + s * w, n, kc, bp, (s - s0) * kc * w);
                        }
                        kernels.gemmPacked(
                                0, m, s1 - s0, kc, a, ak, 1, acs, bp, 0, c, co + s0 * w, n, acc);
                        if (s1 == strips && full < n) {
                            kernels.gemm(
                                    0, m, n - full, kc, a, ak, 1, acs, b, bk + full, n, c,
                                    co + full, n, acc);
                        }
                    }
                });
    }

    /** Steps of k per share of {@link #gemmSplitK}. */
    private static final int SPLIT_K = 256;

    /**
     * The partial products of {@link #gemmSplitK} after the first, one buffer per calling thread.
     */
    private static final ThreadLocal<float[]> SPLIT_PARTS =
            ThreadLocal.withInitial(() -> new float[0]);

    /**
     * A small product with A transposed and k much deeper than m (a weight gradient X^T dY of a
     * narrow layer: 64 x 64, k = the batch), shared out by steps of k rather than by rows: the
     * {@link #SPLIT_K}-deep blocks of k are computed as separate products (each task copies its own
     * block of B into strips, so no hand-off and no strips written by another core), the first into
     * C and the others into buffers, which are then added to C in order. Each block's sum does not
     * depend on who computes it, so the result has the same bits for any number of threads. Sharing
     * the 64 rows instead gave the threads 36 and 28 of them and each thread read all of B: on AVX2
     * two threads took 86-90 us against 111-117 for one.
     */
    private void gemmSplitK(
            int m,
            int n,
            int k,
            float[] a,
            int ao,
            int acs,
            float[] b,
            int bo,
            float[] c,
            int co,
            boolean accumulate) {
        int blocks = (k + SPLIT_K - 1) / SPLIT_K, mn = m * n;
        float[] parts = ArrayPool.scratch(SPLIT_PARTS, (blocks - 1) * mn);
        float[] buf = parts;
        int w = kernels.packWidth(), strips = n / w, full = strips * w;
        Parallel.range(
                blocks,
                1,
                1,
                (b0, b1) -> {
                    for (int blk = b0; blk < b1; blk++) {
                        int kb = blk * SPLIT_K, kc = Math.min(SPLIT_K, k - kb);
                        float[] t = blk == 0 ? c : buf;
                        int to = blk == 0 ? co : (blk - 1) * mn;
                        boolean acc = blk == 0 && accumulate;
                        int ak = ao + kb * acs, bk = bo + kb * n;
                        float[] bp = n == w ? b : packB(b, bk, n, kc, strips, w);
                        int bpo = n == w ? bk : 0;
                        kernels.gemmPacked(0, m, strips, kc, a, ak, 1, acs, bp, bpo, t, to, n, acc);
                        if (full < n) {
                            kernels.gemm(
                                    0, m, n - full, kc, a, ak, 1, acs, b, bk + full, n, t,
                                    to + full, n, acc);
                        }
                    }
                });
        for (int blk = 1; blk < blocks; blk++) {
            kernels.binary(BinaryOp.ADD, c, co, 1, buf, (blk - 1) * mn, 1, c, co, mn);
        }
    }

    /**
     * Copies rows [0, kc) of the first strips * w columns of B (row stride ldb) into strips,
     * bp[s*kc*w + kk*w + j], the strips shared out among the threads rather than copied by one
     * while the others wait.
     */
    private float[] packB(float[] b, int bo, int ldb, int kc, int strips, int w) {
        float[] buf = ArrayPool.scratch(PACKED_B, strips * kc * w);
        float[] bp = buf;
        Parallel.range(
                strips,
                Math.max(1, (1 << 14) / (kc * w)),
                1,
                (s0, s1) -> {
                    for (int s = s0; s < s1; s++) {
                        kernels.packStrip(b, bo + s * w, ldb, kc, bp, s * kc * w);
                    }
                });
        return bp;
    }

    private void gemm(
            int m,
            int n,
            int k,
            double[] a,
            int ao,
            int ars,
            int acs,
            double[] b,
            int bo,
            double[] c,
            int co,
            boolean accumulate) {
        if (k == 0) {
            return;
        }
        Parallel.range(
                m,
                rowGrain(n, k),
                plan.shape().rows(),
                (r0, r1) -> {
                    for (int kb = 0; kb < k; kb += KC) {
                        int kc = Math.min(KC, k - kb);
                        for (int nb = 0; nb < n; nb += NC) {
                            kernels.gemm(
                                    r0,
                                    r1,
                                    Math.min(NC, n - nb),
                                    kc,
                                    a,
                                    ao + kb * acs,
                                    ars,
                                    acs,
                                    b,
                                    bo + kb * n + nb,
                                    n,
                                    c,
                                    co + nb,
                                    n,
                                    accumulate || kb > 0);
                        }
                    }
                });
    }

    // ------------------------------------------------------------------ reductions

    @Override
    public Storage reduce(ReduceOp op, Storage a, int[] shape, int[] axes) {
        HeapStorage x = h(a);
        int[] outShape = shape.clone();
        boolean[] reduced = new boolean[shape.length];
        for (int ax : axes) {
            reduced[ax] = true;
            outShape[ax] = 1;
        }
        // Group axes into runs of reduced / kept, ignoring size-1 axes.
        int[] groupSize = new int[shape.length];
        boolean[] groupReduced = new boolean[shape.length];
        int groups = 0;
        for (int d = 0; d < shape.length; d++) {
            if (shape[d] == 1) {
                continue;
            }
            if (groups > 0 && groupReduced[groups - 1] == reduced[d]) {
                groupSize[groups - 1] *= shape[d];
            } else {
                groupSize[groups] = shape[d];
                groupReduced[groups] = reduced[d];
                groups++;
            }
        }
        int outN = numel(outShape);
        HeapStorage out = alloc(a.dtype(), outN);
        int outer, red, inner;
        if (groups == 0) {
            outer = 1;
            red = 1;
            inner = 1;
        } else if (groups == 1) {
            if (groupReduced[0]) {
                outer = 1;
                red = groupSize[0];
                inner = 1;
            } else {
                outer = groupSize[0];
                red = 1;
                inner = 1;
            }
        } else if (groups == 2) {
            if (groupReduced[0]) {
                outer = 1;
                red = groupSize[0];
                inner = groupSize[1];
            } else {
                outer = groupSize[0];
                red = groupSize[1];
                inner = 1;
            }
        } else if (groups == 3 && groupReduced[1]) {
            outer = groupSize[0];
            red = groupSize[1];
            inner = groupSize[2];
        } else {
            // Move the reduced axes last, then every output element reduces one contiguous run.
            int[] perm = new int[shape.length];
            int p = 0;
            for (int d = 0; d < shape.length; d++) {
                if (!reduced[d]) {
                    perm[p++] = d;
                }
            }
            for (int d = 0; d < shape.length; d++) {
                if (reduced[d]) {
                    perm[p++] = d;
                }
            }
            HeapStorage moved = h(permute(a, shape, perm));
            int r = x.size() / outN;
            reduceRuns(op, moved, out, outN, r, 1);
            return out;
        }
        reduceRuns(op, x, out, outer, red, inner);
        return out;
    }

    /**
     * Columns [j0, j1) of {@code red} rows of length {@code inner} at xo, summed into out at oo.
     */
    private void sumColumns(
            HeapStorage x, int xo, int red, int j0, int j1, int inner, HeapStorage out, int oo) {
        if (x.isFloat()) {
            kernels.sumRows(x.f, xo + j0, red, j1 - j0, inner, out.f, oo + j0);
        } else {
            kernels.sumRows(x.d, xo + j0, red, j1 - j0, inner, out.d, oo + j0);
        }
    }

    /** out[o, i] = op over r of x[o, r, i], for an [outer, red, inner] view of x. */
    private void reduceRuns(
            ReduceOp op, HeapStorage x, HeapStorage out, int outer, int red, int inner) {
        if (inner == 1) {
            int grain = Math.max(1, GRAIN / Math.max(1, red));
            Parallel.range(
                    outer,
                    grain,
                    1,
                    (o0, o1) -> {
                        for (int o = o0; o < o1; o++) {
                            if (x.isFloat()) {
                                out.f[o] = (float) kernels.reduce(op, x.f, o * red, red);
                            } else {
                                out.d[o] = kernels.reduce(op, x.d, o * red, red);
                            }
                        }
                    });
            return;
        }
        if (op == ReduceOp.SUM) {
            // Each column is summed over the rows in order by one thread, so sharing the columns
            // out does not change the bits (a bias gradient: 4096 rows of 256).
            int colGrain = (Math.max(1, GRAIN / Math.max(1, red)) + 63) / 64 * 64;
            for (int o = 0; o < outer; o++) {
                int xo = o * red * inner, oo = o * inner;
                if (inner < 2 * colGrain) {
                    sumColumns(x, xo, red, 0, inner, inner, out, oo);
                } else {
                    Parallel.range(
                            inner,
                            colGrain,
                            64,
                            (j0, j1) -> sumColumns(x, xo, red, j0, j1, inner, out, oo));
                }
            }
            return;
        }
        BinaryOp combine = op == ReduceOp.MAX ? BinaryOp.MAX : BinaryOp.MIN;
        for (int o = 0; o < outer; o++) {
            int base = o * red * inner, oo = o * inner;
            if (x.isFloat()) {
                System.arraycopy(x.f, base, out.f, oo, inner);
                for (int r = 1; r < red; r++) {
                    kernels.binary(
                            combine, out.f, oo, 1, x.f, base + r * inner, 1, out.f, oo, inner);
                }
            } else {
                System.arraycopy(x.d, base, out.d, oo, inner);
                for (int r = 1; r < red; r++) {
                    kernels.binary(
                            combine, out.d, oo, 1, x.d, base + r * inner, 1, out.d, oo, inner);
                }
            }
        }
    }

    // ------------------------------------------------------------------ data movement

    @Override
    public Storage broadcastTo(Storage a, int[] aShape, int[] outShape) {
        HeapStorage x = h(a);
        HeapStorage out = allocFull(a.dtype(), numel(outShape));
        StridedPlan plan = StridedPlan.of(outShape, StridedPlan.broadcastStrides(aShape, outShape));
        copyStrided(x, out, plan);
        return out;
    }

    @Override
    public Storage permute(Storage a, int[] shape, int[] perm) {
        HeapStorage x = h(a);
        int r = shape.length;
        int[] inStrides = StridedPlan.contiguousStrides(shape);
        int[] outShape = new int[r];
        int[] strides = new int[r];
        for (int i = 0; i < r; i++) {
            outShape[i] = shape[perm[i]];
            strides[i] = inStrides[perm[i]];
        }
        HeapStorage out = allocFull(a.dtype(), x.size());
        copyStrided(x, out, StridedPlan.of(outShape, strides));
        return out;
    }

    private static void copyStrided(HeapStorage x, HeapStorage out, StridedPlan plan) {
        int in = plan.inner, s = plan.innerStride[0];
        int[] off = plan.offsets[0];
        for (int r = 0; r < plan.rows; r++) {
            int o = r * in, src = off[r];
            if (x.isFloat()) {
                if (s == 1) {
                    System.arraycopy(x.f, src, out.f, o, in);
                } else if (s == 0) {
                    Arrays.fill(out.f, o, o + in, x.f[src]);
                } else {
                    for (int i = 0; i < in; i++) {
                        out.f[o + i] = x.f[src + i * s];
                    }
                }
            } else {
                if (s == 1) {
                    System.arraycopy(x.d, src, out.d, o, in);
                } else if (s == 0) {
                    Arrays.fill(out.d, o, o + in, x.d[src]);
                } else {
                    for (int i = 0; i < in; i++) {
                        out.d[o + i] = x.d[src + i * s];
                    }
                }
            }
        }
    }

    @Override
    public Storage concat(Storage[] parts, int[][] shapes, int axis) {
        int outer = 1;
        for (int d = 0; d < axis; d++) {
            outer *= shapes[0][d];
        }
        int total = 0;
        int[] run = new int[parts.length];
        for (int p = 0; p < parts.length; p++) {
            run[p] = outer == 0 ? 0 : parts[p].size() / outer;
            total += parts[p].size();
        }
        HeapStorage out = allocFull(parts[0].dtype(), total);
        int pos = 0;
        for (int o = 0; o < outer; o++) {
            for (int p = 0; p < parts.length; p++) {
                HeapStorage x = h(parts[p]);
                if (x.isFloat()) {
                    System.arraycopy(x.f, o * run[p], out.f, pos, run[p]);
                } else {
                    System.arraycopy(x.d, o * run[p], out.d, pos, run[p]);
                }
                pos += run[p];
            }
        }
        return out;
    }

    @Override
    public Storage gather(Storage a, int[] shape, int axis, int[] index) {
        HeapStorage x = h(a);
        int outer = 1, inner = 1;
        for (int d = 0; d < axis; d++) {
            outer *= shape[d];
        }
        for (int d = axis + 1; d < shape.length; d++) {
            inner *= shape[d];
        }
        int n = shape[axis], m = index.length;
        HeapStorage out = allocFull(a.dtype(), outer * m * inner);
        for (int o = 0; o < outer; o++) {
            for (int j = 0; j < m; j++) {
                int src = (o * n + index[j]) * inner, dst = (o * m + j) * inner;
                if (x.isFloat()) {
                    System.arraycopy(x.f, src, out.f, dst, inner);
                } else {
                    System.arraycopy(x.d, src, out.d, dst, inner);
                }
            }
        }
        return out;
    }

    @Override
    public Storage indexAdd(Storage src, int[] srcShape, int axis, int[] index, int outExtent) {
        HeapStorage x = h(src);
        int outer = 1, inner = 1;
        for (int d = 0; d < axis; d++) {
            outer *= srcShape[d];
        }
        for (int d = axis + 1; d < srcShape.length; d++) {
            inner *= srcShape[d];
        }
        int m = index.length;
        HeapStorage out = alloc(src.dtype(), outer * outExtent * inner);
        for (int o = 0; o < outer; o++) {
            for (int j = 0; j < m; j++) {
                int s = (o * m + j) * inner, dst = (o * outExtent + index[j]) * inner;
                if (x.isFloat()) {
                    kernels.binary(BinaryOp.ADD, out.f, dst, 1, x.f, s, 1, out.f, dst, inner);
                } else {
                    kernels.binary(BinaryOp.ADD, out.d, dst, 1, x.d, s, 1, out.d, dst, inner);
                }
            }
        }
        return out;
    }

    @Override
    public void addScaledInPlace(Storage target, double alpha, Storage x) {
        HeapStorage t = h(target), s = h(x);
        if (t.isFloat()) {
            float al = (float) alpha;
            for (int i = 0; i < t.f.length; i++) {
                t.f[i] += al * s.f[i];
            }
        } else {
            for (int i = 0; i < t.d.length; i++) {
                t.d[i] += alpha * s.d[i];
            }
        }
    }

    static int numel(int[] shape) {
        int n = 1;
        for (int s : shape) {
            n *= s;
        }
        return n;
    }
}
