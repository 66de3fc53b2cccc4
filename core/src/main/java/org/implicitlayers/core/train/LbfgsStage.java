package org.implicitlayers.core.train;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.DoubleSupplier;
import java.util.function.Supplier;
import org.implicitlayers.core.DType;
import org.implicitlayers.core.MemoryScope;
import org.implicitlayers.core.Rng;
import org.implicitlayers.core.Tensor;
import org.implicitlayers.core.nn.Parameter;
import org.implicitlayers.core.optim.Lbfgs;

/**
 * L-BFGS as a {@link Stage} after a first-order optimiser, one L-BFGS iteration per step, kept only
 * if it improves: the stage ends at the lowest loss it evaluated (L-BFGS may end past it), and
 * then, when a judge is given (the loss on points independent of the ones L-BFGS fits, which a
 * quasi-Newton method can over-fit), goes back to the parameters it started from unless the judge's
 * loss did not rise. Its whole state (the L-BFGS iterate, gradient and curvature pairs, the point
 * it started from, the best point, the judge's first value) is checkpointed, so a run interrupted
 * in it resumes exactly.
 */
public final class LbfgsStage implements Stage {
    private final Map<String, Parameter> params;
    private final Lbfgs lbfgs;
    private final long maxIterations;
    private final Supplier<Tensor> loss;
    private final DoubleSupplier judge;
    private final Runnable enter;
    private final Runnable leave;
    private final Lbfgs.Objective objective;
    private Lbfgs.Run run;
    private Map<String, double[]> startPoint;
    private Map<String, double[]> bestPoint;
    private double bestLoss = Double.POSITIVE_INFINITY;
    private double judgedBefore = Double.NaN;
    private String outcome;

    /**
     * @param params the parameters to minimise over, by name
     * @param options L-BFGS's options; its iteration budget is the stage's step count
     * @param loss the loss on the fixed training set at the current parameters (a scalar on the
     *     tape; the stage backpropagates it)
     * @param judge the loss on independent points, to keep the result only if it does not rise
     *     (null: keep it always)
     * @param enter run before L-BFGS starts or resumes, e.g. to fix the training points (null:
     *     nothing)
     * @param leave run at the end, once the best point is restored and before it is judged, e.g. to
     *     free the points (null: nothing)
     */
    public LbfgsStage(
            Map<String, Parameter> params,
            Lbfgs.Options options,
            Supplier<Tensor> loss,
            DoubleSupplier judge,
            Runnable enter,
            Runnable leave) {
        this.params = new LinkedHashMap<>(params);
        this.lbfgs = new Lbfgs(params, options);
        this.maxIterations = options.maxIterations();
        this.loss = loss;
        this.judge = judge;
        this.enter = enter == null ? () -> {} : enter;
        this.leave = leave == null ? () -> {} : leave;
        // One memory scope per evaluation, as the Trainer has per step: the graph is freed, the
        // loss kept.
        this.objective =
                () -> {
                    try (MemoryScope scope = MemoryScope.open()) {
                        Tensor l = this.loss.get();
                        l.backward();
                        double v = l.item();
                        if (v < bestLoss) {
                            bestLoss = v;
                            bestPoint = capture();
                        }
                        scope.keep(l);
                        return l;
                    }
                };
    }

    /**
     * Stops the first iteration that ends past {@code seconds} from now (a wall-clock budget; such
     * a run does not resume exactly).
     */
    public LbfgsStage withTimeBudget(double seconds) {
        lbfgs.withTimeBudget(seconds);
        return this;
    }

    @Override
    public String name() {
        return "lbfgs";
    }

    @Override
    public long steps() {
        return maxIterations;
    }

    @Override
    public void begin() {
        judgedBefore = judge == null ? Double.NaN : judge.getAsDouble();
        startPoint = capture();
        bestLoss = Double.POSITIVE_INFINITY;
        bestPoint = null;
        outcome = null;
        enter.run();
        run = lbfgs.start(objective);
    }

    @Override
    public double step(long step, Rng rng) {
        run.iterate(objective);
        return run.loss();
    }

    @Override
    public boolean finished() {
        return run.stopped() != null;
    }

