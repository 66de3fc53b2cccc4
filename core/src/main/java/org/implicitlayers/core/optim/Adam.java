package org.implicitlayers.core.optim;

import java.util.Map;
import org.implicitlayers.core.Tensor;
import org.implicitlayers.core.nn.Parameter;

/**
 * Adam (Kingma and Ba 2015) and AdamW (Loshchilov and Hutter 2019), as torch.optim.Adam/AdamW:
 * m = b1 m + (1-b1) g; v = b2 v + (1-b2) g^2; p -= lr/(1-b1^t) * m / (sqrt(v)/sqrt(1-b2^t) + eps).
 * Weight decay is L2 (g += wd p) for Adam and decoupled (p *= 1 - lr wd) for AdamW.
 */
public final class Adam extends Optimizer {
    private final double beta1;
    private final double beta2;
    private final double eps;
    private final double weightDecay;
    private final boolean decoupled;

    public Adam(Map<String, Parameter> params, double lr, double beta1, double beta2, double eps, double weightDecay, boolean decoupled) {
        super(params, lr);
        if (beta1 < 0 || beta1 >= 1 || beta2 < 0 || beta2 >= 1) {
            throw new IllegalArgumentException("Adam: betas must lie in [0, 1), got " + beta1 + ", " + beta2);
        }
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.weightDecay = weightDecay;
        this.decoupled = decoupled;
    }

    /** Adam with PyTorch's defaults: betas (0.9, 0.999), eps 1e-8, no weight decay. */
    public Adam(Map<String, Parameter> params, double lr) {
        this(params, lr, 0.9, 0.999, 1e-8, 0, false);
    }

    /** AdamW with PyTorch's defaults: betas (0.9, 0.999), eps 1e-8, weight decay 1e-2. */
    public static Adam adamW(Map<String, Parameter> params, double lr) {
        return new Adam(params, lr, 0.9, 0.999, 1e-8, 1e-2, true);
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
