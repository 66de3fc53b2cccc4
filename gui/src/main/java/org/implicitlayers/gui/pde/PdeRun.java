package org.implicitlayers.gui.pde;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import org.implicitlayers.core.train.Trainer;
import org.implicitlayers.core.train.TrainingCallback;
import org.implicitlayers.plot.Contours;
import org.implicitlayers.plot.Grid2;
import org.implicitlayers.ritz.ProblemSpec;
import org.implicitlayers.ritz.RitzSolver;
import org.implicitlayers.ritz.SolutionGrid;
import org.implicitlayers.ritz.domain.Domain;

/**
 * One solve of a problem on a background thread, reporting to a listener on the UI thread: batches
 * of losses a few times a second, evaluations as they come, the solution sampled on a grid every
 * couple of seconds and at the end. {@link #cancel()} stops it after the current step (well within
 * a second) and keeps what was trained.
 */
final class PdeRun {
    /** Grid nodes per side while training and for the final figures. */
    static final int LIVE_GRID = 81, FINAL_GRID = 161;
    private static final long PROGRESS_NANOS = 150_000_000L, SOLUTION_NANOS = 2_000_000_000L;

    /** Where the run is: step of total, last loss, seconds since the start. */
    record Progress(long step, long total, double loss, double seconds) {
        /** Seconds left at the rate so far, NaN before the first step. */
        double secondsLeft() {
            return step > 0 ? seconds / step * (total - step) : Double.NaN;
        }
    }

    /** What the UI hears, always on its own thread. */
    interface Listener {
        void progress(Progress p, double[] steps, double[] losses);

        void evaluation(long step, Map<String, Double> metrics);

        /** Adam has stopped (at its last step, or cancelled); the final evaluation and figures follow. */
        void trainingEnded(long step, boolean cancelled);

        void solution(SolutionGrid grid, List<double[]> outline);

        void finished(RitzSolver.Result result);

        void failed(Throwable error);
    }

    private final ProblemSpec spec;
    private final Listener listener;
    private final Executor ui;
    private volatile RitzSolver solver;
    private volatile boolean cancelled;
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

    void start() {
        thread = new Thread(this::run, "pde-run " + spec.name());
        thread.setDaemon(true);
        thread.start();
    }

    /** Asks the run to stop after the current step; returns at once. */
    void cancel() {
        cancelled = true;
        RitzSolver s = solver;
        if (s != null) {
            s.cancel();
        }
    }

    /** Waits for the background thread (tests). */
    void join(long millis) throws InterruptedException {
        thread.join(millis);
    }

    private void run() {
        try {
            RitzSolver s = new RitzSolver(spec.problem(), spec.options());
            solver = s;
            if (cancelled) {
                s.cancel();
            }
            Domain domain = spec.problem().domain();
            boolean planar = domain.dim() == 2;
            List<double[]>[] outline = new List[1];
            TrainingCallback cb = new TrainingCallback() {
                private double[] steps = new double[256], losses = new double[256];
                private int n;
                private long lastProgress = System.nanoTime(), lastSolution = System.nanoTime();

                @Override
                public void onStep(Trainer.StepInfo info) {
                    if (n == steps.length) {
                        steps = Arrays.copyOf(steps, 2 * n);
                        losses = Arrays.copyOf(losses, 2 * n);
                    }
                    steps[n] = info.step();
                    losses[n++] = info.loss();
                    long now = System.nanoTime();
                    if (now - lastProgress > PROGRESS_NANOS || info.step() == info.totalSteps()) {
                        Progress p = new Progress(info.step(), info.totalSteps(), info.loss(), info.elapsedSeconds());
                        double[] bs = Arrays.copyOf(steps, n), bl = Arrays.copyOf(losses, n);
                        n = 0;
                        lastProgress = now;
                        ui.execute(() -> listener.progress(p, bs, bl));
                    }
                    if (planar && now - lastSolution > SOLUTION_NANOS) {
                        post(SolutionGrid.sample(s, LIVE_GRID), domain, outline);
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
            RitzSolver.Result r = s.solve(List.of(cb), null, false);
            if (planar) {
                post(SolutionGrid.sample(s, FINAL_GRID), domain, outline);
            }
            ui.execute(() -> listener.finished(r));
        } catch (Throwable t) {
            ui.execute(() -> listener.failed(t));
        }
    }

    private void post(SolutionGrid g, Domain domain, List<double[]>[] outline) {
        if (outline[0] == null || g.xs().length == FINAL_GRID) {
            outline[0] = Contours.outlineAround((x, y) -> domain.contains(new double[] {x, y}), new Grid2(g.xs(), g.ys(), g.u()));
        }
        List<double[]> o = outline[0];
        ui.execute(() -> listener.solution(g, o));
    }
}
