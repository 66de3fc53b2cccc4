package org.implicitlayers.core.optim;

import java.util.Map;
import org.implicitlayers.core.Tensor;
import org.implicitlayers.core.nn.Parameter;

/**
 * Stochastic gradient descent with momentum, dampening, Nesterov momentum and L2 weight decay,
 * as torch.optim.SGD: g += wd p; b = mu b + (1 - dampening) g (b = g at first); g = nesterov ? g + mu b : b; p -= lr g.
 */
public final class Sgd extends Optimizer {
    private final double momentum;
    private final double dampening;
    private final double weightDecay;
    private final boolean nesterov;

    /**
     * SGD with all options (PyTorch's names); the defaults are 0 and false.
     *
     * @throws IllegalArgumentException for Nesterov momentum without momentum or with dampening
     */
    public Sgd(Map<String, Parameter> params, double lr, double momentum, double dampening, double weightDecay, boolean nesterov) {
        super(params, lr);
        if (nesterov && (momentum <= 0 || dampening != 0)) {
            throw new IllegalArgumentException("Sgd: Nesterov momentum needs momentum > 0 and dampening = 0");
        }
        this.momentum = momentum;
        this.dampening = dampening;
        this.weightDecay = weightDecay;
        this.nesterov = nesterov;
    }

    /** Plain SGD. */
    public Sgd(Map<String, Parameter> params, double lr) {
        this(params, lr, 0, 0, 0, false);
    }

    /** Plain SGD over plain tensors (leaves made with {@code requiringGrad()}, updated in place). */
    public Sgd(java.util.List<Tensor> params, double lr) {
        this(named(params), lr);
    }

    @Override
    protected java.util.Set<String> stateKinds() {
        return momentum != 0 ? java.util.Set.of("momentum_buffer") : java.util.Set.of();
    }

    @Override
    protected void update(String name, Parameter p, Tensor g) {
        Tensor d = weightDecay != 0 ? g.add(p.value().mul(weightDecay)) : g;
        if (momentum != 0) {
            Tensor b = stateOf("momentum_buffer", name);
            // The first buffer is a copy: d may be the gradient itself, which the next zeroGrad frees.
            b = b == null ? d.mul(1.0) : b.mul(momentum).add(d.mul(1 - dampening));
            putState("momentum_buffer", name, b);
            d = nesterov ? d.add(b.mul(momentum)) : b;
        }
        p.value().addScaled_(-lr, d);
    }
}
