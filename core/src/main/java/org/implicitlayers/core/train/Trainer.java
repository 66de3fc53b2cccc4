package org.implicitlayers.core.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.implicitlayers.core.MemoryScope;
import org.implicitlayers.core.Rng;
import org.implicitlayers.core.Tensor;
import org.implicitlayers.core.nn.Module;
import org.implicitlayers.core.nn.Parameter;
import org.implicitlayers.core.optim.LrSchedule;
import org.implicitlayers.core.optim.Optimizer;

/**
 * The training loop: for each step, set the learning rate from the schedule, compute the loss
 * (which may draw from the run's generator), check it, backpropagate, check the gradients, take an
 * optimiser step; evaluate and checkpoint every so many steps, and on cancel.
 *
 * <p>Nothing is lost: checkpoints are atomic ({@link Checkpoint}); a run resumed from one ends with
 * exactly the parameters of an uninterrupted run with the same seed, because the parameters, the
 * optimiser state, the generator state and the step are all restored. A NaN or Inf stops the loop
 * with {@link TrainingDivergedException} before the bad step is applied or saved.
 */
public final class Trainer {
    /** The loss of one step; draw minibatches or collocation points from {@code rng}. */
    @FunctionalInterface
    public interface LossFunction {
        /** The loss of step {@code step} (from 0), a one-element tensor computed from the model. */
        Tensor loss(long step, Rng rng);
    }

    /**
     * Metrics computed on demand (e.g. an error against an exact solution). It runs in a memory
     * scope of its own: on an off-heap backend the tensors it creates are freed when it returns
     * (cache any with {@code MemoryScope.persist}).
     */
    @FunctionalInterface
    public interface Evaluator {
        /** Metrics by name after {@code step} steps. */
        Map<String, Double> evaluate(long step);
    }

    /** What one step did. */
    public record StepInfo(
            long step, long totalSteps, double loss, double learningRate, double elapsedSeconds) {}

    /** How a run ended. */
    public record Result(
            long lastStep,
            double lastLoss,
            boolean cancelled,
            long resumedFrom,
            double elapsedSeconds) {}

    /**
     * Options; start from {@link #defaults()} and change what differs with the withers: {@code
     * Trainer.Options.defaults().withSteps(20_000).withCheckpoint(Path.of("run/ckpt.npz"))}.
     *
     * @param steps total optimiser steps (default 1000)
     * @param evalEvery evaluate every so many steps (0: never, except at the end if an evaluator is
     *     set; default 0)
     * @param checkpointEvery checkpoint every so many steps (0: only by time, at the end and on
     *     cancel; default 0)
     * @param checkpoint the checkpoint file, or null for none (default null)
     * @param resume continue from the checkpoint file when it exists (default false)
     * @param checkpointSeconds also checkpoint after the first step that ends this many seconds
     *     (wall time) after the last checkpoint or the start, so that a kill costs at most about
     *     this much work whatever the step count (0: by steps only; default 30)
     */
    public record Options(
            long steps,
            long evalEvery,
            long checkpointEvery,
            Path checkpoint,
            boolean resume,
            double checkpointSeconds) {
        /** The default wall-time interval between checkpoints, in seconds. */
        public static final double DEFAULT_CHECKPOINT_SECONDS = 30;

        /** Validates that the counts and the interval are not negative. */
        public Options {
            if (steps < 0 || evalEvery < 0 || checkpointEvery < 0) {
                throw new IllegalArgumentException(
                        "Trainer options must be >= 0: steps "
                                + steps
                                + ", evalEvery "
                                + evalEvery
                                + ", checkpointEvery "
                                + checkpointEvery);
            }
            if (!(checkpointSeconds >= 0) || Double.isInfinite(checkpointSeconds)) {
                throw new IllegalArgumentException(
                        "Trainer options: checkpointSeconds must be finite and >= 0, got "
                                + checkpointSeconds);
            }
        }

        /**
         * 1000 steps, no evaluation, no checkpoint file, no resume, checkpoints (when a file is
         * set) at least every 30 s.
         */
        public static Options defaults() {
            return new Options(1000, 0, 0, null, false, DEFAULT_CHECKPOINT_SECONDS);
        }

        /** With another number of steps. */
        public Options withSteps(long v) {
            return new Options(
                    v, evalEvery, checkpointEvery, checkpoint, resume, checkpointSeconds);
        }

        /** Evaluating every {@code v} steps. */
        public Options withEvalEvery(long v) {
            return new Options(steps, v, checkpointEvery, checkpoint, resume, checkpointSeconds);
        }

        /** Checkpointing every {@code v} steps. */
        public Options withCheckpointEvery(long v) {
            return new Options(steps, evalEvery, v, checkpoint, resume, checkpointSeconds);
        }

        /** Checkpointing to {@code file} (null: none). */
        public Options withCheckpoint(Path file) {
            return new Options(steps, evalEvery, checkpointEvery, file, resume, checkpointSeconds);
        }

        /** Resuming from an existing checkpoint, or not. */
        public Options withResume(boolean v) {
            return new Options(steps, evalEvery, checkpointEvery, checkpoint, v, checkpointSeconds);
        }

        /** Checkpointing also after {@code seconds} of wall time (0: by steps only). */
        public Options withCheckpointSeconds(double seconds) {
            return new Options(steps, evalEvery, checkpointEvery, checkpoint, resume, seconds);
        }
    }

