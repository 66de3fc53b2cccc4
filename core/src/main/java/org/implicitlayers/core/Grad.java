package org.implicitlayers.core;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

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
 * <p>Only the part of the tape that leads from the outputs to the requested inputs is walked, and
 * a rule is asked only for the input gradients that are needed.
 */
public final class Grad {
    private static final ThreadLocal<boolean[]> ENABLED = ThreadLocal.withInitial(() -> new boolean[] {true});

    private Grad() {
    }

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

    /** d(output)/d(input) for a scalar output. */
    public static Tensor of(Tensor output, Tensor input, boolean createGraph) {
        return of(new Tensor[] {output}, new Tensor[] {input}, null, createGraph)[0];
    }

    /** Gradients of a scalar output with respect to several inputs. */
    public static Tensor[] of(Tensor output, Tensor[] inputs, boolean createGraph) {
        return of(new Tensor[] {output}, inputs, null, createGraph);
    }

    /**
     * Vector-Jacobian products: the gradient of {@code sum_k <seeds[k], outputs[k]>} with respect
     * to each input.
     *
     * @param outputs     tensors computed from the inputs
     * @param inputs      tensors to differentiate with respect to (leaves or intermediates)
     * @param seeds       one per output, of the output's shape; null means ones, allowed for scalar outputs only
     * @param createGraph record the backward computation, so that the result can be differentiated again
     * @return one gradient per input, of the input's shape; zeros where the input does not influence the outputs
     */
    public static Tensor[] of(Tensor[] outputs, Tensor[] inputs, Tensor[] seeds, boolean createGraph) {
        Map<Tensor, Boolean> targets = new IdentityHashMap<>();
        for (Tensor t : inputs) {
            targets.put(t, Boolean.TRUE);
        }
        Map<Tensor, Tensor> result = run(outputs, seeds, targets, createGraph);
        Tensor[] out = new Tensor[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            Tensor g = result.get(inputs[i]);
            out[i] = g != null ? g : Tensor.zerosLike(inputs[i]);
        }
        return out;
    }

    /** Accumulates d(loss)/d(leaf) into {@code grad()} of every leaf that requires grad. */
    static void backward(Tensor loss, Tensor seed) {
        Map<Tensor, Boolean> leaves = new IdentityHashMap<>();
        for (Tensor t : topo(new Tensor[] {loss})) {
            if (t.node == null && t.requiresGrad()) {
                leaves.put(t, Boolean.TRUE);
            }
        }
        Map<Tensor, Tensor> result = run(new Tensor[] {loss}, seed == null ? null : new Tensor[] {seed}, leaves, false);
        for (Map.Entry<Tensor, Tensor> e : result.entrySet()) {
            e.getKey().accumulateGrad(e.getValue());
        }
    }

    private static Map<Tensor, Tensor> run(Tensor[] outputs, Tensor[] seeds, Map<Tensor, Boolean> targets, boolean createGraph) {
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
        try (Scope scope = createGraph ? enableGrad() : noGrad()) {
            for (int k = 0; k < outputs.length; k++) {
                Tensor o = outputs[k];
                Tensor seed = seeds == null ? null : seeds[k];
                if (seed == null) {
                    if (o.numel() != 1) {
                        throw new IllegalArgumentException("grad: output of shape " + Shapes.str(o.shape())
                                + " is not a scalar; pass a seed of that shape");
                    }
                    seed = Tensor.onesLike(o);
                } else if (!java.util.Arrays.equals(seed.shape(), o.shape())) {
                    throw new IllegalArgumentException("grad: seed shape " + Shapes.str(seed.shape())
                            + " differs from output shape " + Shapes.str(o.shape()));
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
                Tensor[] gin = node.rule.apply(g, t, needs);
                for (int j = 0; j < needs.length; j++) {
                    if (needs[j] && gin[j] != null) {
                        grads.merge(node.inputs[j], gin[j], Tensor::add);
                    }
                }
            }
        }
        return result;
    }

    /** What a recorded graph holds: the number of recorded operations and the bytes of their outputs. */
    public record TapeStats(int operations, long bytes) {
    }

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
