package org.implicitlayers.implicit.solve;

import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.implicitlayers.core.Tensor;
import org.implicitlayers.implicit.convergence.Solution;

/**
 * Anderson acceleration (type II, Walker and Ni 2011), batched over the first axis as in the
 * implicit-layers tutorial and torchdeq: each sample mixes its last m iterates with weights alpha
 * (sum alpha = 1) minimising ||sum alpha_i g_i||^2 + lambda s ||alpha||^2, g_i = f(x_i) - x_i, with
 * s = max_i ||g_i||^2 (so that lambda is relative: an absolute ridge would swamp the least squares
 * once the residuals are small, and stall the iteration there; {@code relativeRidge = false} keeps
 * it absolute); then x = beta sum alpha_i f(x_i) + (1 - beta) sum alpha_i x_i.
 *
 * <p>Safeguard: the bordered least-squares system (scaled to a unit diagonal) is solved with
 * partial pivoting; when a pivot falls below 1e-13, i.e. it is numerically singular (history
 * vectors nearly parallel) the sample falls back to the plain iterate f(x) and its history
 * restarts.
 *
 * <pre>{@code
 * Anderson a = Anderson.defaults().withMaxIter(50).withTol(1e-4);
 * }</pre>
 *
 * @param maxIter evaluations of f at most (at least 2); default 100
 * @param tol on the fixed-point residual (see {@code Residuals}); default 1e-6
 * @param memory m, iterates mixed (at least 1); default 5
 * @param lambda ridge regularisation of the mixing least squares; default 1e-4
 * @param beta mixing (damping) parameter, 1 = undamped; default 1
 * @param relativeRidge lambda relative to the largest squared residual (default true); false adds
 *     it as is, as the implicit-layers tutorial does
 */