    private final Module model;
    private final Optimizer optimizer;
    private final Rng rng;
    private final LossFunction lossFunction;
    private final LrSchedule schedule;
    private final Evaluator evaluator;
    private final Options options;
    private final RunState runState;
    private final List<TrainingCallback> callbacks;
    private final java.util.function.LongSupplier clock;
    private final List<Stage> stages;
    private volatile boolean cancelRequested;
    private volatile boolean finishStageRequested;
    private long lastSave;

    private Trainer(Builder b, Options options, List<TrainingCallback> callbacks) {
        this.model = b.model;
        this.optimizer = b.optimizer;
        this.rng = b.rng;
        this.lossFunction = b.loss;
        this.schedule = b.schedule;
        this.evaluator = b.evaluator;
        this.options = options;
        this.runState = b.runState;
        this.callbacks = List.copyOf(callbacks);
        this.clock = b.clock;
        this.stages = List.copyOf(b.stages);
    }

    /**
     * A trainer of {@code model} by {@code optimizer}, drawing from {@code rng}; set at least the
     * loss.
     */
    public static Builder builder(Module model, Optimizer optimizer, Rng rng) {
        return new Builder(model, optimizer, rng);
    }

    /** Asks the loop to stop after the current step; it writes a checkpoint first. Thread-safe. */
    public void cancel() {
        cancelRequested = true;
    }

    /**
     * Ends the current stage after its current step as if it had taken all its steps (its {@link
     * Stage#end()} runs, the next stage begins); for wall-clock budgets. Thread-safe.
     */
    public void finishStage() {
        finishStageRequested = true;
    }

    /** Runs to the end (or to a cancel); throws {@link TrainingDivergedException} on NaN/Inf. */
    public Result run() throws IOException {
        Path ckpt = options.checkpoint();
        if (ckpt == null) {
            return runLocked(null);
        }
        // One run per checkpoint: a second process writing the same file would interleave states.
        try (RunLock lock = RunLock.acquire(ckpt)) {
            return runLocked(ckpt);
        }
    }

