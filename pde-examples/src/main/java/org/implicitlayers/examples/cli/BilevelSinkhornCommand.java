package org.implicitlayers.examples.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.implicitlayers.core.DType;
import org.implicitlayers.core.Grad;
import org.implicitlayers.core.Rng;
import org.implicitlayers.core.Tensor;
import org.implicitlayers.core.io.Npz;
import org.implicitlayers.core.nn.Parameter;
import org.implicitlayers.core.optim.Adam;
import org.implicitlayers.core.train.CsvMetricsLog;
import org.implicitlayers.core.train.OutputSet;
import org.implicitlayers.core.train.RunContext;
import org.implicitlayers.core.train.Trainer;
import org.implicitlayers.examples.plot.RegistrationPlot;
import org.implicitlayers.implicit.convergence.NonConvergence;
import org.implicitlayers.implicit.ot.EpsilonScaling;
import org.implicitlayers.implicit.ot.GradientMode;
import org.implicitlayers.implicit.ot.Sinkhorn;
import org.implicitlayers.implicit.ot.registration.RegistrationExample;
import org.implicitlayers.implicit.ot.registration.SimilarityTransform;
import org.implicitlayers.implicit.ot.registration.SinkhornRegistration;
import org.implicitlayers.plot.Figures;
import org.implicitlayers.plot.LossCurve;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Point-cloud registration by optimal transport: a rotation, translation and scale that move a
 * source cloud onto a noisy target with outliers, fitted by Adam on the Sinkhorn divergence with
 * gradients through Sinkhorn (implicit by default). Reports the transform's error against the known
 * ground truth, implicit against unrolled gradients with their tape sizes at the same sweep count,
 * and the implicit gradient against central differences on a small instance.
 */
@Command(
        name = "sinkhorn",
        description = {
            "Register a 2-D point cloud onto a noisy target with outliers by minimising the Sinkhorn divergence over"
                    + " a rotation, translation and scale; gradients through Sinkhorn implicitly (or unrolled). Prints the error against the known"
                    + " transform, implicit vs unrolled gradients and tape sizes, a finite-difference check; writes PNGs, metrics and checkpoints."
                    + " Last line: one JSON object. Output folder: out/bilevel/sinkhorn."
        })
final class BilevelSinkhornCommand implements Callable<Integer> {
    @Option(
            names = "--steps",
            description = "Adam steps (default: ${DEFAULT-VALUE}).",
            defaultValue = "80")
    long steps;

    @Option(
            names = "--points",
            description =
                    "Points in the source cloud and inliers in the target (default: ${DEFAULT-VALUE}).",
            defaultValue = "100")
    int points;

    @Option(
            names = "--epsilon",
            description =
                    "Entropic regularisation, in squared shape units (default: ${DEFAULT-VALUE}).",
            defaultValue = "0.05")
    double epsilon;

    @Option(
            names = "--tol",
            description =
                    "Sinkhorn's stopping tolerance on the marginal error ||P^T 1 - b||_1 (default: ${DEFAULT-VALUE}).",
            defaultValue = "1e-5")
    double tol;

    @Option(
            names = "--noise",
            description =
                    "Standard deviation of the target's Gaussian noise, shape units (default: ${DEFAULT-VALUE}).",
            defaultValue = "0.02")
    double noise;

    @Option(
            names = "--outliers",
            description =
                    "Outliers added to the target, as a fraction of --points, in [0, 1) (default: ${DEFAULT-VALUE}).",
            defaultValue = "0.03")
    double outliers;

    @Option(
            names = "--lr",
            description = "Adam learning rate (default: ${DEFAULT-VALUE}).",
            defaultValue = "0.03")
    double lr;

    @Option(
            names = "--no-scale",
            description = "Fit a rigid transform only (the example's true scale is then 1).")
    boolean noScale;

    @Option(
            names = "--gradient",
            description =
                    "How training differentiates Sinkhorn: implicit or unrolled (default: ${DEFAULT-VALUE}).",
            defaultValue = "implicit")
    String gradient;

