package org.implicitlayers.gui.pde;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import org.implicitlayers.core.DType;
import org.implicitlayers.core.Grad;
import org.implicitlayers.core.Tensor;
import org.implicitlayers.core.train.CsvMetricsLog;
import org.implicitlayers.core.train.RunContext;
import org.implicitlayers.core.train.Trainer;
import org.implicitlayers.core.train.TrainingCallback;
import org.implicitlayers.gui.common.LossHistory;
import org.implicitlayers.plot.Contours;
import org.implicitlayers.plot.Grid2;
import org.implicitlayers.ritz.ProblemSpec;
import org.implicitlayers.ritz.RitzOutputs;
import org.implicitlayers.ritz.RitzSolver;
import org.implicitlayers.ritz.SolutionGrid;
import org.implicitlayers.ritz.domain.Domain;
import org.implicitlayers.ritz.problem.PoissonProblem;

/**
 * One solve of a problem on a background thread, reporting to a listener on the UI thread: batches
 * of losses a few times a second, evaluations as they come, the solution sampled on a grid every
 * couple of seconds and at the end. {@link #cancel()} stops it after the current step (well within
 * a second) and keeps what was trained.
 *
 * <p>The run is a job like the command line's: a {@link RunContext} on a folder of its own (in the
 * workbench's session folder) takes the run lock, holds the checkpoint and the training logs
 * ({@code metrics.csv}, {@code eval.csv}) that the export writes with the rest of the run's files
 * ({@link RitzOutputs}), and carries the cancel request and the progress callbacks.
 */
final class PdeRun {
    /** Grid nodes per side while training and for the final figures. */
    static final int LIVE_GRID = 81, FINAL_GRID = 161;

    private static final long PROGRESS_NANOS = 150_000_000L, SOLUTION_NANOS = 2_000_000_000L;

    /** Where the run is: step of total, last loss, seconds since the start. */
    record Progress(long step, long total, double loss, double seconds) {}

    /** What the UI hears, always on its own thread. */
    interface Listener {
        void progress(Progress p, double[] steps, double[] losses);

        void evaluation(long step, Map<String, Double> metrics);

        /**
         * Adam has stopped (at its last step, or cancelled); the final evaluation and figures
         * follow.
         */
        void trainingEnded(long step, boolean cancelled);

        void solution(SolutionGrid grid, List<double[]> outline);

        void finished(RitzSolver.Result result);

        void failed(Throwable error);
    }

    private final ProblemSpec spec;
    private final Listener listener;
    private final Executor ui;
    private volatile RitzSolver solver;

    /** Height of the slice through a 3-D domain that the maps show. */
    private volatile double sliceZ = Double.NaN;

    private RunContext context;
    private Thread thread;

    PdeRun(ProblemSpec spec, Listener listener, Executor ui) {
        this.spec = spec;
        this.listener = listener;
        this.ui = ui;
    }

    ProblemSpec spec() {
        return spec;
    }

    /** The solver, once built (null before); read its network only after the run has ended. */
    RitzSolver solver() {
        return solver;
    }

    /**
     * Opens the run in {@code folder} (its lock) and starts the solve on a background thread.
     *
     * @throws IOException when the folder cannot be created or is locked by another run
     */
    void start(Path folder) throws IOException {
        context = RunContext.open(folder, false);
        thread = new Thread(this::run, "pde-run " + spec.name());
        thread.setDaemon(true);
        thread.start();
    }

    /** Asks the run to stop after the current step; returns at once. */
    void cancel() {
        RunContext c = context;
        if (c != null) {
            c.cancel();
        }
    }

    /** The run's folder: its checkpoint and training logs. */
    Path folder() {
        return context.folder();
    }

    /**
     * Sets the height of the slice that maps of a 3-D problem show (applies from the next refresh).
     */
    void setSliceZ(double z) {
        sliceZ = z;
    }

    /** The slice height in use: the middle of the domain's z range unless set. */
    double sliceZ() {
        double[] lo = spec.problem().domain().lower(), hi = spec.problem().domain().upper();
        return Double.isNaN(sliceZ) && lo.length > 2 ? 0.5 * (lo[2] + hi[2]) : sliceZ;
    }

