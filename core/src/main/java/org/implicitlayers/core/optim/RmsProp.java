package org.implicitlayers.core.optim;

import java.util.Map;
import org.implicitlayers.core.Tensor;
import org.implicitlayers.core.nn.Parameter;

/**
 * RMSprop (Hinton's lecture 6e), as torch.optim.RMSprop: v = a v + (1-a) g^2; with centering, the
 * denominator uses v - gbar^2; with momentum, b = mu b + g / denom and p -= lr b.
 */
public final class RmsProp extends Optimizer {
    /**
     * RMSprop's settings, PyTorch's names, meanings and defaults from {@link #defaults()}; change
     * one with its wither: {@code RmsProp.Options.defaults().withLr(1e-3).withMomentum(0.9)}.
     *
     * @param lr learning rate (default 1e-2)
     * @param alpha decay of the squared-gradient average, in [0, 1) (default 0.99)
     * @param eps added to the denominator (default 1e-8)
     * @param weightDecay L2 weight decay coefficient (default 0)
     * @param momentum momentum, {@code >= 0} (default 0)
     * @param centered divide by the centred second moment (the variance estimate) instead (default
     *     false)
     */
    public record Options(
            double lr,
            double alpha,
            double eps,
            double weightDecay,
            double momentum,
            boolean centered) {
        public Options {
            if (!(lr >= 0)) {
                throw new IllegalArgumentException(
                        "RmsProp: learning rate must be >= 0, got " + lr);
            }
            if (!(alpha >= 0 && alpha < 1)) {
                throw new IllegalArgumentException(
                        "RmsProp: alpha must lie in [0, 1), got " + alpha);
            }
            if (!(eps >= 0) || !(weightDecay >= 0) || !(momentum >= 0)) {
                throw new IllegalArgumentException(
                        "RmsProp: eps, weight decay and momentum must be >= 0, got "
                                + eps
                                + ", "
                                + weightDecay
                                + ", "
                                + momentum);
            }
        }

        /**
         * PyTorch's defaults: lr 1e-2, alpha 0.99, eps 1e-8, no weight decay, no momentum, not
         * centered.
         */
        public static Options defaults() {
            return new Options(1e-2, 0.99, 1e-8, 0, 0, false);
        }

        public Options withLr(double v) {
            return new Options(v, alpha, eps, weightDecay, momentum, centered);
        }

        public Options withAlpha(double v) {
            return new Options(lr, v, eps, weightDecay, momentum, centered);
        }

        public Options withEps(double v) {
            return new Options(lr, alpha, v, weightDecay, momentum, centered);
        }

        public Options withWeightDecay(double v) {
            return new Options(lr, alpha, eps, v, momentum, centered);
        }

        public Options withMomentum(double v) {
            return new Options(lr, alpha, eps, weightDecay, v, centered);
        }

        public Options withCentered(boolean v) {
            return new Options(lr, alpha, eps, weightDecay, momentum, v);
        }
    }

    private final double alpha;
    private final double eps;
    private final double weightDecay;
    private final double momentum;
    private final boolean centered;

    /** RMSprop over named parameters with the given options. */
    public RmsProp(Map<String, Parameter> params, Options o) {
        super(params, o.lr());
        this.alpha = o.alpha();
        this.eps = o.eps();
        this.weightDecay = o.weightDecay();
        this.momentum = o.momentum();
        this.centered = o.centered();
    }

    /** RMSprop over plain tensors (leaves made with {@code requiringGrad()}, updated in place). */
    public RmsProp(java.util.List<Tensor> params, Options o) {
        this(named(params), o);
    }

    /** RMSprop with PyTorch's defaults and learning rate {@code lr}. */
    public RmsProp(Map<String, Parameter> params, double lr) {
        this(params, Options.defaults().withLr(lr));
    }

    /** RMSprop over plain tensors with PyTorch's defaults and learning rate {@code lr}. */
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