    @Option(
            names = "--check-every",
            description = "Steps between checkpoints (default: ${DEFAULT-VALUE}; also every 30 s).",
            defaultValue = "20")
    long checkEvery;

    @CommandLine.Mixin RunOptions run;

    @CommandLine.Mixin FigureOptions figureOptions;

    private Figures figures;

    /**
     * A refused setting: one line naming the option, as the other training commands print it (exit
     * 1).
     */
    private static IllegalArgumentException bad(String message) {
        return new IllegalArgumentException(message);
    }

    /** Every setting that can be refused, before the output folder exists. */
    private void validate() {
        if (steps < 1) {
            throw bad("--steps must be >= 1, got " + steps);
        }
        if (points < 3) {
            throw bad(
                    "--points must be >= 3 (an empty or tiny cloud cannot be registered), got "
                            + points);
        }
        if (points > 2000) {
            throw bad(
                    "--points must be <= 2000 (each Sinkhorn sweep costs points^2), got " + points);
        }
        if (!(epsilon > 0) || Double.isInfinite(epsilon)) {
            throw bad("--epsilon must be finite and > 0, got " + epsilon);
        }
        if (!(tol > 0) || tol >= 1) {
            throw bad("--tol must lie in (0, 1), got " + tol);
        }
        if (!(noise >= 0) || Double.isInfinite(noise)) {
            throw bad("--noise must be finite and >= 0, got " + noise);
        }
        if (!(outliers >= 0 && outliers < 1)) {
            throw bad("--outliers must lie in [0, 1), got " + outliers);
        }
        if (!(lr > 0) || Double.isInfinite(lr)) {
            throw bad("--lr must be finite and > 0, got " + lr);
        }
        if (checkEvery < 1) {
            throw bad("--check-every must be >= 1, got " + checkEvery);
        }
        if (!gradient.equals("implicit") && !gradient.equals("unrolled")) {
            throw bad("--gradient: expected implicit or unrolled, got '" + gradient + "'");
        }
    }

    Sinkhorn.Options sinkhorn() {
        return Sinkhorn.Options.defaults()
                .withEpsilon(epsilon)
                .withTol(tol)
                .withMaxIter(5000)
                .withScaling(EpsilonScaling.geometric(0.7))
                .withPolicy(NonConvergence.WARN)
                .withGradient(
                        gradient.equals("unrolled")
                                ? GradientMode.unrolled()
                                : GradientMode.implicit());
    }

    @Override
    public Integer call() throws Exception {
        figures = figureOptions.figures();
        run.applyThreads();
        validate();
        long t0 = System.nanoTime();
        long seed = run.seed(0);
        RegistrationExample example =
                RegistrationExample.curve(seed, points, noise, outliers, !noScale, DType.FLOAT64);
        String identity =
                String.format(
                        Locale.ROOT,
                        "points %d, noise %s, outliers %s, epsilon %s, tol %s, lr %s, %s, gradient %s, seed %d",
                        points,
                        noise,
                        outliers,
                        epsilon,
                        tol,
                        lr,
                        noScale ? "rigid" : "similarity",
                        gradient,
                        seed);
        try (OnInterrupt interrupt = new OnInterrupt();
                RunContext ctx =
                        run.open(
                                Path.of("out", "bilevel", "sinkhorn"),
                                "bilevel sinkhorn",
                                identity)) {
            interrupt.cancels(ctx::cancel);
            return trainAndReport(example, ctx, interrupt, t0);
        }
    }

