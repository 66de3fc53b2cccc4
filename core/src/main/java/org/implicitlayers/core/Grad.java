package org.implicitlayers.core;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Reverse-mode differentiation on the dynamic tape, in the spirit of {@code torch.autograd.grad}.
 *
 * <pre>{@code
 * Tensor u = net.apply(x);                                        // x.requiresGrad()
 * Tensor du = Grad.of(u.sum(), x, true);                          // du/dx, itself differentiable
 * Tensor loss = du.square().sum(1).mean();
 * loss.backward();                                                // into the parameters' .grad()
 * }</pre>
 *
 * <p>Only the part of the tape that leads from the outputs to the requested inputs is walked, and a
 * rule is asked only for the input gradients that are needed.
 */
public final class Grad {
    private static final ThreadLocal<boolean[]> ENABLED =
            ThreadLocal.withInitial(() -> new boolean[] {true});

    private Grad() {}

    /** Whether operations are recorded on the tape on this thread. */
    public static boolean isEnabled() {
        return ENABLED.get()[0];
    }

    /** A scope in which nothing is recorded: {@code try (var s = Grad.noGrad()) { ... }}. */
    public static Scope noGrad() {
        return new Scope(false);
    }

    /** A scope in which recording is on, even inside a {@link #noGrad()} scope. */
    public static Scope enableGrad() {
        return new Scope(true);
    }

    /** Restores the previous recording mode when closed. */
    public static final class Scope implements AutoCloseable {
        private final boolean previous;

        private Scope(boolean enabled) {
            boolean[] flag = ENABLED.get();
            previous = flag[0];
            flag[0] = enabled;
        }

        @Override
        public void close() {
            ENABLED.get()[0] = previous;
        }
    }

    /**
     * How a gradient is taken; {@link #defaults()} is PyTorch's: no graph of the gradient, the
     * forward graph released afterwards, every input must be used.
     *
     * @param createGraph record the backward computation, so that the gradient can itself be
     *     differentiated (Laplacians, Hessian-vector products, gradient penalties)
     * @param retainGraph keep the forward graph usable for another backward pass; without it, a
     *     second pass through the same operations raises an error instead of silently using
     *     released state
     * @param allowUnused return zeros for an input that the outputs do not depend on, instead of
     *     raising an error
     */
    public record Options(boolean createGraph, boolean retainGraph, boolean allowUnused) {
        /** No graph of the gradient, graph released, unused inputs are an error. */
        public static Options defaults() {
            return new Options(false, false, false);
        }

        /**
         * With {@code createGraph} on or off; {@code retainGraph} follows it (as in PyTorch, a
         * differentiable gradient keeps the forward graph it refers to).
         */
        public Options withCreateGraph(boolean on) {
            return new Options(on, on, allowUnused);
        }

        /** With {@code retainGraph} on or off. */
        public Options withRetainGraph(boolean on) {
            return new Options(createGraph, on, allowUnused);
        }

        /** With {@code allowUnused} on or off. */
        public Options withAllowUnused(boolean on) {
            return new Options(createGraph, retainGraph, on);
        }
    }

    /**
     * d(output)/d(input) for a scalar output (shape [] or any shape with one element).
     *
     * @param createGraph record the backward computation (and keep the forward graph), so that the
     *     result can be differentiated again; with false, the result is a constant and the forward
     *     graph is released
     * @return the gradient, of the input's shape
     * @throws IllegalArgumentException if the input does not require grad or the output does not
     *     depend on it
     */
    public static Tensor of(Tensor output, Tensor input, boolean createGraph) {
        return of(
                new Tensor[] {output},
                new Tensor[] {input},
                null,
                Options.defaults().withCreateGraph(createGraph))[0];
    }

    /**
     * Gradients of a scalar output with respect to several inputs; see {@link #of(Tensor, Tensor,
     * boolean)}.
     */
    public static Tensor[] of(Tensor output, Tensor[] inputs, boolean createGraph) {
        return of(
                new Tensor[] {output},
                inputs,
                null,
                Options.defaults().withCreateGraph(createGraph));
    }

    /**
     * Vector-Jacobian products with {@code retainGraph = createGraph} and no unused inputs; see
     * {@link #of(Tensor[], Tensor[], Tensor[], Options)}.
     */
    public static Tensor[] of(
            Tensor[] outputs, Tensor[] inputs, Tensor[] seeds, boolean createGraph) {
        return of(outputs, inputs, seeds, Options.defaults().withCreateGraph(createGraph));
    }

