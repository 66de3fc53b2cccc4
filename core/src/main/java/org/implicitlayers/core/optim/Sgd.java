package org.implicitlayers.core.optim;

import java.util.Map;
import org.implicitlayers.core.Tensor;
import org.implicitlayers.core.nn.Parameter;

/**
 * Stochastic gradient descent with momentum, dampening, Nesterov momentum and L2 weight decay, as
 * torch.optim.SGD: g += wd p; b = mu b + (1 - dampening) g (b = g at first); g = nesterov ? g + mu
 * b : b; p -= lr g.
 */
public final class Sgd extends Optimizer {
    /**
     * SGD's settings, PyTorch's names and meanings; {@link #defaults()} is plain SGD, change one
     * with its wither: {@code Sgd.Options.defaults().withLr(0.05).withMomentum(0.9)}.
     *
     * @param lr learning rate (default 1e-2)
     * @param momentum momentum, {@code >= 0} (default 0)
     * @param dampening dampening of the momentum, {@code >= 0} (default 0)
     * @param weightDecay L2 weight decay coefficient (default 0)
     * @param nesterov Nesterov momentum; needs momentum &gt; 0 and no dampening (default false)
     */
    public record Options(
            double lr, double momentum, double dampening, double weightDecay, boolean nesterov) {
        public Options {
            if (!(lr >= 0) || !(momentum >= 0) || !(dampening >= 0) || !(weightDecay >= 0)) {
                throw new IllegalArgumentException(
                        "Sgd: learning rate, momentum, dampening and weight decay must be >= 0, got "
                                + lr
                                + ", "
                                + momentum
                                + ", "
                                + dampening
                                + ", "
                                + weightDecay);
            }
            if (nesterov && (momentum <= 0 || dampening != 0)) {
                throw new IllegalArgumentException(
                        "Sgd: Nesterov momentum needs momentum > 0 and dampening = 0");
            }
        }

        /** Plain SGD with learning rate 1e-2. */
        public static Options defaults() {
            return new Options(1e-2, 0, 0, 0, false);
        }

        public Options withLr(double v) {
            return new Options(v, momentum, dampening, weightDecay, nesterov);
        }

        public Options withMomentum(double v) {
            return new Options(lr, v, dampening, weightDecay, nesterov);
        }

        public Options withDampening(double v) {
            return new Options(lr, momentum, v, weightDecay, nesterov);
        }

        public Options withWeightDecay(double v) {
            return new Options(lr, momentum, dampening, v, nesterov);
        }

        public Options withNesterov(boolean v) {
            return new Options(lr, momentum, dampening, weightDecay, v);
        }
    }

    private final double momentum;
    private final double dampening;
    private final double weightDecay;
    private final boolean nesterov;

    /** SGD over named parameters with the given options. */
    public Sgd(Map<String, Parameter> params, Options o) {
        super(params, o.lr());
        this.momentum = o.momentum();
        this.dampening = o.dampening();
        this.weightDecay = o.weightDecay();
        this.nesterov = o.nesterov();
    }

    /** Plain SGD. */
    public Sgd(Map<String, Parameter> params, double lr) {
        this(params, Options.defaults().withLr(lr));
    }

    /**
     * Plain SGD over plain tensors (leaves made with {@code requiringGrad()}, updated in place).
     */
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
            // The first buffer is a copy: d may be the gradient itself, which the next zeroGrad
            // frees.
            b = b == null ? d.mul(1.0) : b.mul(momentum).add(d.mul(1 - dampening));
            putState("momentum_buffer", name, b);
            d = nesterov ? d.add(b.mul(momentum)) : b;
        }
        p.value().addScaled_(-lr, d);
    }
}