public record Anderson(
        int maxIter, double tol, int memory, double lambda, double beta, boolean relativeRidge)
        implements FixedPointSolver {
    public Anderson {
        if (memory < 1 || maxIter < 2) {
            throw new IllegalArgumentException(
                    "Anderson: memory >= 1 and maxIter >= 2 required, got "
                            + memory
                            + ", "
                            + maxIter);
        }
        if (!(tol >= 0) || !(lambda >= 0) || !(beta > 0)) {
            throw new IllegalArgumentException(
                    "Anderson: tol >= 0, lambda >= 0 and beta > 0 required, got "
                            + tol
                            + ", "
                            + lambda
                            + ", "
                            + beta);
        }
    }

    /** 100 evaluations, tol 1e-6, m = 5, lambda = 1e-4 (relative), beta = 1. */
    public static Anderson defaults() {
        return new Anderson(100, 1e-6, 5, 1e-4, 1.0, true);
    }

    public Anderson withMaxIter(int n) {
        return new Anderson(n, tol, memory, lambda, beta, relativeRidge);
    }

    public Anderson withTol(double t) {
        return new Anderson(maxIter, t, memory, lambda, beta, relativeRidge);
    }

    public Anderson withMemory(int m) {
        return new Anderson(maxIter, tol, m, lambda, beta, relativeRidge);
    }

    /**
     * The ridge lambda, relative to the largest squared residual or absolute (the implicit-layers
     * tutorial's variant).
     */
    public Anderson withLambda(double l, boolean relative) {
        return new Anderson(maxIter, tol, memory, l, beta, relative);
    }

    public Anderson withBeta(double b) {
        return new Anderson(maxIter, tol, memory, lambda, b, relativeRidge);
    }

    @Override
    public Solution solve(UnaryOperator<Tensor> f, Tensor z0) {
        int[] shape = z0.shape();
        int bsz = shape.length == 0 ? 1 : shape[0];
        int d = z0.numel() / Math.max(1, bsz);
        // History, oldest first: f(x_i) and g_i = f(x_i) - x_i as [bsz, d]; x_i only when beta !=
        // 1.
        // The Gram matrices g_i . g_j of every sample are kept and extended by one row per
        // iteration, instead of being recomputed from the whole history.
        List<Tensor> xs = new ArrayList<>(), fs = new ArrayList<>(), gs = new ArrayList<>();
        double[][][] gram = new double[bsz][memory][memory];
        Tensor x = z0.reshape(bsz, d);
        Tensor fx = f.apply(x.reshape(shape)).reshape(bsz, d);
        int evals = 1;
        List<Double> res = new ArrayList<>();
        double r = push(x, fx, xs, fs, gs, gram, bsz, d);
        x = fx;
        fx = f.apply(x.reshape(shape)).reshape(bsz, d);
        evals++;
        r = push(x, fx, xs, fs, gs, gram, bsz, d);
        res.add(r);
        if (r < tol) {
            return new Solution(fx.reshape(shape), evals, res, true);
        }
        while (evals < maxIter) {
            int n = fs.size();
            double[] alpha = new double[bsz * n];
            boolean[] fallback = new boolean[bsz];
            for (int b = 0; b < bsz; b++) {
                fallback[b] = !weights(gram[b], b, n, alpha);
            }
            Tensor a = Tensor.of(x.dtype(), alpha, bsz, 1, n).to(x.backend());
            Tensor next = a.matmul(Tensor.stack(1, fs.toArray(new Tensor[0]))).reshape(bsz, d);
            if (beta != 1) {
                next =
                        next.mul(beta)
                                .add(
                                        a.matmul(Tensor.stack(1, xs.toArray(new Tensor[0])))
                                                .reshape(bsz, d)
                                                .mul(1 - beta));
            }
            boolean restart = anyTrue(fallback);
            if (restart) {
                // Rows with a singular system take the plain iterate f(x_latest); the history
                // restarts.
                double[] mask = new double[bsz];
                for (int b = 0; b < bsz; b++) {
                    mask[b] = fallback[b] ? 1 : 0;
                }
                next =
                        Tensor.where(
                                Tensor.of(x.dtype(), mask, bsz, 1).to(x.backend()),
                                fs.get(n - 1),
                                next);
                while (fs.size() > 1) {
                    drop(xs, fs, gs, gram, bsz);
                }
            }
            x = next;
            fx = f.apply(x.reshape(shape)).reshape(bsz, d);
            evals++;
            if (fs.size() == memory) {
                drop(xs, fs, gs, gram, bsz);
            }
            r = push(x, fx, xs, fs, gs, gram, bsz, d);
            res.add(r);
            if (r < tol) {
                return new Solution(x.reshape(shape), evals, res, true);
            }
        }
        return new Solution(x.reshape(shape), evals, res, false);
    }

    /**
     * Appends (x, f(x)) to the history, extends every sample's Gram matrix by the new g's row, and
     * returns the relative residual ||f(x) - x|| / (1e-5 + ||f(x)||) of the whole batch.
     */
    private double push(
            Tensor x,
            Tensor fx,
            List<Tensor> xs,
            List<Tensor> fs,
            List<Tensor> gs,
            double[][][] gram,
            int bsz,
            int d) {
        Tensor g = fx.sub(x);
        int n = gs.size();
        double[] self = g.square().sum(1).to(org.implicitlayers.core.DType.FLOAT64).toDoubleArray();
        double[] row =
                n == 0
                        ? new double[0]
                        : Tensor.stack(1, gs.toArray(new Tensor[0]))
                                .matmul(g.reshape(bsz, d, 1))
                                .to(org.implicitlayers.core.DType.FLOAT64)
                                .toDoubleArray();
        double gg = 0;
        for (int b = 0; b < bsz; b++) {
            gram[b][n][n] = self[b];
            gg += self[b];
            for (int i = 0; i < n; i++) {
                gram[b][n][i] = row[b * n + i];
                gram[b][i][n] = row[b * n + i];
            }
        }
        if (beta != 1) {
            xs.add(x);
        }
        fs.add(fx);
        gs.add(g);
        return Math.sqrt(gg) / (1e-5 + fx.norm().item());
    }

    /** Removes the oldest entry and shifts every Gram matrix up and left by one. */
    private void drop(
            List<Tensor> xs, List<Tensor> fs, List<Tensor> gs, double[][][] gram, int bsz) {
        int n = fs.size();
        if (!xs.isEmpty()) {
            xs.remove(0);
        }
        fs.remove(0);
        gs.remove(0);
        for (int b = 0; b < bsz; b++) {
            for (int i = 1; i < n; i++) {
                for (int j = 1; j < n; j++) {
                    gram[b][i - 1][j - 1] = gram[b][i][j];
                }
            }
        }
    }

    private static boolean anyTrue(boolean[] v) {
        for (boolean b : v) {
            if (b) {
                return true;
            }
        }
        return false;
    }

    /**
     * Solves the bordered system [0 1^T; 1 GG^T + lambda I] [nu; alpha] = [1; 0] for sample b.
     * Returns false when it is numerically singular.
     */
    private boolean weights(double[][] gram, int b, int n, double[] alpha) {
        // alpha does not change when the Gram block is scaled, so scale it to a unit diagonal: the
        // singularity test of the QR decomposition is then relative, not fooled by tiny residuals.
        double scale = 0;
        for (int i = 0; i < n; i++) {
            scale = Math.max(scale, gram[i][i]);
        }
        if (!(scale > 0) || !Double.isFinite(scale)) {
            return false;
        }
        double[][] h = new double[n + 1][n + 1];
        for (int i = 1; i <= n; i++) {
            h[0][i] = 1;
            h[i][0] = 1;
            for (int j = 1; j <= n; j++) {
                h[i][j] =
                        gram[i - 1][j - 1] / scale
                                + (i == j ? (relativeRidge ? lambda : lambda / scale) : 0);
            }
        }
        // Gaussian elimination with partial pivoting on the (n+1) x (n+1) system (n <= m, tiny):
        // a library decomposition per sample and iteration would cost more than the layer itself.
        int k = n + 1;
        double[] rhs = new double[k];
        rhs[0] = 1;
        for (int c = 0; c < k; c++) {
            int piv = c;
            for (int r = c + 1; r < k; r++) {
                if (Math.abs(h[r][c]) > Math.abs(h[piv][c])) {
                    piv = r;
                }
            }
            if (Math.abs(h[piv][c]) < 1e-13) {
                return false;
            }
            double[] tr = h[c];
            h[c] = h[piv];
            h[piv] = tr;
            double tv = rhs[c];
            rhs[c] = rhs[piv];
            rhs[piv] = tv;
            for (int r = c + 1; r < k; r++) {
                double f = h[r][c] / h[c][c];
                if (f != 0) {
                    for (int j = c; j < k; j++) {
                        h[r][j] -= f * h[c][j];
                    }
                    rhs[r] -= f * rhs[c];
                }
            }
        }
        double[] sol = new double[k];
        for (int r = k - 1; r >= 0; r--) {
            double v = rhs[r];
            for (int j = r + 1; j < k; j++) {
                v -= h[r][j] * sol[j];
            }
            sol[r] = v / h[r][r];
        }
        for (int i = 0; i < n; i++) {
            double v = sol[i + 1];
            if (!Double.isFinite(v)) {
                return false;
            }
            alpha[b * n + i] = v;
        }
        return true;
    }
}