    private int trainAndReport(
            RegistrationExample example, RunContext ctx, OnInterrupt interrupt, long t0)
            throws IOException {
        Path out = ctx.folder();
        SinkhornRegistration reg = new SinkhornRegistration(example, sinkhorn());
        SimilarityTransform transform = new SimilarityTransform(!noScale, DType.FLOAT64);
        Adam adam = new Adam(transform.parameters(), lr);
        List<Double> stepMs = new ArrayList<>();
        long[] sweeps = {0, 0};
        Trainer.Builder tb =
                Trainer.builder(transform, adam, Rng.seeded(run.seed(0)))
                        .loss(
                                (step, rng) -> {
                                    long s0 = System.nanoTime();
                                    Tensor loss = reg.loss(transform);
                                    stepMs.add((System.nanoTime() - s0) / 1e6);
                                    sweeps[0] += reg.lastCross().sweeps();
                                    sweeps[1]++;
                                    return loss;
                                })
                        .evaluator(
                                step -> {
                                    SinkhornRegistration.Errors e = reg.errors(transform);
                                    Map<String, Double> m = new LinkedHashMap<>();
                                    m.put("angle_error_deg", e.angleDegrees());
                                    m.put("translation_error", e.translation());
                                    if (!noScale) {
                                        m.put("scale_error_rel", e.scaleRelative());
                                    }
                                    return m;
                                })
                        .options(
                                Trainer.Options.defaults()
                                        .withSteps(steps)
                                        .withEvalEvery(5)
                                        .withCheckpointEvery(checkEvery))
                        .callback(
                                new CsvMetricsLog(
                                        out.resolve("metrics.csv"), out.resolve("eval.csv"), 1));
        if (!run.quiet) {
            tb.callback(new ProgressBarCallback(System.err, "bilevel sinkhorn"));
        }
        Trainer.Result tr = tb.context(ctx).build().run();
        SinkhornRegistration.Errors err = reg.errors(transform);

        // Implicit against unrolled at the identity (the start of training), full problem; the
        // unrolled forward
        // takes the same sweeps (the same iterates meet the same stopping test).
        GradientReport cmp = compareModes(example);
        double fdRel = finiteDifferenceCheck(run.seed(0));

        double[] before = example.source().toDoubleArray(),
                target = example.target().toDoubleArray(),
                after;
        try (Grad.Scope ignored = Grad.noGrad()) {
            after = transform.forward(example.source()).toDoubleArray();
        }
        List<String> wrote;
        try (OutputSet files = ctx.outputs()) {
            Npz.write(files.path("transform.npz"), transform.stateDict());
            RegistrationPlot.write(
                    figures,
                    files.path(figures.fileName("registration")),
                    before,
                    after,
                    target,
                    example.outliers(),
                    new String[] {
                        "before: source and target",
                        String.format(
                                Locale.ROOT,
                                "after %d steps: errors %.2g deg, %.2g (translation)",
                                tr.lastStep(),
                                err.angleDegrees(),
                                err.translation())
                    });
            LossCurve.write(
                    out.resolve("metrics.csv"),
                    out.resolve("eval.csv"),
                    figures,
                    files.path(figures.fileName("loss")),
                    "bilevel sinkhorn: Sinkhorn divergence (eps "
                            + epsilon
                            + ") and errors against the true transform",
                    new LossCurve.Labels(
                            "Sinkhorn divergence",
                            "error against the true transform",
                            java.util.Map.of(
                                    "angle_error_deg", "angle error (degrees)",
                                    "translation_error", "translation error (shape units)",
                                    "scale_error_rel", "relative scale error")));
            wrote = new ArrayList<>(files.commit());
        }
        wrote.add("metrics.csv");
        wrote.add("eval.csv");
        if (Files.exists(ctx.checkpoint())) {
            wrote.add(RunContext.CHECKPOINT);
        }
        double wall = (System.nanoTime() - t0) / 1e9;
        double medianMs =
                stepMs.stream()
                        .mapToDouble(Double::doubleValue)
                        .sorted()
                        .skip(stepMs.size() / 2)
                        .findFirst()
                        .orElse(Double.NaN);
        System.out.printf(
                Locale.ROOT,
                "target: %d points of the curve moved by angle %.1f deg, translation (%.2f, %.2f), scale %.2f, noise %.3g,"
                        + " plus %d outliers%n",
                points,
                Math.toDegrees(example.angle()),
                example.translation()[0],
                example.translation()[1],
                example.scale(),
                noise,
                example.outliers());
        System.out.printf(
                Locale.ROOT,
                "fitted after %d steps: angle %.3f deg, translation (%.4f, %.4f), scale %.4f; errors: angle %.3g deg,"
                        + " translation %.3g, scale %.3g (relative)%n",
                tr.lastStep(),
                Math.toDegrees(transform.angle()),
                transform.translation()[0],
                transform.translation()[1],
                transform.scale(),
                err.angleDegrees(),
                err.translation(),
                err.scaleRelative());
        System.out.printf(
                Locale.ROOT,
                "gradient at the identity, %d sweeps (cross term): implicit vs unrolled relative difference %.3g;"
                        + " tape %d ops / %.1f KiB (implicit) vs %d ops / %.1f KiB (unrolled)%n",
                cmp.sweeps,
                cmp.relErr,
                cmp.implicitOps,
                cmp.implicitBytes / 1024.0,
                cmp.unrolledOps,
                cmp.unrolledBytes / 1024.0);
        System.out.printf(
                Locale.ROOT,
                "implicit gradient vs central differences (float64, %d source and %d target points, tol 1e-12): relative error %.3g%n",
                FD_POINTS,
                FD_POINTS + (int) Math.round(outliers * FD_POINTS),
                fdRel);
        System.out.printf(
                Locale.ROOT,
                "wall time %.1f s (training %.1f s: %.1f ms per step with the backward pass); %.1f ms per loss"
                        + " evaluation (median, forward only), %.0f Sinkhorn sweeps per step (mean)%n",
                wall,
                tr.elapsedSeconds(),
                tr.lastStep() > tr.resumedFrom()
                        ? tr.elapsedSeconds() * 1e3 / (tr.lastStep() - tr.resumedFrom())
                        : Double.NaN,
                medianMs,
                sweeps[1] == 0 ? Double.NaN : (double) sweeps[0] / sweeps[1]);
        System.out.println("wrote " + out + "/{" + String.join(", ", wrote) + "}");
        if (tr.cancelled()) {
            System.out.println(
                    (interrupt.interrupted() ? "interrupted" : "stopped")
                            + " at step "
                            + tr.lastStep()
                            + "; continue with --resume");
        }
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("command", "bilevel sinkhorn");
        json.put("steps", tr.lastStep());
        json.put("points", points);
        json.put("outliers", example.outliers());
        json.put("epsilon", epsilon);
        json.put("gradient", gradient);
        json.put("final_loss", tr.lastLoss());
        json.put("angle_error_deg", err.angleDegrees());
        json.put("translation_error", err.translation());
        json.put("scale_error_rel", err.scaleRelative());
        json.put("implicit_vs_unrolled_rel_err", cmp.relErr);
        json.put("compare_sweeps", cmp.sweeps);
        json.put("tape_bytes_implicit", cmp.implicitBytes);
        json.put("tape_bytes_unrolled", cmp.unrolledBytes);
        json.put("tape_ops_implicit", cmp.implicitOps);
        json.put("tape_ops_unrolled", cmp.unrolledOps);
        json.put("grad_check_rel_err", fdRel);
        json.put("ms_per_loss_eval_median", medianMs);
        json.put("train_s", tr.elapsedSeconds());
        json.put(
                "sweeps_per_step_mean",
                sweeps[1] == 0 ? Double.NaN : (double) sweeps[0] / sweeps[1]);
        json.put("wall_s", wall);
        System.out.println(new ObjectMapper().writeValueAsString(json));
        return tr.cancelled() ? 130 : 0;
    }

