package org.implicitlayers.ritz;

import org.implicitlayers.core.DType;

/**
 * How a problem is solved. Defaults are those of the ritz-poisson benchmark: the Ritz energy with
 * a boundary penalty of 500, 1024 interior and 256 boundary points resampled uniformly every step,
 * the Deep Ritz residual network (width 32, 3 blocks, tanh), Adam with learning rate 1e-3.
 *
 * @param method         "ritz" (energy) or "pinn" (strong-form residual)
 * @param bc             "penalty" or "exact" (u = g + phi N with phi the domain's distance function)
 * @param penalty        beta of the boundary penalty
 * @param interior       interior points per step
 * @param boundary       boundary points per step
 * @param sampling       "uniform", "sobol" or "halton"
 * @param resample       draw fresh points every step (else one fixed set)
 * @param network        "resnet" or "mlp"
 * @param width          hidden width
 * @param depth          residual blocks (resnet) or hidden layers (mlp)
 * @param activation     activation name (tanh, softplus:beta, sine:w0, cubic_relu, ...)
 * @param steps          Adam steps
 * @param lr             Adam learning rate
 * @param lrDecay        final learning rate as a fraction of lr (cosine decay); 1 keeps it constant
 * @param lbfgs          L-BFGS iterations after Adam, on a fixed point set (0: none)
 * @param evalEvery      evaluation interval in steps
 * @param seed           random seed
 * @param dtype          float32 or float64
 * @param rarEvery       residual-based adaptive refinement: every so many steps (0: off; PINN only)
 * @param rarPoints      points added at each refinement, where the residual is largest
 */
public record RitzOptions(String method, String bc, double penalty, int interior, int boundary, String sampling, boolean resample,
                          String network, int width, int depth, String activation, int steps, double lr, double lrDecay,
                          int lbfgs, int evalEvery, long seed, DType dtype, int rarEvery, int rarPoints) {
    public static RitzOptions defaults() {
        return new RitzOptions("ritz", "penalty", 500, 1024, 256, "uniform", true, "resnet", 32, 3, "tanh", 5000, 1e-3, 1.0,
                0, 250, 0, DType.FLOAT32, 0, 0);
    }

    public RitzOptions withSteps(int s) {
        return new RitzOptions(method, bc, penalty, interior, boundary, sampling, resample, network, width, depth, activation, s, lr,
                lrDecay, lbfgs, evalEvery, seed, dtype, rarEvery, rarPoints);
    }

    public RitzOptions withMethod(String m, String b) {
        return new RitzOptions(m, b, penalty, interior, boundary, sampling, resample, network, width, depth, activation, steps, lr,
                lrDecay, lbfgs, evalEvery, seed, dtype, rarEvery, rarPoints);
    }

    public RitzOptions withSampling(String s, boolean fresh, int nInterior, int nBoundary) {
        return new RitzOptions(method, bc, penalty, nInterior, nBoundary, s, fresh, network, width, depth, activation, steps, lr,
                lrDecay, lbfgs, evalEvery, seed, dtype, rarEvery, rarPoints);
    }

    public RitzOptions withNetwork(String kind, int w, int d, String act) {
        return new RitzOptions(method, bc, penalty, interior, boundary, sampling, resample, kind, w, d, act, steps, lr, lrDecay,
                lbfgs, evalEvery, seed, dtype, rarEvery, rarPoints);
    }

    public RitzOptions withOptimizer(double learningRate, double decay, int lbfgsIterations) {
        return new RitzOptions(method, bc, penalty, interior, boundary, sampling, resample, network, width, depth, activation, steps,
                learningRate, decay, lbfgsIterations, evalEvery, seed, dtype, rarEvery, rarPoints);
    }

    public RitzOptions withPenalty(double beta) {
        return new RitzOptions(method, bc, beta, interior, boundary, sampling, resample, network, width, depth, activation, steps, lr,
                lrDecay, lbfgs, evalEvery, seed, dtype, rarEvery, rarPoints);
    }

    public RitzOptions withRun(int every, long s, DType d) {
        return new RitzOptions(method, bc, penalty, interior, boundary, sampling, resample, network, width, depth, activation, steps, lr,
                lrDecay, lbfgs, every, s, d, rarEvery, rarPoints);
    }

    /** Adds the residual-based refinement option (PINN only). */
    public RitzOptions withRar(int every, int points) {
        return new RitzOptions(method, bc, penalty, interior, boundary, sampling, resample, network, width, depth, activation, steps, lr,
                lrDecay, lbfgs, evalEvery, seed, dtype, every, points);
    }

    /** Fails naming the field when a value is out of range. */
    public RitzOptions validate() {
        check(method.equals("ritz") || method.equals("pinn"), "method", "'ritz' or 'pinn'", method);
        check(bc.equals("penalty") || bc.equals("exact"), "bc", "'penalty' or 'exact'", bc);
        check(network.equals("resnet") || network.equals("mlp"), "network.type", "'resnet' or 'mlp'", network);
        check(interior > 0, "sampling.interior", "a positive count", interior);
        check(boundary > 0 || bc.equals("exact"), "sampling.boundary", "a positive count", boundary);
        check(width > 0 && depth >= 0, "network.width/depth", "width > 0 and depth >= 0", width + "/" + depth);
        check(steps >= 0 && lr > 0, "optimizer", "steps >= 0 and lr > 0", steps + ", " + lr);
        check(evalEvery > 0, "eval_every", "a positive count", evalEvery);
        check(rarEvery >= 0 && rarPoints >= 0, "sampling.rar", "non-negative every/points", rarEvery + "/" + rarPoints);
        check(rarEvery == 0 || method.equals("pinn"), "sampling.rar",
                "method 'pinn' (added points would bias the quadrature of the Ritz energy)", method);
        return this;
    }

    private static void check(boolean ok, String field, String expected, Object got) {
        if (!ok) {
            throw new IllegalArgumentException(field + ": expected " + expected + ", got " + got);
        }
    }
}
