package org.implicitlayers.sdf.fit;

import org.implicitlayers.core.CustomFunction;
import org.implicitlayers.core.DType;
import org.implicitlayers.core.Tensor;
import org.implicitlayers.core.nn.Linear;
import org.implicitlayers.sdf.net.IgrNetwork;

/**
 * The IGR loss of a plain softplus MLP (no skip connection) with its parameter gradient written out
 * in closed form, as one {@link CustomFunction} of the parameters: one forward pass, one pass for
 * the input gradient grad f(x), and one reverse pass through both, 18 large matrix products per
 * step, four elementwise passes per layer (softplus and its slope in one, two products, one fused
 * {@link Tensor#softplusBackward}) and no tape. The generic route ({@link IgrLoss#evaluate})
 * records the forward, the differentiable input gradient and the loss, then differentiates that
 * graph: the same numbers (checked against it in float64) for about twice the work.
 *
 * <p>With z_l = h_{l-1} W_l^T + b_l, h_l = softplus_beta(z_l), s_l = sigmoid(beta z_l) = h_l', the
 * output f = h_L w^T + c has input gradient g = d_1 W_1 where d_L = s_L * w and d_{l-1} = (d_l W_l)
 * * s_{l-1}. The loss L(f, g) is then differentiated through both chains; the second derivative of
 * softplus, beta s (1 - s), carries the g-chain back into z_l.
 */
final class IgrGradient {
    private IgrGradient() {}

