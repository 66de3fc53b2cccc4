package org.implicitlayers.core.optim;

import java.util.List;
import java.util.Map;
import org.implicitlayers.core.Tensor;
import org.implicitlayers.core.nn.Parameter;

/**
 * Adam (Kingma and Ba 2015) and AdamW (Loshchilov and Hutter 2019), as torch.optim.Adam/AdamW: m =
 * b1 m + (1-b1) g; v = b2 v + (1-b2) g^2; p -= lr/(1-b1^t) * m / (sqrt(v)/sqrt(1-b2^t) + eps).
 * Weight decay is L2 (g += wd p) for Adam and decoupled (p *= 1 - lr wd) for AdamW.
 */
public final class Adam extends Optimizer {
    /**
     * Adam's settings, PyTorch's defaults from {@link #defaults()}; change one with its wither:
     * {@code Adam.Options.defaults().withLr(3e-3).withWeightDecay(1e-4)}.
     *
     * @param lr learning rate (default 1e-3)
     * @param beta1 decay of the first-moment estimate, in [0, 1) (default 0.9)
     * @param beta2 decay of the second-moment estimate, in [0, 1) (default 0.999)
     * @param eps added to the denominator (default 1e-8)
     * @param weightDecay weight decay coefficient (default 0)
     * @param decoupled decoupled weight decay, i.e. AdamW (default false: L2 added to the gradient)
     */
    public record Options(
            double lr,
            double beta1,
            double beta2,
            double eps,
            double weightDecay,
            boolean decoupled) {
        /** Validates the ranges. */
        public Options {
            if (!(lr >= 0)) {
                throw new IllegalArgumentException("Adam: learning rate must be >= 0, got " + lr);
            }
            if (!(beta1 >= 0 && beta1 < 1 && beta2 >= 0 && beta2 < 1)) {
                throw new IllegalArgumentException(
                        "Adam: betas must lie in [0, 1), got " + beta1 + ", " + beta2);
            }
            if (!(eps >= 0) || !(weightDecay >= 0)) {
                throw new IllegalArgumentException(
                        "Adam: eps and weight decay must be >= 0, got " + eps + ", " + weightDecay);
            }
        }

        /** PyTorch's Adam: lr 1e-3, betas (0.9, 0.999), eps 1e-8, no weight decay. */
        public static Options defaults() {
            return new Options(1e-3, 0.9, 0.999, 1e-8, 0, false);
        }

        /** PyTorch's AdamW: as {@link #defaults()} with decoupled weight decay 1e-2. */
        public static Options adamW() {
            return new Options(1e-3, 0.9, 0.999, 1e-8, 1e-2, true);
        }

        /** With another learning rate. */
        public Options withLr(double v) {
            return new Options(v, beta1, beta2, eps, weightDecay, decoupled);
        }

        /** With other moment decays. */
        public Options withBetas(double b1, double b2) {
            return new Options(lr, b1, b2, eps, weightDecay, decoupled);
        }

        /** With another eps. */
        public Options withEps(double v) {
            return new Options(lr, beta1, beta2, v, weightDecay, decoupled);
        }

        /** With another weight decay coefficient. */
        public Options withWeightDecay(double v) {
            return new Options(lr, beta1, beta2, eps, v, decoupled);
        }

        /** With decoupled (AdamW) or L2 weight decay. */
        public Options withDecoupled(boolean v) {
            return new Options(lr, beta1, beta2, eps, weightDecay, v);
        }
    }

    private final double beta1;
    private final double beta2;
    private final double eps;
    private final double weightDecay;
    private final boolean decoupled;

    /** Adam over named parameters with the given options. */
    public Adam(Map<String, Parameter> params, Options o) {
        super(params, o.lr());
        this.beta1 = o.beta1();
        this.beta2 = o.beta2();
        this.eps = o.eps();
        this.weightDecay = o.weightDecay();
        this.decoupled = o.decoupled();
    }

    /** Adam over plain tensors (leaves made with {@code requiringGrad()}, updated in place). */
    public Adam(List<Tensor> params, Options o) {
        this(named(params), o);
    }

    /** Adam with PyTorch's defaults and learning rate {@code lr}. */
    public Adam(Map<String, Parameter> params, double lr) {
        this(params, Options.defaults().withLr(lr));
    }

    /** Adam over plain tensors with PyTorch's defaults and learning rate {@code lr}. */
    public Adam(List<Tensor> params, double lr) {
        this(named(params), Options.defaults().withLr(lr));
    }

    /** AdamW with PyTorch's defaults: betas (0.9, 0.999), eps 1e-8, weight decay 1e-2. */
    public static Adam adamW(Map<String, Parameter> params, double lr) {
        return new Adam(params, Options.adamW().withLr(lr));
    }

    @Override
    protected java.util.Set<String> stateKinds() {
        return java.util.Set.of("exp_avg", "exp_avg_sq");
    }

    @Override
    protected void update(String name, Parameter p, Tensor g) {
        if (weightDecay != 0 && decoupled) {
            p.value().addScaled_(-lr * weightDecay, p.value());
        } else if (weightDecay != 0) {
            g = g.add(p.value().mul(weightDecay));
        }
        Tensor m = stateOf("exp_avg", name), v = stateOf("exp_avg_sq", name);
        m = m == null ? g.mul(1 - beta1) : m.mul(beta1).add(g.mul(1 - beta1));
        v = v == null ? g.square().mul(1 - beta2) : v.mul(beta2).add(g.square().mul(1 - beta2));
        putState("exp_avg", name, m);
        putState("exp_avg_sq", name, v);
        double bc1 = 1 - Math.pow(beta1, steps), bc2 = 1 - Math.pow(beta2, steps);
        Tensor denom = v.sqrt().mul(1 / Math.sqrt(bc2)).add(eps);
        p.value().addScaled_(-lr / bc1, m.div(denom));
    }
}