    /**
     * Vector-Jacobian products: the gradient of {@code sum_k <seeds[k], outputs[k]>} with respect
     * to each input.
     *
     * @param outputs tensors computed from the inputs; each must require grad
     * @param inputs tensors to differentiate with respect to (leaves or intermediates); each must
     *     require grad
     * @param seeds one per output, of the output's shape; null means ones, allowed for outputs of
     *     one element only
     * @param options graph creation and retention, unused inputs
     * @return one gradient per input, of the input's shape
     * @throws IllegalArgumentException if an input does not require grad, an output does not depend
     *     on anything that requires grad, or (unless {@code allowUnused}) an input does not
     *     influence the outputs
     * @throws IllegalStateException if the pass runs through operations whose graph an earlier pass
     *     released (pass {@code retainGraph} to that one)
     */
    public static Tensor[] of(Tensor[] outputs, Tensor[] inputs, Tensor[] seeds, Options options) {
        Map<Tensor, Boolean> targets = new IdentityHashMap<>();
        for (int i = 0; i < inputs.length; i++) {
            Tensor t = inputs[i];
            if (!t.requiresGrad()) {
                throw new IllegalArgumentException(
                        "grad: input "
                                + i
                                + " ("
                                + t.describe()
                                + ") does not require grad."
                                + " requiringGrad() returns a new tensor and leaves the original unchanged: compute the outputs"
                                + " from that new tensor and differentiate with respect to it");
            }
            targets.put(t, Boolean.TRUE);
        }
        boolean anyOutput = checkOutputs("grad", outputs, options.allowUnused());
        Map<Tensor, Tensor> result =
                anyOutput
                        ? run(outputs, seeds, targets, options.createGraph(), options.retainGraph())
                        : Map.of();
        Tensor[] out = new Tensor[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            Tensor g = result.get(inputs[i]);
            if (g == null && !options.allowUnused()) {
                throw new IllegalArgumentException(
                        "grad: input "
                                + i
                                + " ("
                                + inputs[i].describe()
                                + ") is not used to compute"
                                + " the outputs, so its gradient is undefined; pass Grad.Options.defaults().withAllowUnused(true) to get zeros instead");
            }
            out[i] =
                    g == null
                            ? Tensor.zerosLike(inputs[i])
                            : options.createGraph() ? g : g.asCutGradient();
        }
        return out;
    }

    /**
     * Raises for an output that is a gradient taken without createGraph (always) or that does not
     * require grad (unless unused inputs are allowed: then its gradients are zero). Returns whether
     * any output requires grad.
     */
    private static boolean checkOutputs(String what, Tensor[] outputs, boolean allowUnused) {
        boolean any = false;
        for (int k = 0; k < outputs.length; k++) {
            Tensor o = outputs[k];
            String which =
                    what
                            + ": output "
                            + (outputs.length == 1 ? "" : k + " ")
                            + "("
                            + o.describe()
                            + ")";
            if (o.cutGradient) {
                throw new IllegalArgumentException(
                        which
                                + " is (computed from) a gradient taken with createGraph = false,"
                                + " which records nothing, so its derivative would be silently zero. Take that gradient with"
                                + " createGraph = true (Grad.of(y, x, true)) to differentiate it again");
            }
            if (!o.requiresGrad() && !allowUnused) {
                throw new IllegalArgumentException(
                        which
                                + " does not require grad: nothing it was computed from requires"
                                + " grad (create inputs with requiringGrad() and use the returned tensor), or it was computed inside"
                                + " Grad.noGrad() or from detached values");
            }
            any |= o.requiresGrad();
        }
        return any;
    }

    /** Accumulates d(loss)/d(leaf) into {@code grad()} of every leaf that requires grad. */
    static void backward(Tensor loss, Tensor seed, boolean retainGraph) {
        checkOutputs("backward", new Tensor[] {loss}, false);
        Map<Tensor, Boolean> leaves = new IdentityHashMap<>();
        for (Tensor t : topo(new Tensor[] {loss})) {
            if (t.node == null && t.requiresGrad()) {
                leaves.put(t, Boolean.TRUE);
            }
        }
        Map<Tensor, Tensor> result =
                run(
                        new Tensor[] {loss},
                        seed == null ? null : new Tensor[] {seed},
                        leaves,
                        false,
                        retainGraph);
        for (Map.Entry<Tensor, Tensor> e : result.entrySet()) {
            e.getKey().accumulateGrad(e.getValue());
        }
    }