    private Result runLocked(Path ckpt) throws IOException {
        long start = 0;
        int stage = 0;
        long stageStep = 0;
        Map<String, Tensor> stageState = Map.of();
        if (options.resume() && ckpt != null && Files.exists(ckpt)) {
            Checkpoint c = Checkpoint.load(ckpt);
            if (c.stage() > stages.size() + (stages.isEmpty() ? 0 : 1)) {
                throw new IOException(
                        ckpt
                                + ": checkpoint is in stage "
                                + c.stage()
                                + ", this run has "
                                + (stages.size() + 1)
                                + " ("
                                + stageNames()
                                + ")");
            }
            c.restore(ckpt, model, optimizer, rng, runState);
            start = c.step();
            stage = c.stage();
            stageStep = c.stageStep();
            stageState = c.stageState();
        }
        long total = options.steps();
        for (Stage st : stages) {
            total += st.steps();
        }
        long t0 = System.nanoTime();
        lastSave = clock.getAsLong();
        double lastLoss = Double.NaN;
        for (TrainingCallback cb : callbacks) {
            cb.onStart(start + 1, total);
        }
        long step = start;
        boolean cancelled = false;
        // Whether a stage ended (and may have changed the parameters) since the last evaluation.
        boolean stageEnded = false;
        while (stage == 0 && step < options.steps()) {
            if (cancelRequested) {
                cancelled = true;
                break;
            }
            if (finishStageRequested) {
                finishStageRequested = false;
                break;
            }
            long next = step + 1;
            if (schedule != null) {
                optimizer.setLearningRate(schedule.at(step));
            }
            optimizer.zeroGrad();
            try (MemoryScope scope = MemoryScope.open()) {
                Tensor loss = lossFunction.loss(next, rng);
                lastLoss = loss.item();
                if (!Double.isFinite(lastLoss)) {
                    throw new TrainingDivergedException(
                            next,
                            "step "
                                    + next
                                    + ": the loss is "
                                    + lastLoss
                                    + "; training stopped"
                                    + lastGood(step));
                }
                loss.backward();
                checkGradients(next, step);
                optimizer.step();
            }
            step = next;
            afterStep(
                    new StepInfo(
                            step,
                            total,
                            lastLoss,
                            optimizer.learningRate(),
                            (System.nanoTime() - t0) / 1e9),
                    ckpt,
                    step < total,
                    0,
                    0,
                    null);
        }
        if (!cancelled && stage == 0 && !stages.isEmpty()) {
            stage = 1;
            stageStep = 0;
        }
        for (; !cancelled && stage >= 1 && stage <= stages.size(); stage++) {
            Stage st = stages.get(stage - 1);
            finishStageRequested =
                    false; // a request made in the previous stage's last step ended that stage
            if (stageStep > 0 || !stageState.isEmpty()) {
                try {
                    st.restore(stageState);
                } catch (IllegalArgumentException e) {
                    throw new IOException(
                            ckpt
                                    + ": checkpoint state of stage "
                                    + stage
                                    + " ("
                                    + st.name()
                                    + ") does not fit this run: "
                                    + e.getMessage(),
                            e);
                }
            } else {
                st.begin();
            }
            stageState = Map.of();
            while (stageStep < st.steps() && !st.finished()) {
                if (cancelRequested) {
                    cancelled = true;
                    break;
                }
                if (finishStageRequested) {
                    finishStageRequested = false;
                    break;
                }
                long next = step + 1;
                try (MemoryScope scope = MemoryScope.open()) {
                    lastLoss = st.step(stageStep + 1, rng);
                }
                if (!Double.isFinite(lastLoss)) {
                    throw new TrainingDivergedException(
                            next,
                            "step "
                                    + next
                                    + " ("
                                    + st.name()
                                    + "): the loss is "
                                    + lastLoss
                                    + "; training stopped"
                                    + lastGood(step));
                }
                stageStep++;
                step = next;
                afterStep(
                        new StepInfo(
                                step,
                                total,
                                lastLoss,
                                st.learningRate(),
                                (System.nanoTime() - t0) / 1e9),
                        ckpt,
                        true,
                        stage,
                        stageStep,
                        st);
            }
            if (cancelled) {
                if (ckpt != null) {
                    save(step, stage, stageStep, st.state());
                }
                break;
            }
            st.end();
            stageEnded = true;
            stageStep = 0;
        }
        if (ckpt != null && !cancelled && (step > start || stageEnded)) {
            save(step, stages.isEmpty() ? 0 : stages.size() + 1, 0, Map.of());
        } else if (ckpt != null && cancelled && stage == 0 && step > start) {
            save(step, 0, 0, Map.of());
        }
        if (evaluator != null
                && !cancelled
                && (options.evalEvery() == 0 || step % options.evalEvery() != 0 || stageEnded)) {
            evaluate(step);
        }
        Result r = new Result(step, lastLoss, cancelled, start, (System.nanoTime() - t0) / 1e9);
        for (TrainingCallback cb : callbacks) {
            cb.onEnd(r);
        }
        return r;
    }

    /**
     * Callbacks, evaluation and a checkpoint (by step count or wall time, unless {@code
     * mayCheckpoint} is false) after a step.
     */
    private void afterStep(
            StepInfo info, Path ckpt, boolean mayCheckpoint, int stage, long stageStep, Stage st)
            throws IOException {
        long step = info.step();
        for (TrainingCallback cb : callbacks) {
            cb.onStep(info);
        }
        if (evaluator != null && options.evalEvery() > 0 && step % options.evalEvery() == 0) {
            evaluate(step);
        }
        boolean byStep = options.checkpointEvery() > 0 && step % options.checkpointEvery() == 0;
        boolean byTime =
                options.checkpointSeconds() > 0
                        && clock.getAsLong() - lastSave >= options.checkpointSeconds() * 1e9;
        if (ckpt != null && (byStep || byTime) && mayCheckpoint) {
            save(step, stage, stageStep, st == null ? Map.of() : st.state());
        }
    }

    private String stageNames() {
        StringBuilder b = new StringBuilder("the optimiser's");
        for (Stage st : stages) {
            b.append(", ").append(st.name());
        }
        return b.toString();
    }

