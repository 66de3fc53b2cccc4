package org.implicitlayers.core.optim;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.implicitlayers.core.DType;
import org.implicitlayers.core.Grad;
import org.implicitlayers.core.Shapes;
import org.implicitlayers.core.Tensor;
import org.implicitlayers.core.nn.Parameter;

/**
 * A first-order optimiser over named parameters, with PyTorch's update rules and defaults. Its
 * state (moment estimates, step count) can be saved and restored exactly, for checkpoints.
 */
public abstract class Optimizer {
    /** The parameters, by name. */
    protected final Map<String, Parameter> params;

    /** The learning rate of the next step. */
    protected double lr;

    /** Steps taken so far. */
    protected long steps;

    /** Per-parameter state tensors, keyed "kind/parameter-name". */
    protected final Map<String, Tensor> state = new LinkedHashMap<>();

    /** An optimiser over named parameters with learning rate {@code lr} (at least 0). */
    protected Optimizer(Map<String, Parameter> params, double lr) {
        if (!(lr >= 0)) {
            throw new IllegalArgumentException(
                    getClass().getSimpleName() + ": learning rate must be >= 0, got " + lr);
        }
        this.params = new LinkedHashMap<>(params);
        this.lr = lr;
    }

    /**
     * Plain tensors as named parameters ("0", "1", ... in order), for the optimisers' constructors
     * that take a list: each must be a leaf made with {@link Tensor#requiringGrad()}, and is
     * updated in place.
     */
    public static Map<String, Parameter> named(java.util.List<Tensor> tensors) {
        Map<String, Parameter> m = new LinkedHashMap<>();
        for (Tensor t : tensors) {
            m.put(Integer.toString(m.size()), Parameter.wrap(t));
        }
        return m;
    }

    /**
     * One update from the gradients now stored in the parameters; parameters without one are
     * skipped.
     */
    public final void step() {
        steps++;
        try (Grad.Scope ignored = Grad.noGrad()) {
            for (Map.Entry<String, Parameter> e : params.entrySet()) {
                Parameter p = e.getValue();
                if (p.grad() != null) {
                    update(e.getKey(), p, p.grad());
                }
            }
        }
    }

    /** Updates one parameter in place from its gradient g (recording is off). */
    protected abstract void update(String name, Parameter p, Tensor g);

    /** Clears the gradients of all parameters. */
    public final void zeroGrad() {
        for (Parameter p : params.values()) {
            p.zeroGrad();
        }
    }

    /** The learning rate of the next step. */
    public final double learningRate() {
        return lr;
    }

    /** Sets the learning rate (schedules call this before each step). */
    public final void setLearningRate(double lr) {
        this.lr = lr;
    }

    /** Number of {@link #step()} calls so far (restored with the state). */
    public final long steps() {
        return steps;
    }

    /** The parameters this optimiser updates, by name. */
    public Map<String, Parameter> parameters() {
        return java.util.Collections.unmodifiableMap(params);
    }

    /** A state tensor stored by {@link #putState}, or null. */
    protected final Tensor stateOf(String kind, String name) {
        return state.get(kind + "/" + name);
    }

    /**
     * Stores a state tensor. It outlives the step's memory scope; the value it replaces is freed
     * (on off-heap backends), so {@code t} must be a fresh tensor, not one that is also held
     * elsewhere.
     */
    protected final void putState(String kind, String name, Tensor t) {
        Tensor v = t.detach();
        org.implicitlayers.core.MemoryScope.persist(v);
        Tensor old = state.put(kind + "/" + name, v);
        if (old != null && old.storage() != v.storage()) {
            old.backend().release(old.storage());
        }
    }

    /** The complete state: "steps" plus every per-parameter tensor. */
    public final Map<String, Tensor> stateDict() {
        Map<String, Tensor> m = new LinkedHashMap<>();
        m.put("steps", Tensor.scalar(DType.FLOAT64, steps));
        m.put("lr", Tensor.scalar(DType.FLOAT64, lr));
        m.putAll(state);
        return m;
    }

    /**
     * The kinds of per-parameter state this optimiser keeps once it has updated a parameter (e.g.
     * Adam's {@code exp_avg} and {@code exp_avg_sq}); a saved state must hold all of them or none
     * for each parameter, and some for at least one parameter once a step was taken.
     */
    protected java.util.Set<String> stateKinds() {
        return java.util.Set.of();
    }

    /**
     * Restores a state from {@link #stateDict()}; validated completely before anything changes:
     * {@code steps} a whole number {@literal >=} 0, {@code lr} finite and {@literal >=} 0, every
     * state tensor named after a parameter with its shape, and the moments complete.
     */
    public final void loadStateDict(Map<String, Tensor> s) {
        if (!s.containsKey("steps") || !s.containsKey("lr")) {
            throw new IllegalArgumentException("optimizer state lacks 'steps' or 'lr'");
        }
        double savedSteps = s.get("steps").item(), savedLr = s.get("lr").item();
        if (!(savedSteps >= 0) || savedSteps != Math.rint(savedSteps)) {
            throw new IllegalArgumentException(
                    "optimizer state 'steps' is " + savedSteps + ", expected a whole number >= 0");
        }
        if (!(savedLr >= 0) || Double.isInfinite(savedLr)) {
            throw new IllegalArgumentException(
                    "optimizer state 'lr' is " + savedLr + ", expected a finite number >= 0");
        }
        java.util.Set<String> kinds = stateKinds();
        boolean any = false;
        for (String name : params.keySet()) {
            int present = 0;
            for (String kind : kinds) {
                present += s.containsKey(kind + "/" + name) ? 1 : 0;
            }
            if (present > 0 && present < kinds.size()) {
                throw new IllegalArgumentException(
                        "optimizer state of parameter '"
                                + name
                                + "' is incomplete: expected "
                                + kinds);
            }
            any |= present > 0;
        }
        if (savedSteps > 0 && !kinds.isEmpty() && !any) {
            throw new IllegalArgumentException(
                    "optimizer state after "
                            + (long) savedSteps
                            + " steps holds none of "
                            + kinds
                            + " for any parameter");
        }
        Map<String, Tensor> per = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> e : s.entrySet()) {
            String k = e.getKey();
            if (k.equals("steps") || k.equals("lr")) {
                continue;
            }
            int slash = k.indexOf('/');
            String name = slash < 0 ? "" : k.substring(slash + 1);
            Parameter p = params.get(name);
            if (p == null) {
                throw new IllegalArgumentException(
                        "optimizer state '" + k + "' names no parameter of this optimizer");
            }
            if (!Arrays.equals(p.shape(), e.getValue().shape())) {
                throw new IllegalArgumentException(
                        "optimizer state '"
                                + k
                                + "' has shape "
                                + Shapes.str(e.getValue().shape())
                                + ", its parameter has "
                                + Shapes.str(p.shape()));
            }
            Tensor v = e.getValue().to(p.value().dtype()).to(p.value().backend());
            org.implicitlayers.core.MemoryScope.persist(v);
            per.put(k, v);
        }
        state.clear();
        state.putAll(per);
        steps = (long) s.get("steps").item();
        lr = s.get("lr").item();
    }
}
