package org.implicitlayers.ritz.loss;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.implicitlayers.core.nn.Module;
import org.implicitlayers.core.nn.Parameter;

/**
 * Per-sample derivatives of a network N: R^d -> R with respect to its parameters, in float64, for
 * the Gram matrices of energy natural gradient descent. For each sample x the forward pass carries
 * a jet of every hidden vector h: its value, its d partial derivatives in x and (when asked) its
 * Laplacian (the "forward Laplacian" of Li et al. 2023: Lap sigma(z) = sigma'(z) Lap z + sigma''(z)
 * |grad z|^2). A row of the Jacobian is then one reverse pass through that jet computation, seeded
 * with the coefficients of a linear combination of N, its partial derivatives and its Laplacian at
 * x: the derivative of c0 N + sum_k ck dN/dx_k + cL Lap N with respect to every parameter.
 *
 * <p>Which networks: those {@code RitzOptions.Network} builds, recognised by their parameter names:
 * an MLP ({@code layers.i.weight/bias}, the activation after every layer but the last) and a
 * Sequential of Linear layers ({@code i.weight/bias}, no activation) and Deep Ritz residual blocks
 * ({@code i.l1.*}, {@code i.l2.*}: h + act(L2(act(L1 h)))). The activation comes by name ({@link
 * #derivatives}). Parameters are numbered in the order of {@link Module#parameters()}, each
 * row-major, as {@link org.implicitlayers.core.optim.Engd} flattens them.
 */
public final class NetworkJacobian {
    private static final Pattern MLP = Pattern.compile("layers\\.(\\d+)\\.(weight|bias)");
    private static final Pattern PLAIN = Pattern.compile("(\\d+)\\.(weight|bias)");
    private static final Pattern BLOCK = Pattern.compile("(\\d+)\\.(l1|l2)\\.(weight|bias)");

    /** One step of the forward program. */
    private enum Kind {
        LINEAR,
        ACT,
        SAVE,
        ADD
    }

    private record Op(Kind kind, Layer layer) {}

    /** A linear layer: W [out, in] at flat offset w, b [out] at flat offset b. */
    private static final class Layer {
        final Parameter weight;
        final Parameter bias;
        int in;
        int out;
        int wOff;
        int bOff;
        double[] w;
        double[] b;

        Layer(Parameter weight, Parameter bias) {
            this.weight = weight;
            this.bias = bias;
            this.out = weight.shape()[0];
            this.in = weight.shape()[1];
        }
    }

    private final List<Op> program = new ArrayList<>();
    private final List<Layer> layers = new ArrayList<>();
    private final String activation;
    private final int dim;
    private final int size;