    @Override
    public void end() {
        Lbfgs.Result r = run.result();
        outcome =
                (r.reason() == null ? "stopped" : r.reason().toString())
                        + " after "
                        + r.iterations()
                        + " iterations";
        if (bestPoint != null) {
            setPoint(bestPoint);
        }
        leave.run();
        if (judge != null) {
            double after = judge.getAsDouble();
            if (!(after <= judgedBefore)) {
                setPoint(startPoint);
                outcome +=
                        String.format(
                                Locale.ROOT,
                                "; kept the previous result (the loss on independent points rose from %.6g to %.6g)",
                                judgedBefore,
                                after);
            }
        }
    }

    /**
     * Why L-BFGS stopped and whether its result was kept, once the stage has ended (null before).
     */
    public String outcome() {
        return outcome;
    }

    /**
     * The loss on the judge's points before L-BFGS (NaN without a judge or before the stage began).
     */
    public double judgedBefore() {
        return judgedBefore;
    }

    @Override
    public Map<String, Tensor> state() {
        Map<String, Tensor> m = new LinkedHashMap<>();
        run.state().forEach((k, v) -> m.put("lbfgs." + k, v));
        startPoint.forEach((k, v) -> m.put("start." + k, Tensor.of(v.clone(), v.length)));
        if (bestPoint != null) {
            bestPoint.forEach((k, v) -> m.put("best." + k, Tensor.of(v.clone(), v.length)));
            m.put("best_loss", Tensor.scalar(DType.FLOAT64, bestLoss));
        }
        if (judge != null) {
            m.put("judged_before", Tensor.scalar(DType.FLOAT64, judgedBefore));
        }
        return m;
    }

    @Override
    public void restore(Map<String, Tensor> state) {
        Map<String, Tensor> lb = new LinkedHashMap<>();
        Map<String, double[]> start = new LinkedHashMap<>(), best = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> e : state.entrySet()) {
            String k = e.getKey();
            if (k.startsWith("lbfgs.")) {
                lb.put(k.substring(6), e.getValue());
            } else if (k.startsWith("start.") || k.startsWith("best.")) {
                String name = k.substring(k.indexOf('.') + 1);
                Parameter p = params.get(name);
                if (p == null || e.getValue().numel() != p.numel()) {
                    throw new IllegalArgumentException(
                            "stage/"
                                    + k
                                    + ": expected a parameter's values"
                                    + (p == null
                                            ? " (no parameter '" + name + "')"
                                            : " (" + p.numel() + " numbers)"));
                }
                (k.startsWith("start.") ? start : best).put(name, e.getValue().toDoubleArray());
            } else if (!k.equals("best_loss") && !k.equals("judged_before")) {
                throw new IllegalArgumentException(
                        "stage/" + k + ": not an entry of the L-BFGS stage");
            }
        }
        if (start.size() != params.size()
                || !best.isEmpty() && best.size() != params.size()
                || best.isEmpty() == state.containsKey("best_loss")
                || (judge != null) != state.containsKey("judged_before")) {
            throw new IllegalArgumentException(
                    "stage/: expected start.* and best.* for every parameter, best_loss with best.*, and"
                            + " judged_before "
                            + (judge != null
                                    ? "(this run judges its result)"
                                    : "only when a run judges its result"));
        }
        // Validates the L-BFGS entries (and sets the parameters to its iterate) last, once the rest
        // is known to fit.
        Map<String, double[]> before = capture();
        try {
            enter.run();
            run = lbfgs.resume(lb);
        } catch (IllegalArgumentException e) {
            setPoint(before);
            throw new IllegalArgumentException(
                    "stage/lbfgs." + e.getMessage().replaceFirst("^L-BFGS state ", ""), e);
        }
        startPoint = start;
        bestPoint = best.isEmpty() ? null : best;
        bestLoss = best.isEmpty() ? Double.POSITIVE_INFINITY : state.get("best_loss").item();
        judgedBefore = judge == null ? Double.NaN : state.get("judged_before").item();
        outcome = null;
    }

    private Map<String, double[]> capture() {
        Map<String, double[]> m = new LinkedHashMap<>();
        params.forEach((k, p) -> m.put(k, p.value().toDoubleArray()));
        return m;
    }

    private void setPoint(Map<String, double[]> point) {
        point.forEach(
                (k, v) -> {
                    Parameter p = params.get(k);
                    p.set(Tensor.of(p.value().dtype(), Arrays.copyOf(v, v.length), p.shape()));
                });
    }
}