    private static Map<Tensor, Tensor> run(
            Tensor[] outputs,
            Tensor[] seeds,
            Map<Tensor, Boolean> targets,
            boolean createGraph,
            boolean retainGraph) {
        List<Tensor> order = topo(outputs);
        // reach: the tensor is a target or leads to one; only those are walked.
        Map<Tensor, Boolean> reach = new IdentityHashMap<>();
        for (Tensor t : order) {
            boolean r = targets.containsKey(t);
            if (!r && t.node != null) {
                for (Tensor in : t.node.inputs) {
                    if (Boolean.TRUE.equals(reach.get(in))) {
                        r = true;
                        break;
                    }
                }
            }
            reach.put(t, r);
        }
        Map<Tensor, Tensor> grads = new IdentityHashMap<>();
        Map<Tensor, Tensor> result = new IdentityHashMap<>();
        List<Node> used = retainGraph ? null : new ArrayList<>();
        try (Scope scope = createGraph ? enableGrad() : noGrad()) {
            for (int k = 0; k < outputs.length; k++) {
                Tensor o = outputs[k];
                Tensor seed = seeds == null ? null : seeds[k];
                if (seed == null) {
                    if (o.numel() != 1) {
                        throw new IllegalArgumentException(
                                "grad: output of shape "
                                        + Shapes.str(o.shape())
                                        + " is not a scalar; pass a seed of that shape");
                    }
                    seed = Tensor.onesLike(o);
                } else if (!java.util.Arrays.equals(seed.shape(), o.shape())) {
                    throw new IllegalArgumentException(
                            "grad: seed shape "
                                    + Shapes.str(seed.shape())
                                    + " differs from output shape "
                                    + Shapes.str(o.shape()));
                }
                if (!createGraph) {
                    seed = seed.detach();
                }
                grads.merge(o, seed, Tensor::add);
            }
            for (int i = order.size() - 1; i >= 0; i--) {
                Tensor t = order.get(i);
                Tensor g = grads.remove(t);
                if (g == null || !reach.get(t)) {
                    continue;
                }
                if (targets.containsKey(t)) {
                    result.put(t, g);
                }
                Node node = t.node;
                if (node == null) {
                    continue;
                }
                boolean[] needs = new boolean[node.inputs.length];
                boolean any = false;
                for (int j = 0; j < needs.length; j++) {
                    Tensor in = node.inputs[j];
                    needs[j] = in.requiresGrad() && reach.get(in);
                    any |= needs[j];
                }
                if (!any) {
                    continue;
                }
                BackwardRule rule = node.rule;
                if (rule == null) {
                    throw new IllegalStateException(
                            "backward through the graph a second time: the operation '"
                                    + node.op
                                    + "' (output "
                                    + t.describe()
                                    + ") was already backpropagated through and its saved state released."
                                    + " Pass retainGraph = true (Grad.Options.defaults().withRetainGraph(true), or backward(true)) to the first pass to"
                                    + " backpropagate through the same graph again, or recompute the forward pass");
                }
                Tensor[] gin = rule.apply(g, t, needs);
                if (used != null) {
                    used.add(node);
                }
                for (int j = 0; j < needs.length; j++) {
                    if (needs[j] && gin[j] != null) {
                        grads.merge(node.inputs[j], gin[j], Tensor::add);
                    }
                }
            }
        }
        if (used != null) {
            // Dropping the rules frees what they captured (the forward's intermediates) and marks
            // the
            // graph as consumed, so that a second pass raises instead of silently summing again.
            for (Node n : used) {
                n.release();
            }
        }
        return result;
    }

    /**
     * The Jacobian of {@code f} at {@code x}: {@code J[i..., j...] = d f(x)[i...] / d x[j...]}, of
     * shape {@code f(x).shape ++ x.shape}, from one reverse pass per output element (as {@code
     * torch.autograd.functional.jacobian}).
     *
     * @param createGraph record the passes, so that J can be differentiated (with respect to x,
     *     when x requires grad, and to the parameters inside f)
     */
    public static Tensor jacobian(Function<Tensor, Tensor> f, Tensor x, boolean createGraph) {
        Tensor xl = createGraph && x.requiresGrad() ? x : x.detach().requiringGrad();
        Tensor y;
        try (Scope ignored = enableGrad()) {
            y = f.apply(xl);
        }
        int m = y.numel();
        int[] shape = new int[y.rank() + xl.rank()];
        System.arraycopy(y.shape(), 0, shape, 0, y.rank());
        System.arraycopy(xl.shape(), 0, shape, y.rank(), xl.rank());
        if (!y.requiresGrad()) {
            checkOutputs("jacobian", new Tensor[] {y}, true);
            return Tensor.zeros(x.dtype(), shape).to(x.backend()); // f does not depend on x
        }
        Options opt = new Options(createGraph, true, true);
        Tensor[] rows = new Tensor[m];
        double[] oneHot = new double[m];
        for (int i = 0; i < m; i++) {
            oneHot[i] = 1;
            Tensor seed = Tensor.of(y.dtype(), oneHot, y.shape()).to(y.backend());
            oneHot[i] = 0;
            rows[i] =
                    of(new Tensor[] {y}, new Tensor[] {xl}, new Tensor[] {seed}, opt)[0].reshape(
                            -1);
        }
        return Tensor.stack(0, rows).reshape(shape);
    }