    /** Loss terms as plain numbers, the total on the tape of the parameters. */
    static IgrLoss.Terms loss(IgrNetwork net, Tensor x, Tensor normals, int surface, IgrLoss opt) {
        Linear[] layers = net.layers();
        int depth = layers.length - 1;
        double beta = net.options().beta();
        Tensor[] params = new Tensor[2 * layers.length];
        for (int l = 0; l < layers.length; l++) {
            params[2 * l] = layers[l].weight().value();
            params[2 * l + 1] = layers[l].bias().value();
        }
        double[] parts = new double[3];
        Tensor total =
                new CustomFunction("igr_loss") {
                    private Tensor[] grads;

                    @Override
                    protected Tensor forward(Tensor[] p) {
                        grads = new Tensor[p.length];
                        int n = x.shape(0);
                        Tensor[] h = new Tensor[depth + 1];
                        Tensor[] s = new Tensor[depth + 1];
                        h[0] = x;
                        for (int l = 1; l <= depth; l++) {
                            Tensor z = Tensor.linear(h[l - 1], p[2 * (l - 1)], p[2 * (l - 1) + 1]);
                            Tensor[] hs = z.softplusWithSlope(beta);
                            h[l] = hs[0];
                            s[l] = hs[1];
                        }
                        Tensor w = p[2 * depth];
                        Tensor f = Tensor.linear(h[depth], w, p[2 * depth + 1]);
                        // The input gradient: d_l = dF/dz_l, u_{l-1} = d_l W_l = dF/dh_{l-1}.
                        Tensor[] d = new Tensor[depth + 1];
                        Tensor[] u = new Tensor[depth + 1];
                        u[depth] = w;
                        d[depth] = s[depth].mul(w);
                        for (int l = depth; l > 1; l--) {
                            u[l - 1] = d[l].matmul(p[2 * (l - 1)]);
                            d[l - 1] = u[l - 1].mul(s[l - 1]);
                        }
                        Tensor g = d[1].matmul(p[0]);
                        // dL/df and dL/dg, on the host: [n] and [n, 3].
                        double[] fv = f.toDoubleArray();
                        double[] gv = g.toDoubleArray();
                        double[] nv = normals == null ? null : normals.toDoubleArray();
                        double[] phi = new double[n];
                        double[] gamma = new double[3 * n];
                        int off = n - surface;
                        double ls = 0, ln = 0, le = 0;
                        for (int i = 0; i < surface; i++) {
                            ls += Math.abs(fv[i]);
                            phi[i] = Math.signum(fv[i]) / surface;
                            if (nv != null && opt.normalWeight() > 0) {
                                double ex = gv[3 * i] - nv[3 * i],
                                        ey = gv[3 * i + 1] - nv[3 * i + 1],
                                        ez = gv[3 * i + 2] - nv[3 * i + 2];
                                double len = Math.sqrt(ex * ex + ey * ey + ez * ez);
                                ln += len;
                                double c = len > 0 ? opt.normalWeight() / (len * surface) : 0;
                                gamma[3 * i] = c * ex;
                                gamma[3 * i + 1] = c * ey;
                                gamma[3 * i + 2] = c * ez;
                            }
                        }
                        for (int i = surface; i < n; i++) {
                            double gx = gv[3 * i], gy = gv[3 * i + 1], gz = gv[3 * i + 2];
                            double len = Math.sqrt(gx * gx + gy * gy + gz * gz);
                            le += (len - 1) * (len - 1);
                            double c =
                                    len > 0 ? opt.eikonalWeight() * 2 * (len - 1) / (len * off) : 0;
                            gamma[3 * i] = c * gx;
                            gamma[3 * i + 1] = c * gy;
                            gamma[3 * i + 2] = c * gz;
                        }
                        parts[0] = ls / surface;
                        parts[1] = ln / surface;
                        parts[2] = le / off;
                        DType dt = x.dtype();
                        Tensor phiT = Tensor.of(dt, phi, n, 1);
                        Tensor gammaT = Tensor.of(dt, gamma, n, 3);
                        // Reverse through the g-chain: dd_1 = gamma W_1, then up the layers.
                        grads[0] = d[1].matmul(gammaT, true, false); // dW_1 from g = d_1 W_1
                        Tensor dd = gammaT.matmul(p[0], false, true); // dL/dd_1, [n, width]
                        Tensor[] ds = new Tensor[depth + 1]; // dL/ds_l through the g-chain
                        for (int l = 1; l <= depth; l++) {
                            Tensor du = dd.mul(s[l]); // dL/du_l
                            ds[l] = dd.mul(u[l]); // dL/ds_l
                            if (l < depth) {
                                grads[2 * l] =
                                        d[l + 1].matmul(
                                                du, true,
                                                false); // dW_{l+1} from u_l = d_{l+1} W_{l+1}
                                dd = du.matmul(p[2 * l], false, true); // dL/dd_{l+1}
                            } else {
                                grads[2 * depth] =
                                        du.sum(0).reshape(1, -1); // dw from d_L = s_L * w
                            }
                        }
                        // Reverse through the forward chain, adding the g-chain's share of dL/dz_l.
                        grads[2 * depth] = grads[2 * depth].add(phiT.matmul(h[depth], true, false));
                        grads[2 * depth + 1] = phiT.sum(0);
                        Tensor dh = phiT.matmul(w); // dL/dh_L, [n, H]
                        for (int l = depth; l >= 1; l--) {
                            Tensor dz = Tensor.softplusBackward(s[l], dh, ds[l], beta);
                            Tensor dw = dz.matmul(h[l - 1], true, false);
                            grads[2 * (l - 1)] =
                                    grads[2 * (l - 1)] == null ? dw : grads[2 * (l - 1)].add(dw);
                            grads[2 * (l - 1) + 1] = dz.sum(0);
                            if (l > 1) {
                                dh = dz.matmul(p[2 * (l - 1)]);
                            }
                        }
                        double loss =
                                parts[0]
                                        + opt.normalWeight() * parts[1]
                                        + opt.eikonalWeight() * parts[2];
                        return Tensor.scalar(dt, loss);
                    }

                    @Override
                    protected Tensor[] backward(
                            Tensor grad, Tensor output, Tensor[] inputs, boolean[] needs) {
                        double gs = grad.item();
                        Tensor[] out = new Tensor[grads.length];
                        for (int i = 0; i < out.length; i++) {
                            out[i] = needs[i] ? (gs == 1 ? grads[i] : grads[i].mul(gs)) : null;
                        }
                        return out;
                    }
                }.apply(params);
        DType dt = x.dtype();
        return new IgrLoss.Terms(
                total,
                Tensor.scalar(dt, parts[0]),
                normals == null ? null : Tensor.scalar(dt, parts[1]),
                Tensor.scalar(dt, parts[2]));
    }
}
