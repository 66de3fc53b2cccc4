package org.implicitlayers.core.optim;

import java.util.Map;
import org.implicitlayers.core.Tensor;
import org.implicitlayers.core.nn.Parameter;

/**
 * RMSprop (Hinton's lecture 6e), as torch.optim.RMSprop: v = a v + (1-a) g^2; with centering,
 * the denominator uses v - gbar^2; with momentum, b = mu b + g / denom and p -= lr b.
 */
public final class RmsProp extends Optimizer {
    private final double alpha;
    private final double eps;
    private final double weightDecay;
    private final double momentum;
    private final boolean centered;

    /** RMSprop with all options (PyTorch's names and meanings). */
    public RmsProp(Map<String, Parameter> params, double lr, double alpha, double eps, double weightDecay, double momentum, boolean centered) {
        super(params, lr);
        this.alpha = alpha;
        this.eps = eps;
        this.weightDecay = weightDecay;
        this.momentum = momentum;
        this.centered = centered;
    }

    /** PyTorch's defaults: alpha 0.99, eps 1e-8, no weight decay, no momentum, not centered. */
    public RmsProp(Map<String, Parameter> params, double lr) {
        this(params, lr, 0.99, 1e-8, 0, 0, false);
    }

    /** RMSprop over plain tensors (leaves made with {@code requiringGrad()}, updated in place) with PyTorch's defaults. */
    public RmsProp(java.util.List<Tensor> params, double lr) {
        this(named(params), lr);
    }

    @Override
    protected java.util.Set<String> stateKinds() {
        java.util.Set<String> k = new java.util.HashSet<>(java.util.Set.of("square_avg"));
        if (centered) {
            k.add("grad_avg");
        }
        if (momentum > 0) {
            k.add("momentum_buffer");
        }
        return k;
    }

    @Override
    protected void update(String name, Parameter p, Tensor g) {
        if (weightDecay != 0) {
            g = g.add(p.value().mul(weightDecay));
        }
        Tensor v = stateOf("square_avg", name);
        v = v == null ? g.square().mul(1 - alpha) : v.mul(alpha).add(g.square().mul(1 - alpha));
        putState("square_avg", name, v);
        Tensor avg;
        if (centered) {
            Tensor ga = stateOf("grad_avg", name);
            ga = ga == null ? g.mul(1 - alpha) : ga.mul(alpha).add(g.mul(1 - alpha));
            putState("grad_avg", name, ga);
            avg = v.sub(ga.square()).sqrt().add(eps);
        } else {
            avg = v.sqrt().add(eps);
        }
        if (momentum > 0) {
            Tensor b = stateOf("momentum_buffer", name);
            b = b == null ? g.div(avg) : b.mul(momentum).add(g.div(avg));
            putState("momentum_buffer", name, b);
            p.value().addScaled_(-lr, b);
        } else {
            p.value().addScaled_(-lr, g.div(avg));
        }
    }
}
