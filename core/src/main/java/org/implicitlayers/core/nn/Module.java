package org.implicitlayers.core.nn;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.implicitlayers.core.Tensor;

/**
 * A network component with named parameters and named sub-modules. Names nest with dots, as in
 * PyTorch's state dicts: {@code "blocks.0.l1.weight"}.
 */
public abstract class Module {
    private final Map<String, Parameter> own = new LinkedHashMap<>();
    private final Map<String, Module> children = new LinkedHashMap<>();

    /** Maps an input batch to an output batch. */
    public abstract Tensor forward(Tensor x);

    /** Registers a parameter under {@code name}. */
    protected final Parameter param(String name, Tensor initial) {
        if (own.containsKey(name) || children.containsKey(name)) {
            throw new IllegalArgumentException(
                    "duplicate name '" + name + "' in " + getClass().getSimpleName());
        }
        Parameter p = new Parameter(initial);
        own.put(name, p);
        return p;
    }

    /** Registers a sub-module under {@code name}. */
    protected final <M extends Module> M child(String name, M module) {
        if (own.containsKey(name) || children.containsKey(name)) {
            throw new IllegalArgumentException(
                    "duplicate name '" + name + "' in " + getClass().getSimpleName());
        }
        children.put(name, module);
        return module;
    }

    /**
     * Every parameter of this module and its descendants, by dotted name, in registration order.
     */
    public final Map<String, Parameter> parameters() {
        Map<String, Parameter> all = new LinkedHashMap<>();
        collect("", all);
        return Collections.unmodifiableMap(all);
    }

    private void collect(String prefix, Map<String, Parameter> into) {
        own.forEach((n, p) -> into.put(prefix + n, p));
        children.forEach((n, m) -> m.collect(prefix + n + ".", into));
    }

    /**
     * Evaluates {@code body} with the parameters' values replaced by {@code values} (one per
     * parameter, in {@link #parameters()} order, of its shape and dtype), as PyTorch's {@code
     * torch.func.functional_call}. The values may be any tensors on the tape (functions of other
     * tensors), so a forward pass inside {@code body} is differentiable with respect to whatever
     * they were computed from: unrolled inner optimisation (MAML), hypernetworks. The parameters'
     * own values and gradients are untouched, and restored on return, also after an exception. Not
     * thread-safe: the module must not be used on another thread meanwhile.
     *
     * @throws IllegalArgumentException if the number, a shape or a dtype does not fit (nothing is
     *     bound then)
     */
    public final <T> T withValues(
            java.util.List<Tensor> values, java.util.function.Supplier<T> body) {
        java.util.List<Parameter> ps = new java.util.ArrayList<>(parameters().values());
        if (values.size() != ps.size()) {
            throw new IllegalArgumentException(
                    getClass().getSimpleName()
                            + ".withValues: "
                            + values.size()
                            + " values for "
                            + ps.size()
                            + " parameters");
        }
        int bound = 0;
        try {
            for (; bound < ps.size(); bound++) {
                ps.get(bound).bind(values.get(bound));
            }
            return body.get();
        } finally {
            for (int i = 0; i < bound; i++) {
                ps.get(i).bind(null);
            }
        }
    }

    /**
     * This module and every descendant, depth first in registration order (a module before its
     * sub-modules).
     */
    public final java.util.List<Module> modules() {
        java.util.List<Module> all = new java.util.ArrayList<>();
        all.add(this);
        children.values().forEach(m -> all.addAll(m.modules()));
        return java.util.Collections.unmodifiableList(all);
    }

    /** Clears the gradients of all parameters. */
    public final void zeroGrad() {
        for (Parameter p : parameters().values()) {
            p.zeroGrad();
        }
    }

    /** Total number of trainable scalars. */
    public final long parameterCount() {
        long n = 0;
        for (Parameter p : parameters().values()) {
            n += p.numel();
        }
        return n;
    }

    /**
     * A one-line summary of this module's own settings for {@link #toString()}, e.g. {@code "in=2,
     * out=64, bias=true"}; empty by default (then its own parameters are listed).
     */
    protected String describeSettings() {
        return "";
    }

    /**
     * The module and its sub-modules, one per line, as PyTorch prints them:
     *
     * <pre>
     * Mlp(activation=tanh
     *   (layers.0): Linear(in=2, out=64, bias=true)
     *   (layers.1): Linear(in=64, out=1, bias=true)
     * )
     * </pre>
     */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        appendTo(sb, "");
        return sb.toString();
    }

    private void appendTo(StringBuilder sb, String indent) {
        sb.append(getClass().getSimpleName()).append('(');
        String settings = describeSettings();
        sb.append(settings);
        boolean lines = false;
        if (settings.isEmpty()) {
            for (Map.Entry<String, Parameter> e : own.entrySet()) {
                Tensor v = e.getValue().value();
                sb.append('\n')
                        .append(indent)
                        .append("  ")
                        .append(e.getKey())
                        .append(": ")
                        .append(v.dtype())
                        .append(v.shapeString());
                lines = true;
            }
        }
        for (Map.Entry<String, Module> e : children.entrySet()) {
            sb.append('\n').append(indent).append("  (").append(e.getKey()).append("): ");
            e.getValue().appendTo(sb, indent + "  ");
            lines = true;
        }
        if (lines) {
            sb.append('\n').append(indent);
        }
        sb.append(')');
    }

    /** Current values by name (for saving). */
    public final Map<String, Tensor> stateDict() {
        Map<String, Tensor> m = new LinkedHashMap<>();
        parameters().forEach((n, p) -> m.put(n, p.value().detach()));
        return m;
    }

    /**
     * Loads values by name. Every parameter must be present with its shape and dtype, and no extra
     * names are allowed; nothing is changed unless all of them fit.
     */
    public final void loadStateDict(Map<String, Tensor> state) {
        Map<String, Parameter> ps = parameters();
        for (Map.Entry<String, Parameter> e : ps.entrySet()) {
            Tensor v = state.get(e.getKey());
            if (v == null) {
                throw new IllegalArgumentException("missing parameter '" + e.getKey() + "'");
            }
            if (!java.util.Arrays.equals(v.shape(), e.getValue().shape())
                    || v.dtype() != e.getValue().value().dtype()) {
                throw new IllegalArgumentException(
                        "parameter '"
                                + e.getKey()
                                + "' is "
                                + v.dtype()
                                + java.util.Arrays.toString(v.shape())
                                + ", the model expects "
                                + e.getValue().value().dtype()
                                + java.util.Arrays.toString(e.getValue().shape()));
            }
        }
        for (String k : state.keySet()) {
            if (!ps.containsKey(k)) {
                throw new IllegalArgumentException(
                        "unexpected parameter '" + k + "': the model has " + ps.keySet());
            }
        }
        ps.forEach((n, p) -> p.set(state.get(n)));
    }
}