    private record GradientReport(
            double relErr,
            int sweeps,
            long implicitBytes,
            int implicitOps,
            long unrolledBytes,
            int unrolledOps) {}

    private GradientReport compareModes(RegistrationExample example) {
        double[][] g = new double[2][];
        long[] bytes = new long[2];
        int[] ops = new int[2];
        int sweeps = 0;
        GradientMode[] modes = {GradientMode.implicit(), GradientMode.unrolled()};
        for (int k = 0; k < 2; k++) {
            SinkhornRegistration r =
                    new SinkhornRegistration(example, sinkhorn().withGradient(modes[k]));
            SimilarityTransform at = new SimilarityTransform(!noScale, DType.FLOAT64);
            Tensor loss = r.loss(at);
            Grad.TapeStats st = Grad.tapeStats(loss);
            bytes[k] = st.bytes();
            ops[k] = st.operations();
            sweeps = r.lastCross().sweeps();
            List<Tensor> ps = new ArrayList<>();
            for (Parameter p : at.parameters().values()) {
                ps.add(p.value());
            }
            Tensor[] gs = Grad.of(loss, ps.toArray(new Tensor[0]), false);
            g[k] = flatten(gs);
        }
        return new GradientReport(relErr(g[0], g[1]), sweeps, bytes[0], ops[0], bytes[1], ops[1]);
    }