    /**
     * The Hessian of a scalar function: {@code H[i..., j...] = d^2 f / dx[i...] dx[j...]}, of shape
     * {@code x.shape ++ x.shape}; the Jacobian of the gradient.
     *
     * @param createGraph record the passes, so that H can be differentiated again
     */
    public static Tensor hessian(Function<Tensor, Tensor> f, Tensor x, boolean createGraph) {
        return jacobian(
                z -> {
                    Tensor v = f.apply(z);
                    if (v.numel() != 1) {
                        throw new IllegalArgumentException(
                                "hessian: f must return one value, got shape "
                                        + Shapes.str(v.shape()));
                    }
                    return of(
                            new Tensor[] {v},
                            new Tensor[] {z},
                            null,
                            new Options(true, true, true))[0];
                },
                x,
                createGraph);
    }

    /**
     * The Laplacian {@code sum_k d^2 u_i / d x_ik^2} of a batch of values u [batch] or [batch, 1]
     * computed from points x [batch, d] (x requires grad), where each u_i depends on its own point
     * x_i only, as in a PINN residual: d + 1 reverse passes, whatever the batch size. The graph of
     * u is kept.
     *
     * @param createGraph record the passes, so that a loss on the Laplacian can be backpropagated
     *     into the network's parameters (true when training)
     * @return the Laplacian at each point, [batch]
     */
    public static Tensor laplacian(Tensor u, Tensor x, boolean createGraph) {
        if (x.rank() != 2
                || !(u.rank() == 1 || (u.rank() == 2 && u.shape(1) == 1))
                || u.shape(0) != x.shape(0)) {
            throw new IllegalArgumentException(
                    "laplacian: expected u [batch] or [batch, 1] and x [batch, d], got u "
                            + Shapes.str(u.shape())
                            + " and x "
                            + Shapes.str(x.shape()));
        }
        Tensor du =
                of(new Tensor[] {u.sum()}, new Tensor[] {x}, null, new Options(true, true, false))[
                        0];
        Options second = new Options(createGraph, true, true);
        Tensor lap = null;
        for (int k = 0; k < x.shape(1); k++) {
            Tensor d2 =
                    of(new Tensor[] {du.select(1, k).sum()}, new Tensor[] {x}, null, second)[0]
                            .select(1, k);
            lap = lap == null ? d2 : lap.add(d2);
        }
        return lap;
    }

    /**
     * What a recorded graph holds: the number of recorded operations and the bytes of their
     * outputs.
     */
    public record TapeStats(int operations, long bytes) {}

    /**
     * The recorded operations behind {@code output} and the memory their outputs occupy: what
     * backpropagating from it keeps alive (leaves and constants are not counted).
     */
    public static TapeStats tapeStats(Tensor output) {
        int ops = 0;
        long bytes = 0;
        for (Tensor t : topo(new Tensor[] {output})) {
            if (t.node != null) {
                ops++;
                bytes += (long) t.numel() * t.dtype().bytes();
            }
        }
        return new TapeStats(ops, bytes);
    }

    /** Tensors reachable from the outputs through recorded inputs, each after all of its inputs. */
    private static List<Tensor> topo(Tensor[] outputs) {
        List<Tensor> order = new ArrayList<>();
        Map<Tensor, Boolean> seen = new IdentityHashMap<>();
        ArrayDeque<Object[]> stack = new ArrayDeque<>();
        for (Tensor o : outputs) {
            if (seen.containsKey(o)) {
                continue;
            }
            seen.put(o, Boolean.TRUE);
            stack.push(new Object[] {o, 0});
            while (!stack.isEmpty()) {
                Object[] top = stack.peek();
                Tensor t = (Tensor) top[0];
                int next = (Integer) top[1];
                Tensor[] ins = t.node == null ? new Tensor[0] : t.node.inputs;
                if (next < ins.length) {
                    top[1] = next + 1;
                    Tensor in = ins[next];
                    if (in.requiresGrad() && !seen.containsKey(in)) {
                        seen.put(in, Boolean.TRUE);
                        stack.push(new Object[] {in, 0});
                    }
                } else {
                    stack.pop();
                    order.add(t);
                }
            }
        }
        return order;
    }
}