    /**
     * @param net the network (an MLP or the Deep Ritz residual network, see the class comment)
     * @param activation the activation's name as {@code Activation.parse} reads it
     * @throws IllegalArgumentException for another kind of network or an activation without
     *     derivatives here
     */
    public NetworkJacobian(Module net, String activation) {
        this.activation = activation;
        derivatives(activation, 0, new double[4]); // validates the name
        Map<String, Parameter> params = net.parameters();
        Map<String, Integer> offsets = new java.util.HashMap<>();
        int off = 0;
        for (Map.Entry<String, Parameter> e : params.entrySet()) {
            offsets.put(e.getKey(), off);
            off += e.getValue().numel();
        }
        this.size = off;
        // Group by position: position -> (kind, layers)
        TreeMap<Integer, String> kinds = new TreeMap<>();
        boolean mlp = false;
        for (String name : params.keySet()) {
            Matcher m;
            if ((m = MLP.matcher(name)).matches()) {
                mlp = true;
                kinds.put(Integer.parseInt(m.group(1)), "mlp");
            } else if ((m = BLOCK.matcher(name)).matches()) {
                kinds.put(Integer.parseInt(m.group(1)), "block");
            } else if ((m = PLAIN.matcher(name)).matches()) {
                kinds.put(Integer.parseInt(m.group(1)), "plain");
            } else {
                throw unsupported(name);
            }
        }
        int last = kinds.isEmpty() ? -1 : kinds.lastKey();
        for (int i = 0; i <= last; i++) {
            String k = kinds.get(i);
            if (k == null) {
                throw unsupported("(no parameters at position " + i + ")");
            }
            String prefix = (mlp ? "layers." : "") + i + ".";
            switch (k) {
                case "mlp", "plain" -> {
                    Layer l = layer(params, offsets, prefix);
                    program.add(new Op(Kind.LINEAR, l));
                    if (k.equals("mlp") && i < last) {
                        program.add(new Op(Kind.ACT, null));
                    }
                }
                default -> {
                    program.add(new Op(Kind.SAVE, null));
                    program.add(new Op(Kind.LINEAR, layer(params, offsets, prefix + "l1.")));
                    program.add(new Op(Kind.ACT, null));
                    program.add(new Op(Kind.LINEAR, layer(params, offsets, prefix + "l2.")));
                    program.add(new Op(Kind.ACT, null));
                    program.add(new Op(Kind.ADD, null));
                }
            }
        }
        if (layers.isEmpty() || layers.get(layers.size() - 1).out != 1) {
            throw unsupported("(the network must end in one output)");
        }
        this.dim = layers.get(0).in;
    }

    private Layer layer(
            Map<String, Parameter> params, Map<String, Integer> offsets, String prefix) {
        Parameter w = params.get(prefix + "weight"), b = params.get(prefix + "bias");
        if (w == null || b == null || w.shape().length != 2) {
            throw unsupported(prefix + "weight/bias");
        }
        Layer l = new Layer(w, b);
        l.wOff = offsets.get(prefix + "weight");
        l.bOff = offsets.get(prefix + "bias");
        layers.add(l);
        return l;
    }

    private static IllegalArgumentException unsupported(String what) {
        return new IllegalArgumentException(
                "optimizer 'engd': the network is not one it can differentiate per sample ("
                        + what
                        + "): expected the networks of network.type 'mlp' or 'resnet'");
    }

    /** Parameters P. */
    public int size() {
        return size;
    }

    /** Input dimension d. */
    public int dim() {
        return dim;
    }

    /**
     * sigma and its first three derivatives at z into out[0..3], for the activations tanh,
     * sine[:w0], softplus[:beta], sigmoid, cubic_relu and identity.
     */
    static void derivatives(String spec, double z, double[] out) {
        String[] p = spec.trim().toLowerCase(java.util.Locale.ROOT).split(":", 2);
        switch (p[0]) {
            case "tanh" -> {
                double t = Math.tanh(z), s = 1 - t * t;
                out[0] = t;
                out[1] = s;
                out[2] = -2 * t * s;
                out[3] = s * (6 * t * t - 2);
            }
            case "sine", "sin" -> {
                double w = p.length > 1 ? Double.parseDouble(p[1]) : 30.0,
                        sn = Math.sin(w * z),
                        cs = Math.cos(w * z);
                out[0] = sn;
                out[1] = w * cs;
                out[2] = -w * w * sn;
                out[3] = -w * w * w * cs;
            }
            case "softplus" -> {
                double beta = p.length > 1 ? Double.parseDouble(p[1]) : 1.0, bz = beta * z;
                double s = 1 / (1 + Math.exp(-bz));
                out[0] = (bz > 30 ? bz : Math.log1p(Math.exp(bz))) / beta;
                out[1] = s;
                out[2] = beta * s * (1 - s);
                out[3] = beta * beta * s * (1 - s) * (1 - 2 * s);
            }
            case "sigmoid" -> {
                double s = 1 / (1 + Math.exp(-z));
                out[0] = s;
                out[1] = s * (1 - s);
                out[2] = s * (1 - s) * (1 - 2 * s);
                out[3] = s * (1 - s) * (1 - 6 * s + 6 * s * s);
            }
            case "cubic_relu", "relu3" -> {
                double y = Math.max(z, 0);
                out[0] = y * y * y;
                out[1] = 3 * y * y;
                out[2] = 6 * y;
                out[3] = z > 0 ? 6 : 0;
            }
            case "identity", "linear" -> {
                out[0] = z;
                out[1] = 1;
                out[2] = 0;
                out[3] = 0;
            }
            default ->
                    throw new IllegalArgumentException(
                            "optimizer 'engd': activation '"
                                    + spec
                                    + "' has no derivatives here: expected tanh, sine, softplus, sigmoid, cubic_relu or identity");
        }
    }