    private String lastGood(long step) {
        Path c = options.checkpoint();
        if (c == null) {
            return "";
        }
        return Files.exists(c)
                ? "; the last checkpoint on disk (" + c + ") is unchanged"
                : "; no checkpoint was written yet";
    }

    private void checkGradients(long next, long step) {
        for (Map.Entry<String, Parameter> e : optimizer.parameters().entrySet()) {
            Tensor g = e.getValue().grad();
            if (g != null) {
                double s = g.abs().max().item();
                if (!Double.isFinite(s)) {
                    throw new TrainingDivergedException(
                            next,
                            "step "
                                    + next
                                    + ": the gradient of '"
                                    + e.getKey()
                                    + "' contains NaN or Inf; training stopped"
                                    + lastGood(step));
                }
            }
        }
    }

    private void evaluate(long step) {
        Map<String, Double> m;
        try (MemoryScope scope =
                MemoryScope.open()) { // an evaluation's tensors are freed at once, like a step's
            m = evaluator.evaluate(step);
        }
        for (TrainingCallback cb : callbacks) {
            cb.onEval(step, m);
        }
    }

    private void save(long step, int stage, long stageStep, Map<String, Tensor> stageState)
            throws IOException {
        Checkpoint.of(step, model, optimizer, rng, runState)
                .inStage(stage, stageStep, stageState)
                .save(options.checkpoint());
        lastSave = clock.getAsLong();
        for (TrainingCallback cb : callbacks) {
            cb.onCheckpoint(step, options.checkpoint());
        }
    }

    /** Assembles a {@link Trainer}. */
    public static final class Builder {
        private final Module model;
        private final Optimizer optimizer;
        private final Rng rng;
        private LossFunction loss;
        private LrSchedule schedule;
        private Evaluator evaluator;
        private Options options = Options.defaults();
        private RunState runState;
        private final List<TrainingCallback> callbacks = new ArrayList<>();
        private java.util.function.LongSupplier clock = System::nanoTime;
        private final List<Stage> stages = new ArrayList<>();
        private RunContext context;

        private Builder(Module model, Optimizer optimizer, Rng rng) {
            this.model = model;
            this.optimizer = optimizer;
            this.rng = rng;
        }

        /** The loss of each step (required). */
        public Builder loss(LossFunction f) {
            loss = f;
            return this;
        }

        /** The learning rate by step (default: the optimiser's, constant). */
        public Builder schedule(LrSchedule s) {
            schedule = s;
            return this;
        }

        /** Metrics computed every {@code evalEvery} steps and at the end. */
        public Builder evaluator(Evaluator e) {
            evaluator = e;
            return this;
        }

        /** Steps, evaluation and checkpoints (default {@link Options#defaults()}). */
        public Builder options(Options o) {
            options = o;
            return this;
        }

        /**
         * Further state of the run that checkpoints hold and resume restores (e.g. a quasi-random
         * sequence's position).
         */
        public Builder state(RunState s) {
            runState = s;
            return this;
        }

        /**
         * Adds a stage that runs after the optimiser's {@code options.steps()} steps (and after the
         * stages added before it), e.g. L-BFGS. Steps are numbered on across stages; callbacks see
         * every stage's steps, out of the total of all stages.
         */
        public Builder then(Stage stage) {
            stages.add(java.util.Objects.requireNonNull(stage, "stage"));
            return this;
        }

        /** Adds a callback (progress, logs), called in the order added. */
        public Builder callback(TrainingCallback cb) {
            callbacks.add(cb);
            return this;
        }

        /**
         * Runs within a job's {@link RunContext}: its checkpoint file and resume flag replace those
         * of the options (also when set later), its callbacks run after this builder's, and its
         * cancel request reaches the trainer, also one made before {@link #build()}.
         */
        public Builder context(RunContext run) {
            context = run;
            return this;
        }

        /**
         * The wall clock (nanoseconds) that time-based checkpoints read; {@link System#nanoTime()}
         * unless a test sets another.
         */
        public Builder clock(java.util.function.LongSupplier nanos) {
            clock = nanos;
            return this;
        }

        /** The trainer; fails if no loss was set. */
        public Trainer build() {
            if (loss == null) {
                throw new IllegalStateException("Trainer: no loss function given");
            }
            Options o = context == null ? options : context.trainerOptions(options);
            List<TrainingCallback> cbs = new ArrayList<>(callbacks);
            if (context != null) {
                cbs.addAll(context.callbacks());
            }
            Trainer t = new Trainer(this, o, cbs);
            if (context != null) {
                context.cancelRequest().accept(t);
            }
            return t;
        }
    }
}