    /** Points of the small instance of the finite-difference check. */
    static final int FD_POINTS = 16;

    /**
     * The implicit gradient of the outer objective (the Sinkhorn divergence as a function of angle,
     * translation and log scale) against float64 central differences, at a point away from the
     * identity, on a small instance solved to a marginal error of 1e-12.
     */
    private double finiteDifferenceCheck(long seed) {
        RegistrationExample small =
                RegistrationExample.curve(
                        seed + 1, FD_POINTS, noise, outliers, !noScale, DType.FLOAT64);
        SinkhornRegistration r =
                new SinkhornRegistration(
                        small,
                        sinkhorn()
                                .withGradient(GradientMode.implicit())
                                .withTol(1e-12)
                                .withMaxIter(200_000));
        double[] x0 = {0.3, 0.2, -0.1, 0.05};
        int np = noScale ? 3 : 4;
        Tensor theta = Tensor.of(new double[] {x0[0]}, 1).requiringGrad(),
                t = Tensor.of(new double[] {x0[1], x0[2]}, 2).requiringGrad();
        Tensor ls = noScale ? null : Tensor.of(new double[] {x0[3]}, 1).requiringGrad();
        Tensor loss = r.loss(theta, t, ls);
        double[] analytic =
                flatten(
                        Grad.of(
                                loss,
                                noScale ? new Tensor[] {theta, t} : new Tensor[] {theta, t, ls},
                                false));
        double[] numeric = new double[np];
        double h = 1e-5;
        try (Grad.Scope ignored = Grad.noGrad()) {
            for (int i = 0; i < np; i++) {
                double[] p = x0.clone(), q = x0.clone();
                p[i] += h;
                q[i] -= h;
                numeric[i] = (value(r, p) - value(r, q)) / (2 * h);
            }
        }
        return relErr(analytic, numeric);
    }

    private double value(SinkhornRegistration r, double[] x) {
        return r.loss(
                        Tensor.of(new double[] {x[0]}, 1),
                        Tensor.of(new double[] {x[1], x[2]}, 2),
                        noScale ? null : Tensor.of(new double[] {x[3]}, 1))
                .item();
    }

    private static double[] flatten(Tensor[] ts) {
        List<Double> all = new ArrayList<>();
        for (Tensor t : ts) {
            for (double v : t.toDoubleArray()) {
                all.add(v);
            }
        }
        return all.stream().mapToDouble(Double::doubleValue).toArray();
    }

    /** ||a - b|| / ||b||. */
    static double relErr(double[] a, double[] b) {
        double num = 0, den = 0;
        for (int i = 0; i < a.length; i++) {
            num += (a[i] - b[i]) * (a[i] - b[i]);
            den += b[i] * b[i];
        }
        return Math.sqrt(num / Math.max(den, 1e-300));
    }
}