    /** Reads the current parameter values (call after every update, before {@link #forward}). */
    public void refresh() {
        for (Layer l : layers) {
            l.w = l.weight.value().toDoubleArray();
            l.b = l.bias.value().toDoubleArray();
        }
    }

    /**
     * The jets of n samples: the forward pass of each, kept for {@link Jets#row}.
     *
     * @param x points [n, d] row-major
     * @param n the number of points
     * @param laplacian carry the Laplacian (needed for seeds with a Laplacian coefficient)
     */
    public Jets forward(double[] x, int n, boolean laplacian) {
        if (layers.get(0).w == null) {
            refresh();
        }
        return new Jets(x, n, laplacian);
    }

    /** The forward jets of a batch of samples. */
    public final class Jets {
        private final int n;
        private final int parts;
        private final boolean lap;

        /** Per sample, per op: the jet entering the op [parts * width]. */
        private final double[][][] in;

        /** Per sample: the output jet [parts] (N, dN/dx_1..d, Lap N). */
        private final double[][] out;

        Jets(double[] x, int n, boolean laplacian) {
            this.n = n;
            this.lap = laplacian;
            this.parts = 1 + dim + (laplacian ? 1 : 0);
            this.in = new double[n][][];
            this.out = new double[n][];
            java.util.stream.IntStream.range(0, n).parallel().forEach(i -> forwardOne(x, i));
        }

        private void forwardOne(double[] x, int i) {
            double[][] saved = new double[program.size()][];
            double[] a = new double[4];
            double[] h = new double[parts * dim];
            for (int k = 0; k < dim; k++) {
                h[k] = x[i * dim + k];
                h[(1 + k) * dim + k] = 1;
            }
            int width = dim;
            java.util.ArrayDeque<double[]> stack = new java.util.ArrayDeque<>();
            for (int o = 0; o < program.size(); o++) {
                Op op = program.get(o);
                saved[o] = h;
                switch (op.kind()) {
                    case LINEAR -> {
                        Layer l = op.layer();
                        double[] y = new double[parts * l.out];
                        for (int p = 0; p < parts; p++) {
                            for (int r = 0; r < l.out; r++) {
                                double s = p == 0 ? l.b[r] : 0;
                                int wr = r * l.in, hp = p * l.in;
                                for (int c = 0; c < l.in; c++) {
                                    s += l.w[wr + c] * h[hp + c];
                                }
                                y[p * l.out + r] = s;
                            }
                        }
                        h = y;
                        width = l.out;
                    }
                    case ACT -> {
                        double[] y = new double[parts * width];
                        for (int c = 0; c < width; c++) {
                            derivatives(activation, h[c], a);
                            y[c] = a[0];
                            double sq = 0;
                            for (int k = 0; k < dim; k++) {
                                double dz = h[(1 + k) * width + c];
                                y[(1 + k) * width + c] = a[1] * dz;
                                sq += dz * dz;
                            }
                            if (lap) {
                                y[(1 + dim) * width + c] =
                                        a[1] * h[(1 + dim) * width + c] + a[2] * sq;
                            }
                        }
                        h = y;
                    }
                    case SAVE -> stack.push(h);
                    case ADD -> {
                        double[] s = stack.pop();
                        double[] y = h.clone();
                        for (int c = 0; c < y.length; c++) {
                            y[c] += s[c];
                        }
                        h = y;
                    }
                    default -> throw new IllegalStateException();
                }
            }
            in[i] = saved;
            out[i] = h;
        }

