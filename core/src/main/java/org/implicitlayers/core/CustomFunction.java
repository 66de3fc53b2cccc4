package org.implicitlayers.core;

/**
 * An operation whose forward computation and backward rule are supplied by its author: the hook
 * that the ODE adjoint and every implicit layer use. The forward runs without recording (its
 * iterations leave nothing on the tape); the backward receives the original inputs, so a rule
 * written with differentiable tensor ops can itself be differentiated (pass {@code createGraph}).
 *
 * <pre>{@code
 * Tensor y = new CustomFunction("cube") {
 *     protected Tensor forward(Tensor[] in) { return in[0].pow(3); }
 *     protected Tensor[] backward(Tensor g, Tensor out, Tensor[] in, boolean[] needs) {
 *         return new Tensor[] {g.mul(in[0].square()).mul(3)};
 *     }
 * }.apply(x);
 * }</pre>
 */
public abstract class CustomFunction {
    private final String name;

    /** A function named {@code name} on the tape (in error messages and tape statistics). */
    protected CustomFunction(String name) {
        this.name = name;
    }

    /** The output, computed from detached inputs with recording off. */
    protected abstract Tensor forward(Tensor[] inputs);

    /**
     * Gradients with respect to each input (null where {@code needs[i]} is false).
     *
     * @param grad gradient of the loss with respect to the output
     * @param output the output of {@link #forward}
     * @param inputs the original inputs, still on the tape
     */
    protected abstract Tensor[] backward(
            Tensor grad, Tensor output, Tensor[] inputs, boolean[] needs);

    /** Runs the forward and records one node whose backward rule is {@link #backward}. */
    public final Tensor apply(Tensor... inputs) {
        Tensor[] detached = new Tensor[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            detached[i] = inputs[i].detach();
        }
        Tensor out;
        try (Grad.Scope ignored = Grad.noGrad()) {
            out = forward(detached);
        }
        Tensor[] ins = inputs.clone();
        return Tensor.result(
                name,
                out.storage(),
                out.shape(),
                (g, o, needs) -> {
                    Tensor[] gs = backward(g, o, ins, needs);
                    if (gs.length != ins.length) {
                        throw new IllegalStateException(
                                name
                                        + ": backward returned "
                                        + gs.length
                                        + " gradients for "
                                        + ins.length
                                        + " inputs");
                    }
                    for (int i = 0; i < gs.length; i++) {
                        if (needs[i]
                                && gs[i] != null
                                && !java.util.Arrays.equals(gs[i].shape(), ins[i].shape())) {
                            throw new IllegalStateException(
                                    name
                                            + ": gradient "
                                            + i
                                            + " has shape "
                                            + Shapes.str(gs[i].shape())
                                            + ", input has "
                                            + Shapes.str(ins[i].shape()));
                        }
                    }
                    return gs;
                },
                ins);
    }
}