    /**
     * The solution (and exact solution and error) on the plane z = {@code z} through a 3-D domain,
     * on an n x n grid of its bounding box; NaN outside the domain.
     */
    static SolutionGrid slice(RitzSolver s, double z, int n) {
        Domain d = s.problem().domain();
        double[] lo = d.lower(), hi = d.upper();
        double[] xs = Grid2.nodes(lo[0], hi[0], n), ys = Grid2.nodes(lo[1], hi[1], n);
        double[] pts = new double[3 * n * n];
        boolean[] inside = new boolean[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                int k = i * n + j;
                pts[3 * k] = xs[i];
                pts[3 * k + 1] = ys[j];
                pts[3 * k + 2] = z;
                inside[k] = d.contains(new double[] {xs[i], ys[j], z});
            }
        }
        double[] u, ex = null;
        try (Grad.Scope g = Grad.noGrad()) {
            Tensor x = Tensor.of(DType.FLOAT64, pts, n * n, 3);
            u = s.solution(x.to(s.options().run().dtype())).toDoubleArray();
            if (s.problem() instanceof PoissonProblem p && p.exact() != null) {
                ex = p.exact().at(x).toDoubleArray();
            }
        }
        double[][] uu = new double[n][n],
                ee = ex == null ? null : new double[n][n],
                err = ex == null ? null : new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                int k = i * n + j;
                uu[i][j] = inside[k] ? u[k] : Double.NaN;
                if (ex != null) {
                    ee[i][j] = inside[k] ? ex[k] : Double.NaN;
                    err[i][j] = inside[k] ? u[k] - ex[k] : Double.NaN;
                }
            }
        }
        return new SolutionGrid(xs, ys, uu, ee, err);
    }

    /**
     * Maps of the current solution: the grid (a slice for 3-D domains) and the domain's outline
     * there.
     */
    Object[] sample(int n) {
        RitzSolver s = solver;
        Domain domain = spec.problem().domain();
        if (domain.dim() == 2) {
            SolutionGrid g = SolutionGrid.sample(s, n);
            return new Object[] {
                g,
                Contours.outlineAround(
                        (x, y) -> domain.contains(new double[] {x, y}),
                        new Grid2(g.xs(), g.ys(), g.u()))
            };
        }
        double z = sliceZ();
        SolutionGrid g = slice(s, z, n);
        return new Object[] {
            g,
            Contours.outlineAround(
                    (x, y) -> domain.contains(new double[] {x, y, z}),
                    new Grid2(g.xs(), g.ys(), g.u()))
        };
    }

    /** Waits for the background thread (tests). */
    void join(long millis) throws InterruptedException {
        thread.join(millis);
    }

    private void run() {
        try {
            RitzSolver s = new RitzSolver(spec.problem(), spec.options());
            solver = s;
            Domain domain = spec.problem().domain();
            boolean planar = domain.dim() == 2 || domain.dim() == 3;
            TrainingCallback cb =
                    new TrainingCallback() {
                        private final LossHistory batch = new LossHistory();
                        private long lastProgress = System.nanoTime(),
                                lastSolution = System.nanoTime();

                        @Override
                        public void onStep(Trainer.StepInfo info) {
                            batch.add(info.step(), info.loss());
                            long now = System.nanoTime();
                            if (now - lastProgress > PROGRESS_NANOS
                                    || info.step() == info.totalSteps()) {
                                Progress p =
                                        new Progress(
                                                info.step(),
                                                info.totalSteps(),
                                                info.loss(),
                                                info.elapsedSeconds());
                                double[] bs = batch.steps(), bl = batch.losses();
                                batch.clear();
                                lastProgress = now;
                                ui.execute(() -> listener.progress(p, bs, bl));
                            }
                            if (planar && now - lastSolution > SOLUTION_NANOS) {
                                post(LIVE_GRID);
                                lastSolution = System.nanoTime();
                            }
                        }

                        @Override
                        public void onEnd(Trainer.Result r) {
                            ui.execute(() -> listener.trainingEnded(r.lastStep(), r.cancelled()));
                        }

                        @Override
                        public void onEval(long step, Map<String, Double> metrics) {
                            Map<String, Double> m = Map.copyOf(metrics);
                            ui.execute(() -> listener.evaluation(step, m));
                        }
                    };
            context.callback(cb);
            context.callback(
                    new CsvMetricsLog(
                            context.file(RitzOutputs.METRICS), context.file(RitzOutputs.EVAL), 10));
            RitzSolver.Result r = s.solve(context);
            if (planar) {
                post(FINAL_GRID);
            }
            ui.execute(() -> listener.finished(r));
        } catch (Throwable t) {
            ui.execute(() -> listener.failed(t));
        } finally {
            try {
                context.close();
            } catch (IOException e) {
                // the lock file of a temporary folder: nothing depends on it after the run
            }
        }
    }

    @SuppressWarnings("unchecked")
    private void post(int n) {
        Object[] m = sample(n);
        SolutionGrid g = (SolutionGrid) m[0];
        List<double[]> o = (List<double[]>) m[1];
        ui.execute(() -> listener.solution(g, o));
    }
}