        /** Samples n. */
        public int size() {
            return n;
        }

        /** True when the jets carry the Laplacian. */
        public boolean hasLaplacian() {
            return lap;
        }

        /** N at sample i. */
        public double value(int i) {
            return out[i][0];
        }

        /** dN/dx_k at sample i. */
        public double partial(int i, int k) {
            return out[i][1 + k];
        }

        /** Lap N at sample i (needs the Laplacian). */
        public double laplacian(int i) {
            if (!lap) {
                throw new IllegalStateException("jets without the Laplacian");
            }
            return out[i][1 + dim];
        }

        /**
         * Adds to {@code row[offset .. offset + P)} the derivative with respect to every parameter
         * of c0 N(x_i) + sum_k c_k dN/dx_k(x_i) + cL Lap N(x_i).
         *
         * @param i the sample
         * @param seed [c0, c_1 .. c_d] or, with the Laplacian, [c0, c_1 .. c_d, cL]
         * @param row the output array
         * @param offset where the row starts
         */
        public void row(int i, double[] seed, double[] row, int offset) {
            if (seed.length != parts) {
                throw new IllegalArgumentException(
                        "a seed of " + parts + " coefficients expected, got " + seed.length);
            }
            double[][] saved = in[i];
            double[] g = seed.clone(); // adjoint of the current jet, width 1
            java.util.ArrayDeque<double[]> stack = new java.util.ArrayDeque<>();
            for (int o = program.size() - 1; o >= 0; o--) {
                Op op = program.get(o);
                double[] h = saved[o];
                switch (op.kind()) {
                    case LINEAR -> {
                        Layer l = op.layer();
                        double[] gi = new double[parts * l.in];
                        for (int r = 0; r < l.out; r++) {
                            int wr = offset + l.wOff + r * l.in, lw = r * l.in;
                            row[offset + l.bOff + r] += g[r];
                            for (int p = 0; p < parts; p++) {
                                double gr = g[p * l.out + r];
                                if (gr == 0) {
                                    continue;
                                }
                                int hp = p * l.in;
                                for (int c = 0; c < l.in; c++) {
                                    row[wr + c] += gr * h[hp + c];
                                    gi[hp + c] += gr * l.w[lw + c];
                                }
                            }
                        }
                        g = gi;
                    }
                    case ACT -> {
                        int width = g.length / parts;
                        double[] gi = new double[g.length];
                        double[] a = new double[4];
                        for (int c = 0; c < width; c++) {
                            derivatives(activation, h[c], a);
                            double gv = a[1] * g[c];
                            double gl = lap ? g[(1 + dim) * width + c] : 0;
                            double sq = 0;
                            for (int k = 0; k < dim; k++) {
                                double dz = h[(1 + k) * width + c], gk = g[(1 + k) * width + c];
                                gv += a[2] * dz * gk;
                                gi[(1 + k) * width + c] = a[1] * gk + 2 * a[2] * dz * gl;
                                sq += dz * dz;
                            }
                            if (lap) {
                                gv += (a[2] * h[(1 + dim) * width + c] + a[3] * sq) * gl;
                                gi[(1 + dim) * width + c] = a[1] * gl;
                            }
                            gi[c] = gv;
                        }
                        g = gi;
                    }
                    case ADD ->
                            stack.push(g.clone()); // the skip path's adjoint, added back at SAVE
                    case SAVE -> {
                        double[] s = stack.pop();
                        for (int c = 0; c < g.length; c++) {
                            g[c] += s[c];
                        }
                    }
                    default -> throw new IllegalStateException();
                }
            }
        }
    }
}
