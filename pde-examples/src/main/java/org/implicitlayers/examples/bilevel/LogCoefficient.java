package org.implicitlayers.examples.bilevel;

import org.implicitlayers.core.DType;
import org.implicitlayers.core.Tensor;
import org.implicitlayers.core.nn.Module;
import org.implicitlayers.core.nn.Parameter;
import org.implicitlayers.ritz.problem.ScalarField;

/**
 * A positive coefficient on the unit square, a(x, y) = exp(s(x, y)) with s a cosine series of K x K
 * modes: s = sum over 0 &lt;= k, l &lt; K of theta_kl cos(k pi x) cos(l pi y). The modes are
 * smooth, orthogonal on the square and free on its boundary, so a few of them describe a smooth
 * field and the exponential keeps it positive whatever theta. theta is the module's one parameter,
 * {@code "theta"} of shape [K^2], index k K + l.
 */
public final class LogCoefficient extends Module {
    private final int modes;
    private final Parameter theta;

    /**
     * K = {@code modes} (at least 1), theta = {@code initial} (length K^2; its dtype is the
     * parameter's).
     */
    public LogCoefficient(int modes, Tensor initial) {
        if (modes < 1) {
            throw new IllegalArgumentException(
                    "LogCoefficient: at least 1 mode per direction, got " + modes);
        }
        if (initial.numel() != modes * modes) {
            throw new IllegalArgumentException(
                    "LogCoefficient: theta needs "
                            + modes * modes
                            + " values for "
                            + modes
                            + " x "
                            + modes
                            + " modes, got "
                            + initial.numel());
        }
        this.modes = modes;
        this.theta = param("theta", initial.reshape(modes * modes));
    }

    /** K x K modes with theta = 0 (a = 1) in {@code dtype}. */
    public static LogCoefficient uniform(int modes, DType dtype) {
        return new LogCoefficient(modes, Tensor.zeros(dtype, modes * modes));
    }

    /** K, the modes per direction. */
    public int modes() {
        return modes;
    }

    /** The parameter theta [K^2]. */
    public Parameter theta() {
        return theta;
    }

    /**
     * a at points x [n, 2] for the module's theta: [n, 1], differentiable in theta (x is not
     * differentiated).
     */
    @Override
    public Tensor forward(Tensor x) {
        return at(x, theta.value());
    }

    /**
     * a at points x [n, 2] for coefficients {@code t} [K^2]: [n, 1], differentiable in t (x is not
     * differentiated).
     */
    public Tensor at(Tensor x, Tensor t) {
        if (t.numel() != modes * modes) {
            throw new IllegalArgumentException(
                    "LogCoefficient: theta needs " + modes * modes + " values, got " + t.numel());
        }
        return modes(x).matmul(t.reshape(modes * modes, 1)).exp();
    }

    /**
     * a for the coefficients {@code t} [K^2] as a field (on the tape through t when t requires
     * grad).
     */
    public ScalarField field(Tensor t) {
        return x -> at(x, t);
    }

    /** The modes cos(k pi x) cos(l pi y) at points x [n, 2]: [n, K^2], constants of x's dtype. */
    private Tensor modes(Tensor x) {
        Tensor xd = x.detach();
        Tensor[] cx = new Tensor[modes], cy = new Tensor[modes];
        Tensor px = xd.slice(1, 0, 1).mul(Math.PI), py = xd.slice(1, 1, 2).mul(Math.PI);
        for (int k = 0; k < modes; k++) {
            cx[k] = k == 0 ? Tensor.onesLike(px) : px.mul(k).cos();
            cy[k] = k == 0 ? Tensor.onesLike(py) : py.mul(k).cos();
        }
        Tensor[] cols = new Tensor[modes * modes];
        for (int k = 0; k < modes; k++) {
            for (int l = 0; l < modes; l++) {
                cols[k * modes + l] = cx[k].mul(cy[l]);
            }
        }
        return Tensor.concat(1, cols);
    }

    /** a(x, y) for the coefficients {@code theta} (length K^2, index k K + l), in float64. */
    public static double value(double[] theta, int modes, double x, double y) {
        double s = 0;
        for (int k = 0; k < modes; k++) {
            double cx = Math.cos(k * Math.PI * x);
            for (int l = 0; l < modes; l++) {
                s += theta[k * modes + l] * cx * Math.cos(l * Math.PI * y);
            }
        }
        return Math.exp(s);
    }

    /** a(x, y) at the current theta, in float64. */
    public double value(double x, double y) {
        return value(theta.value().toDoubleArray(), modes, x, y);
    }

    @Override
    protected String describeSettings() {
        return "modes=" + modes + "x" + modes;
    }
}
