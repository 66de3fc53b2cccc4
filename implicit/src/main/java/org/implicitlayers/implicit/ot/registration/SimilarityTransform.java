package org.implicitlayers.implicit.ot.registration;

import org.implicitlayers.core.DType;
import org.implicitlayers.core.Tensor;
import org.implicitlayers.core.nn.Module;
import org.implicitlayers.core.nn.Parameter;

/**
 * The 2-D similarity transform x -&gt; s R(theta) x + t, as a module with parameters {@code angle}
 * [1] (radians), {@code translation} [2] and, when the scale is fitted, {@code log_scale} [1] (s =
 * exp(log_scale), so s stays positive). Starts at the identity.
 */
public final class SimilarityTransform extends Module {
    private final Parameter angle;
    private final Parameter translation;
    private final Parameter logScale;
    private final DType dtype;

    /** The identity; {@code fitScale} decides whether the scale is a parameter (else s = 1). */
    public SimilarityTransform(boolean fitScale, DType dtype) {
        this.dtype = dtype;
        angle = param("angle", Tensor.zeros(dtype, 1));
        translation = param("translation", Tensor.zeros(dtype, 2));
        logScale = fitScale ? param("log_scale", Tensor.zeros(dtype, 1)) : null;
    }

    /** Applies the transform to points [n, 2]. */
    @Override
    public Tensor forward(Tensor x) {
        return apply(
                x, angle.value(), translation.value(), logScale == null ? null : logScale.value());
    }

    /**
     * s R(theta) x + t for x [n, 2], theta [1], t [2], log s [1] (null: s = 1), differentiable in
     * all of them.
     */
    public static Tensor apply(Tensor x, Tensor theta, Tensor t, Tensor logScale) {
        Tensor c = theta.cos(), s = theta.sin();
        // Rows of R^T, so that x R^T gives R x for each row x.
        Tensor rt = Tensor.stack(0, Tensor.concat(0, c, s), Tensor.concat(0, s.neg(), c));
        Tensor y = x.matmul(rt);
        if (logScale != null) {
            y = y.mul(logScale.exp());
        }
        return y.add(t);
    }

    /** The angle in radians. */
    public double angle() {
        return angle.value().item();
    }

    /** The translation (t_x, t_y). */
    public double[] translation() {
        return translation.value().toDoubleArray();
    }

    /** The scale s (1 when it is not fitted). */
    public double scale() {
        return logScale == null ? 1 : Math.exp(logScale.value().item());
    }

    /** Whether the scale is a parameter. */
    public boolean fitsScale() {
        return logScale != null;
    }

    public DType dtype() {
        return dtype;
    }

    @Override
    protected String describeSettings() {
        return "fitScale=" + fitsScale();
    }
}
